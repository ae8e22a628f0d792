// Property: over random ranges, page sizes, data and blank patterns (a page may blank mid-walk,
// pieces may blank again after a cut), walking the split-and-merged answer gives exactly the
// records, in order, that walking a Hubstaff that never blanks gives, side-loads included.
import fc from 'fast-check'
import t from 'tap'
import { ANONYMOUS } from '../src/apps.js'
import type { GatewayRequest, GatewayResponse, Handler } from '../src/pipeline/types.js'
import { splitStage } from '../src/split/stage.js'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 0, 5)
const D0 = T0 / DAY

interface Rec {
  id: number
  at: number
  user_id: number
  /** Free text: quotes, brackets, backslashes and any code point, which the merge must carry as they are. */
  note: string
}

type Kind = 'time' | 'date'
const listKey = (kind: Kind) => (kind === 'time' ? 'activities' : 'daily_activities')

/** A Hubstaff of `records` that blanks what `blanks` says; counts its calls. */
function hubstaff(kind: Kind, records: Rec[], blanks: (lo: number, hi: number, cursor: number, limit: number) => boolean) {
  const sorted = [...records].sort((a, b) => a.id - b.id)
  let calls = 0
  const handler: Handler = (request) => {
    calls++
    const q = new URLSearchParams(request.query)
    const param = kind === 'time' ? 'time_slot' : 'date'
    const read = (v: string | null) => (kind === 'time' ? Date.parse(v ?? '') : Date.parse(`${v ?? ''}T00:00:00Z`) / DAY)
    const lo = read(q.get(`${param}[start]`))
    const hi = read(q.get(`${param}[stop]`)) + (kind === 'date' ? 1 : 0)
    const cursor = Number(q.get('page_start_id') ?? 0)
    const limit = Number(q.get('page_limit') ?? 100)
    const answer = (status: number, body: string): Promise<GatewayResponse> =>
      Promise.resolve({ status, headers: { 'content-type': 'application/json' }, body: Buffer.from(body), source: 'upstream', upstreamCalls: 1 })
    if (blanks(lo, hi, cursor, limit)) return answer(200, '')
    const inRange = sorted.filter((r) => r.at >= lo && r.at < hi && r.id >= cursor)
    const page = inRange.slice(0, limit)
    const body: Record<string, unknown> = { [listKey(kind)]: page.map((r) => ({ id: r.id, at: r.at, note: r.note, user_id: r.user_id })) }
    if (q.get('include') === 'users') body.users = [...new Set(page.map((r) => r.user_id))].sort((a, b) => a - b).map((id) => ({ id, name: `u${id}` }))
    const next = inRange[limit]
    if (next !== undefined) body.pagination = { next_page_start_id: next.id }
    return answer(200, JSON.stringify(body))
  }
  return { handler, calls: () => calls }
}

function request(path: string, query: string): GatewayRequest {
  return { id: 'r', method: 'GET', path, query, headers: {}, body: undefined, signal: new AbortController().signal, app: ANONYMOUS }
}

async function walkVia(handler: Handler, kind: Kind, path: string, base: string, limit: number): Promise<{ records: unknown[]; users: unknown[]; pages: number }> {
  const records: unknown[] = []
  const users: unknown[] = []
  let cursor: number | undefined
  for (let pages = 1; pages <= 1000; pages++) {
    const res = await handler(request(path, `${base}&page_limit=${limit}${cursor === undefined ? '' : `&page_start_id=${cursor}`}`))
    if (res.status !== 200) throw new Error(`status ${res.status}: ${res.body.toString()}`)
    const body = JSON.parse(res.body.toString()) as Record<string, unknown[]> & { users?: unknown[]; pagination?: { next_page_start_id: number } }
    records.push(...(body[listKey(kind)] ?? []))
    users.push(...(body.users ?? []))
    if (body.pagination === undefined) return { records, users, pages }
    cursor = body.pagination.next_page_start_id
  }
  throw new Error('the walk did not end')
}

const scenario = fc.record({
  kind: fc.constantFrom<Kind>('time', 'date'),
  // Ids are unique but not in time order: a record edited later gets a later id.
  records: fc.uniqueArray(fc.record({ id: fc.integer({ min: 1, max: 100_000 }), at: fc.double({ min: 0, max: 0.9999, noNaN: true }), user_id: fc.integer({ min: 1, max: 6 }), note: fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('"}],[{"', '\\', '{"id":1}')) }), { selector: (r) => r.id, maxLength: 300 }),
  start: fc.integer({ min: 0, max: 6 }),
  days: fc.integer({ min: 1, max: 7 }),
  limit: fc.integer({ min: 1, max: 60 }),
  include: fc.boolean(),
  // Blank when the range is longer than this many hours, or when the hash of the page says so.
  overHours: fc.integer({ min: 1, max: 200 }),
  salt: fc.integer({ min: 0, max: 1000 }),
  concurrency: fc.integer({ min: 1, max: 3 }),
  // Cut at midnights (and keep the days) or halve.
  reuse: fc.boolean(),
  // A second, overlapping query: days kept from the first may be merged into it.
  shift: fc.integer({ min: 0, max: 2 }),
})

void t.test('split, merged and walked equals the unsplit walk', async (t) => {
  let split = 0
  await fc.assert(
    fc.asyncProperty(scenario, async (s) => {
      const span = s.kind === 'time' ? 8 * DAY : 8
      const records: Rec[] = s.records.map((r) => ({ id: r.id, user_id: r.user_id, note: r.note, at: s.kind === 'time' ? T0 + Math.floor(r.at * span) : D0 + Math.floor(r.at * span) }))
      const unit = s.kind === 'time' ? 3_600_000 : 1
      const hourSpan = (lo: number, hi: number) => ((hi - lo) * (s.kind === 'time' ? 1 : DAY)) / 3_600_000
      // Pages of the smallest piece at a small page_limit always get through, so a plan can end.
      const blanks = (lo: number, hi: number, cursor: number, limit: number) =>
        !(hi - lo <= unit && limit <= 12) && (hourSpan(lo, hi) > s.overHours || (lo * 31 + hi * 17 + cursor * 7 + limit + s.salt) % 5 === 0)
      const reference = hubstaff(s.kind, records, () => false)
      const blanking = hubstaff(s.kind, records, blanks)
      const path = s.kind === 'time' ? '/v2/organizations/1/activities' : '/v2/organizations/1/activities/daily'
      const fmt = (n: number) => (s.kind === 'time' ? new Date(n).toISOString() : new Date(n * DAY).toISOString().slice(0, 10))
      const lo = s.kind === 'time' ? T0 + s.start * DAY : D0 + s.start
      const hi = s.kind === 'time' ? lo + s.days * DAY : lo + s.days - 1
      const param = s.kind === 'time' ? 'time_slot' : 'date'
      const query = (from: number, to: number) => `${param}[start]=${fmt(from)}&${param}[stop]=${fmt(to)}${s.include ? '&include=users' : ''}`
      const stage = splitStage({ concurrency: s.concurrency, reuse: s.reuse })(blanking.handler)
      const step = s.kind === 'time' ? s.shift * DAY + 3_600_000 * s.shift : s.shift
      for (const base of [query(lo, hi), query(lo + step, hi + step)]) {
        const expected = await walkVia(reference.handler, s.kind, path, base, s.limit)
        const got = await walkVia(stage, s.kind, path, base, s.limit)
        t.same(got.records, expected.records)
        t.same(got.pages, expected.pages)
        t.same(got.users, expected.users)
      }
      if (blanking.calls() !== reference.calls()) split++
      return true
    }),
    { numRuns: 80, seed: 20260105, endOnFailure: true },
  )
  t.ok(split >= 40, `most runs did split (${split} of 80)`)
})
