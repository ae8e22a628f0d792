// One key per question: every spelling of one request shares its key, and two requests share a
// key only when Hubstaff, reading them with Rack and coercing them by the operation's declared
// parameters, answers them alike. Brackets fold for an operation's list parameters only.
import fc from 'fast-check'
import t from 'tap'
import { listNamesFor, parseQuery, requestKey } from '../src/api/query.js'
import { createRouter, defaultRouter, type RoutedOperation } from '../src/api/routes.js'
import type { Param } from '../src/api/types.js'
import { cacheAround, req } from './helpers/cache-harness.js'

const scalar = (name: string): Param => ({ name, in: 'query', schema: { type: 'string' } })
const list = (name: string): Param => ({ name, in: 'query', schema: { type: 'array', items: { type: 'integer' } } })
const orgId: Param = { name: 'organization_id', in: 'path', schema: { type: 'integer' }, required: true }

const OPERATIONS: RoutedOperation[] = [
  { method: 'GET', path: '/v2/organizations/{organization_id}/projects', params: [orgId, scalar('status'), scalar('page_limit'), scalar('page_start_id'), list('include')] },
  { method: 'GET', path: '/v2/organizations/{organization_id}/activities', params: [orgId, list('user_ids'), list('project_ids'), scalar('time_slot[start]'), scalar('time_slot[stop]'), scalar('page_limit'), list('include')] },
  { method: 'GET', path: '/v2/organizations/{organization_id}/timesheets', params: [orgId, list('status'), scalar('date[start]'), scalar('date[stop]'), scalar('page_limit')] },
]
const router = createRouter(OPERATIONS)
const key = (path: string, query: string) => requestKey({ method: 'GET', path, query }, router)

void t.test('page_limit[]=2 is not page_limit=2: brackets on a scalar are another request', (t) => {
  const projects = '/v2/organizations/1001/projects'
  t.not(key(projects, 'page_limit[]=2'), key(projects, 'page_limit=2'))
  t.not(key(projects, 'page_limit[]=1&page_limit[]=2'), key(projects, 'page_limit=1,2'))
  t.not(key(projects, 'status[]=active'), key(projects, 'status=active'), '`status` is a scalar here')
  t.equal(key('/v2/organizations/1001/timesheets', 'status[]=open&status[]=approved'), key('/v2/organizations/1001/timesheets', 'status=open,approved'), 'and a list here')
  t.not(key(projects, 'q=1,2'), key(projects, 'q=1&q=2'), 'a scalar value keeps its commas')
  t.end()
})

void t.test('through the cache: one app cannot get another app\'s answer to page_limit=2', async (t) => {
  const { handle, stub } = cacheAround()
  await handle(req('GET', '/v2/organizations/1001/projects?page_limit=2'))
  await handle(req('GET', '/v2/organizations/1001/projects?page_limit[]=2'))
  t.equal(stub.calls.length, 2, 'each asked Hubstaff')
  await handle(req('GET', '/v2/organizations/1001/activities?user_ids[]=1&user_ids[]=2&time_slot[start]=2026-07-14T00:00:00Z'))
  await handle(req('GET', '/v2/organizations/1001/activities/?time_slot%5Bstart%5D=2026-07-14T00%3a00%3a00Z&user_ids=1,2'))
  t.equal(stub.calls.length, 3, 'while spellings of one list share an answer')
})

void t.test('paths no operation describes fold only names that are lists wherever declared', (t) => {
  t.same([...listNamesFor('GET', '/v2/somewhere/new', router)].sort(), ['include', 'project_ids', 'user_ids'])
  t.notOk(listNamesFor('GET', '/v2/somewhere/new', router).has('status'), 'a list in one operation, a scalar in another')
  t.same([...listNamesFor('GET', '/v2/organizations/1/projects', router)], ['include'])
  t.same(parseQuery('a=&b=1&b=&c[]=&c[]=', new Set(['c'])), [{ name: 'b', values: ['1'] }, { name: 'b', values: [''] }], 'a blank after a value replaces it; a list of blanks is none')
  t.same(parseQuery('page_limit[]='), [{ name: 'page_limit[]', values: [''] }], 'a scalar sent as an array is not blank')
  t.end()
})

// ---- Hubstaff's reading of a query, as a model: Rack's parser, then Grape's coercion. ----

type Meaning = Record<string, { list: string[] } | { value: string } | { array: string[] } | { error: true }>

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '))
  } catch {
    return text
  }
}

function hubstaffReads(operation: RoutedOperation, query: string): Meaning {
  const rack = new Map<string, string | string[]>()
  for (const part of query.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const name = decode(eq === -1 ? part : part.slice(0, eq))
    const value = decode(eq === -1 ? '' : part.slice(eq + 1))
    if (name.endsWith('[]')) {
      const base = name.slice(0, -2)
      const had = rack.get(base)
      // Rack refuses the whole query for `x=1&x[]=2` (expected Array, got String): a 400 naming `x`.
      if (typeof had === 'string') return { [base]: { error: true } }
      rack.set(base, [...(had ?? []), value])
    } else rack.set(name, value)
  }
  const lists = new Set(operation.params.filter((p) => p.schema.type === 'array').map((p) => p.name))
  const meaning: Meaning = {}
  for (const [name, got] of rack) {
    if (lists.has(name)) {
      const items = [got].flat().flatMap((v) => v.split(',')).filter((v) => v !== '')
      if (items.length > 0) meaning[name] = { list: items }
    } else if (Array.isArray(got)) meaning[name] = { array: got }
    else if (got !== '') meaning[name] = { value: got }
  }
  return meaning
}

const sorted = (m: Meaning) => JSON.stringify(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)))

/** Percent-encodes some characters, in either case, and spells spaces as `+` or `%20`. */
const spell = (text: string) =>
  fc.array(fc.integer({ min: 0, max: 3 }), { minLength: text.length, maxLength: text.length }).map((choices) =>
    [...text]
      .map((ch, i) => {
        const choice = choices[i] ?? 0
        if (ch === ' ') return choice % 2 === 0 ? '+' : '%20'
        const escaped = [...Buffer.from(ch)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')
        if (/[&=+%#]/.test(ch) || choice === 0) return escaped
        return choice === 1 ? escaped.toUpperCase() : ch
      })
      .join(''),
  )

const item = fc.constantFrom('1', '2', '10', 'a b', 'x:y', 'é')

/** One request's meaning for an operation: a value per chosen parameter (a list of items for a list). */
const meaningOf = (operation: RoutedOperation) =>
  fc.subarray(operation.params.filter((p) => p.in === 'query')).chain((params) =>
    fc.tuple(...params.map((p) => (p.schema.type === 'array' ? fc.array(item, { minLength: 1, maxLength: 3 }).map((items) => ({ p, items })) : item.map((v) => ({ p, items: [v] }))))),
  )

/** The parts of one spelling of a parameter: comma form, bracket form, bracket-and-comma, blank items. */
function spellingsOf(p: Param, items: readonly string[]): fc.Arbitrary<string[][]> {
  if (p.schema.type !== 'array') return fc.constant([[p.name, items[0] ?? '']])
  return fc.oneof(
    fc.constant<string[][]>([[p.name, items.join(',')]]),
    fc.constant<string[][]>([[p.name, `,${items.join(',,')},`]]),
    fc.constant(items.map((v) => [`${p.name}[]`, v])),
    fc.integer({ min: 1, max: items.length }).map((cut) => [[`${p.name}[]`, items.slice(0, cut).join(',')], ...(cut < items.length ? [[`${p.name}[]`, items.slice(cut).join(',')]] : [])]),
  )
}

/** A whole query of a meaning: each parameter spelt its own way, encoded, in any order (a list's parts keep theirs), blanks added. */
function queryOf(meaning: readonly { p: Param; items: readonly string[] }[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.tuple(...meaning.map(({ p, items }) => spellingsOf(p, items))), fc.subarray(['blank=', 'flag', 'other='], { maxLength: 2 }), fc.infiniteStream(fc.nat()))
    .chain(([groups, blanks, order]) => {
      const queues = [...groups.map((g) => [...g]), ...blanks.map((b) => [b.split('=')])]
      const ordered: string[][] = []
      const it = order[Symbol.iterator]()
      while (queues.some((q) => q.length > 0)) {
        const open = queues.filter((q) => q.length > 0)
        const next = open[(it.next().value as number) % open.length]?.shift()
        if (next !== undefined) ordered.push(next)
      }
      return fc.tuple(...ordered.map(([name = '', value]) => fc.tuple(spell(name), value === undefined ? fc.constant(undefined) : spell(value))))
    })
    .map((parts) => parts.map(([name, value]) => (value === undefined ? name : `${name}=${value}`)).join('&'))
}

interface Case {
  readonly operation: RoutedOperation
  readonly path: string
  readonly key: (path: string, query: string) => string
}

const paths = ['/v2/organizations/1001/projects', '/v2/organizations/1001/activities', '/v2/organizations/1001/timesheets']
const described = defaultRouter()
const CASES: Case[] = [
  ...OPERATIONS.map((operation, i) => ({ operation, path: paths[i] ?? '', key })),
  // And every GET of the project's description, keyed as the gateway keys it.
  ...described.operations
    .filter((operation) => operation.method === 'GET' && operation.params.some((p) => p.in === 'query'))
    .map((operation) => ({ operation, path: operation.path.replace(/\{[^}]+\}/g, '1001'), key: (path: string, query: string) => requestKey({ method: 'GET', path, query }) })),
]

void t.test('each described GET is found again from a concrete path', (t) => {
  for (const c of CASES.slice(OPERATIONS.length)) t.equal(described.findOperation('GET', c.path), c.operation, c.path)
  t.end()
})

void t.test('equivalent spellings always share one key', (t) => {
  fc.assert(
    fc.property(
      fc.constantFrom(...CASES).chain((c) => meaningOf(c.operation).chain((m) => fc.tuple(fc.constant(c), queryOf(m), queryOf(m), fc.boolean()))),
      ([c, a, b, slash]) => {
        t.equal(c.key(slash ? `${c.path}/` : c.path, a), c.key(c.path, b), `${c.path}: ${a} ≡ ${b}`)
      },
    ),
    { numRuns: 500 },
  )
  t.end()
})

/** A raw query from a small vocabulary (a list, `status`, `page_limit`), so that different requests often come out alike. */
const rawQuery = (operation: RoutedOperation) => {
  const query = operation.params.filter((p) => p.in === 'query')
  const names = [...new Set([query.find((p) => p.schema.type === 'array')?.name, query.find((p) => p.name === 'status')?.name, 'page_limit'].filter((n) => n !== undefined))]
  const part = fc.tuple(fc.constantFrom(...names), fc.boolean(), fc.constantFrom('', '1', '2', '1,2', ',1', '2,')).map(([name, bracket, value]) => `${name}${bracket ? '[]' : ''}=${value}`)
  return fc.array(part, { maxLength: 4 }).map((parts) => parts.join('&'))
}

void t.test('two requests share a key only when Hubstaff answers them alike', (t) => {
  let shared = 0
  fc.assert(
    fc.property(
      fc.constantFrom(...CASES).chain((c) => fc.tuple(fc.constant(c), rawQuery(c.operation), rawQuery(c.operation))),
      ([c, a, b]) => {
        if (c.key(c.path, a) !== c.key(c.path, b)) return
        shared++
        t.equal(sorted(hubstaffReads(c.operation, a)), sorted(hubstaffReads(c.operation, b)), `${c.path}: ${a} and ${b} share a key`)
      },
    ),
    { numRuns: 3000 },
  )
  t.ok(shared > 100, `the vocabulary is small enough for keys to be shared (${shared} pairs)`)
  t.end()
})
