// The mock checks a request against its spec itself once it has answered the operation before,
// and asks Prism only when that check fails. A request Prism refuses must still be refused then:
// each probe gets the same answer from a mock that has just answered a valid request for the
// same operation as from a mock that never saw the operation.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { BUNDLED_SPEC, mockClient } from './helpers/mock.js'

const OK = { '200': { description: 'ok', content: { 'application/json': { example: { thing: { id: 1, name: 'one' } } } } } }
const REFUSED = { '400': { description: 'bad', content: { 'application/json': { example: { code: 400, error: 'bad' } } } } }

const SPEC = {
  openapi: '3.0.3',
  info: { title: 'probes', version: '1' },
  paths: {
    '/v2/things/{thing_id}': {
      get: {
        parameters: [
          { name: 'thing_id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
          { name: 'page_limit', in: 'query', schema: { type: 'integer', minimum: 1 } },
          { name: 'ids', in: 'query', style: 'form', explode: false, schema: { type: 'array', items: { type: 'integer' } } },
          { name: 'status', in: 'query', schema: { type: 'string', enum: ['active', 'archived'] } },
          { name: 'Flag', in: 'query', schema: { type: 'boolean' } },
          { name: 'since', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'X-Mode', in: 'header', schema: { type: 'string', enum: ['fast', 'slow'] } },
        ],
        responses: { ...OK, ...REFUSED },
      },
    },
    '/v2/needs': {
      get: {
        parameters: [
          { name: 'n', in: 'query', required: true, schema: { type: 'integer' } },
          { name: 'X-Key', in: 'header', required: true, schema: { type: 'string', minLength: 3 } },
        ],
        responses: { ...OK, ...REFUSED },
      },
    },
  },
}

const PROBES: [string, Record<string, string>][] = [
  ['/v2/things/7', {}],
  ['/v2/things/abc', {}],
  ['/v2/things/0', {}],
  ['/v2/things/7,8', {}],
  ['/v2/things/%E0%A4%A', {}],
  ['/v2/things/7?page_limit=2', {}],
  ['/v2/things/7?page_limit=0', {}],
  ['/v2/things/7?page_limit=abc', {}],
  ['/v2/things/7?page_limit=', {}],
  ['/v2/things/7?PAGE_LIMIT=abc', {}],
  ['/v2/things/7?page_limit=2&page_limit=x', {}],
  ['/v2/things/7?ids=1,2', {}],
  ['/v2/things/7?ids=1,x', {}],
  ['/v2/things/7?ids=1&ids=x', {}],
  ['/v2/things/7?status=active', {}],
  ['/v2/things/7?status=gone', {}],
  ['/v2/things/7?flag=true', {}],
  ['/v2/things/7?flag=maybe', {}],
  ['/v2/things/7?since=2026-11-27T10:00:00Z', {}],
  ['/v2/things/7?since=yesterday', {}],
  ['/v2/things/7?unnamed=anything', {}],
  ['/v2/things/7', { 'x-mode': 'fast' }],
  ['/v2/things/7', { 'x-mode': 'bogus' }],
  ['/v2/needs?n=1', { 'x-key': 'abcd' }],
  ['/v2/needs?n=1', {}],
  ['/v2/needs?n=1', { 'x-key': 'ab' }],
  ['/v2/needs', { 'x-key': 'abcd' }],
  ['/v2/needs?n=one', { 'x-key': 'abcd' }],
]

const answer = async (client: Awaited<ReturnType<typeof mockClient>>, path: string, headers: Record<string, string>) => {
  try {
    const a = await client.get(path, { accept: 'application/json', ...headers })
    return { status: a.status, body: a.text }
  } catch (err) {
    const e = err as { code?: string; status?: number }
    return { status: e.status, code: e.code }
  }
}

void t.test('a request gets the same answer whether or not its operation was answered before', async (t) => {
  const dir = t.testdir()
  const spec = join(dir, 'probes.json')
  writeFileSync(spec, JSON.stringify(SPEC))
  let refused = 0
  for (const [path, headers] of PROBES) {
    const warm = await mockClient({ spec, stateDir: dir })
    await warm.get(path.startsWith('/v2/needs') ? '/v2/needs?n=1' : '/v2/things/7', { accept: 'application/json', 'x-key': 'abcd' })
    const cold = await mockClient({ spec, stateDir: dir })
    const expected = await answer(cold, path, headers)
    if (expected.status !== 200) refused++
    t.same(await answer(warm, path, headers), expected, `${path} ${JSON.stringify(headers)}`)
  }
  t.ok(refused >= 10, `the probes include requests the spec refuses (${refused})`)
})

/** Lists of the bundled spec, each with a valid query and queries its parameters refuse (or, for the last, accept). */
const RANGE = 'time_slot[start]=2026-07-27T00:00:00Z&time_slot[stop]=2026-07-28T00:00:00Z'
const BUNDLED: [string, string, string[]][] = [
  ['/v2/organizations/1001/projects', 'page_limit=2', ['page_limit=0', 'page_limit=x', 'status=nonsense', 'project_ids=1,x', 'page_start_id=-1', 'status=active&page_limit=1']],
  ['/v2/organizations/1001/members', 'page_limit=2', ['user_ids=0', 'user_ids=1,2,zz', 'include_removed=perhaps', 'user_ids=1,2&include=users']],
  ['/v2/organizations/1001/activities', RANGE, ['time_slot[start]=2026-07-27T00:00:00Z', 'time_slot[start]=soon&time_slot[stop]=later', `${RANGE}&task_ids=a`, `${RANGE}&page_limit=3`]],
  ['/v2/organizations/1001/activities/daily', 'date[start]=2026-07-20&date[stop]=2026-07-26', ['date[start]=2026-13-40&date[stop]=2026-07-26', 'date[stop]=2026-07-26', 'date[start]=2026-07-20&date[stop]=2026-07-26&user_ids=3']],
  ['/v2/tasks/300101', '', ['x=1']],
  ['/v2/users/abc', '', []],
]

void t.test('requests to the bundled spec get the same answer whether or not their operation was answered before', async (t) => {
  const dir = t.testdir()
  const warm = await mockClient({ spec: BUNDLED_SPEC, stateDir: dir })
  for (const [path, valid] of BUNDLED) await warm.get(valid === '' ? path : `${path}?${valid}`, { accept: 'application/json' })
  await warm.get('/v2/users/1', { accept: 'application/json' })
  let refused = 0
  for (const [path, , queries] of BUNDLED) {
    for (const query of queries.length === 0 ? [''] : queries) {
      const url = query === '' ? path : `${path}?${query}`
      const expected = await answer(await mockClient({ spec: BUNDLED_SPEC, stateDir: dir }), url, {})
      if (expected.status !== 200) refused++
      t.same(await answer(warm, url, {}), expected, url)
    }
  }
  t.ok(refused >= 8, `the probes include requests the spec refuses (${refused})`)
})
