// Property: through any sequence of inserts, updates and deletes, a collection's indexes (rows by
// a field's value, rows by a date) give exactly what a scan of its rows gives, its ids are
// never handed out twice, and every update bumps the record's version.
import fc from 'fast-check'
import t from 'tap'
import { Collection } from '../src/twin/collection.js'
import type { Row } from '../src/twin/dataset.js'

const DAY = 86_400_000
const T0 = Date.parse('2026-11-01T00:00:00Z')
const at = (n: number): string => new Date(T0 + n * 3_600_000).toISOString()

type Op = { kind: 'insert'; user: number; tags: number[]; hour: number } | { kind: 'update'; pick: number; user: number; hour: number } | { kind: 'remove'; pick: number }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), user: fc.integer({ min: 1, max: 4 }), tags: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }), hour: fc.integer({ min: 0, max: 200 }) }),
  fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), user: fc.integer({ min: 1, max: 4 }), hour: fc.integer({ min: 0, max: 200 }) }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
)

void t.test('indexes agree with a scan after any writes', (t) => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 40 }), fc.integer({ min: 0, max: 3 }), (ops, warm) => {
      const start: Row[] = [5, 2, 9].map((id) => ({ id, user_id: id % 4, tags: [1], at: at(id) }))
      const collection = Collection.of(start)
      // Indexes built before the writes must be kept up; those built after, built right.
      if (warm > 0) collection.bucket('user_id', 1)
      if (warm > 1) collection.span('at', 0, Infinity)
      if (warm > 2) collection.bucket('tags', 2)
      const given = new Set(start.map((r) => r.id))
      for (const o of ops) {
        const rows = collection.rows()
        if (o.kind === 'insert') {
          const id = collection.allocateId()
          t.notOk(given.has(id), `id ${id} is new`)
          given.add(id)
          collection.insert({ id, user_id: o.user, tags: o.tags, at: at(o.hour) })
        } else if (rows.length > 0) {
          const row = rows[o.pick % rows.length] as Row
          if (o.kind === 'update') {
            const version = collection.version(row.id)
            collection.replace({ ...row, user_id: o.user, at: at(o.hour) })
            t.equal(collection.version(row.id), version + 1)
          } else collection.remove(row.id)
        }
      }
      const rows = collection.rows()
      t.same(rows.map((r) => r.id), [...rows].map((r) => r.id).sort((a, b) => a - b), 'rows stay in id order')
      for (let user = 0; user <= 4; user++) t.same(collection.bucket('user_id', user), rows.filter((r) => r.user_id === user))
      for (let tag = 1; tag <= 3; tag++) t.same(collection.bucket('tags', tag), rows.filter((r) => (r.tags as number[]).includes(tag)))
      const lo = T0 + 20 * 3_600_000
      const hi = lo + 3 * DAY
      const inSpan = rows.filter((r) => Date.parse(r.at as string) >= lo && Date.parse(r.at as string) < hi)
      t.same(new Set(collection.span('at', lo, hi)), new Set(inSpan))
      t.equal(collection.spanSize('at', lo, hi), inSpan.length)
      const times = collection.byInstant('at').map((r) => Date.parse(r.at as string))
      t.same(times, [...times].sort((a, b) => a - b))
      for (const r of rows) t.equal(collection.get(r.id), r)
    }),
    { numRuns: 150 },
  )
  t.end()
})

void t.test('a collection refuses two rows with one id', (t) => {
  t.throws(() => Collection.of([{ id: 1 }, { id: 1 }]))
  const c = Collection.of([{ id: 1 }])
  t.throws(() => c.insert({ id: 1 }))
  t.throws(() => c.replace({ id: 2 }))
  t.equal(c.remove(2), undefined)
  t.end()
})
