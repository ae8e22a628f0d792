// Sessions and fixtures as an app and its tests meet them, through a gateway in mock mode with its
// cache on: a session's writes show in its own answers and in no other session's (nor in the
// default world), even where another session's answer is cached; the admin routes reset, load
// fixtures and count records per session; bad names and bad fixtures are problems naming what is
// wrong; and the routes refuse to act while the mock serves nobody.
import t from 'tap'
import { startTestGateway, type TestGateway } from './helpers/gateway.js'

interface Answer {
  status: number
  source: string | null
  cache: string | null
  body: Record<string, unknown> & { code?: string }
}

function client(gw: TestGateway) {
  return async (method: string, path: string, options: { session?: string; body?: unknown } = {}): Promise<Answer> => {
    const headers: Record<string, string> = {}
    if (options.session !== undefined) headers['x-gateway-session'] = options.session
    if (options.body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(gw.address + path, { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) })
    const text = await res.text()
    return { status: res.status, source: res.headers.get('x-gateway-source'), cache: res.headers.get('cache-status'), body: text === '' ? {} : (JSON.parse(text) as Answer['body']) }
  }
}

const names = (answer: Answer) => (answer.body.projects as { name: string }[]).map((p) => p.name)

void t.test('a session’s writes show in its answers only, even with answers of other sessions cached', async (t) => {
  const gw = await startTestGateway({ mode: 'mock', stateDir: t.testdir() })
  t.teardown(() => gw.close())
  const call = client(gw)
  const org = (((await call('GET', '/v2/organizations')).body.organizations as { id: number }[])[0] as { id: number }).id
  const projects = `/v2/organizations/${org}/projects?page_limit=500`
  const seeded = names(await call('GET', projects, { session: 'a' }))
  t.same(names(await call('GET', projects, { session: 'b' })), seeded, 'both sessions start from the seed')
  t.match((await call('GET', projects, { session: 'b' })).cache, /hit/, "b's answer is cached")
  const made = await call('POST', `/v2/organizations/${org}/projects`, { session: 'a', body: { name: 'Only in session a' } })
  t.equal(made.status, 201, 'created')
  t.ok(names(await call('GET', projects, { session: 'a' })).includes('Only in session a'), 'a sees its write at once: its cached list was dropped')
  t.same(names(await call('GET', projects, { session: 'b' })), seeded, 'b does not see it')
  t.same(names(await call('GET', projects)), seeded, 'nor does the default world')
  const stateA = await call('GET', '/_gateway/mock/state', { session: 'a' })
  const stateB = await call('GET', '/_gateway/mock/state', { session: 'b' })
  t.equal((stateA.body.counts as Record<string, number>).Project, ((stateB.body.counts as Record<string, number>).Project ?? 0) + 1, 'state counts per session')
  t.equal(stateA.body.session, 'a')

  const reset = await call('POST', '/_gateway/mock/reset', { session: 'a' })
  t.equal(reset.status, 200)
  t.match(reset.body, { reset: 'a' })
  t.same(names(await call('GET', projects, { session: 'a' })), seeded, 'reset: back to the seed, and no cached answer of before is served')
  const all = await call('POST', '/_gateway/mock/reset')
  t.match(all.body, { reset: 'all', sessions: 0 })
})

void t.test('fixtures build exactly the given organization, in one session', async (t) => {
  const gw = await startTestGateway({ mode: 'mock', stateDir: t.testdir() })
  t.teardown(() => gw.close())
  const call = client(gw)
  const fixtures = {
    organizations: [{ id: 7, name: 'Fixture Org' }],
    users: [
      { id: 71, name: 'Ada Lovelace', email: 'ada@example.com' },
      { id: 72, name: 'Grace Hopper', email: 'grace@example.com' },
    ],
    projects: [{ id: 700, name: 'Engine' }],
    me: 71,
  }
  const loaded = await call('PUT', '/_gateway/mock/fixtures', { session: 'fx', body: fixtures })
  t.equal(loaded.status, 200, 'loaded')
  t.match(loaded.body, { session: 'fx', counts: { Organization: 1, User: 2, Project: 1 } })
  t.match((await call('GET', '/v2/users/me', { session: 'fx' })).body, { user: { id: 71, name: 'Ada Lovelace' } })
  t.same(((await call('GET', '/v2/organizations', { session: 'fx' })).body.organizations as { id: number }[]).map((o) => o.id), [7])
  t.same(names(await call('GET', '/v2/organizations/7/projects', { session: 'fx' })), ['Engine'])
  t.not(((await call('GET', '/v2/users/me')).body.user as { id: number }).id, 71, 'the default world keeps the seed')

  const bad = await call('PUT', '/_gateway/mock/fixtures', { session: 'fx', body: { projects: [{ name: 'no id' }] } })
  t.equal(bad.status, 400)
  t.match(bad.body, { code: 'HSG_MOCK_FIXTURES_INVALID', field: /^projects\[0\]/ })
  t.match((await call('GET', '/v2/users/me', { session: 'fx' })).body, { user: { id: 71 } }, 'bad fixtures change nothing')
  const unknown = await call('PUT', '/_gateway/mock/fixtures', { body: { widgets: [] } })
  t.match(unknown, { status: 400, body: { code: 'HSG_MOCK_FIXTURES_INVALID', field: 'widgets' } })
  const notJson = await fetch(`${gw.address}/_gateway/mock/fixtures`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{' })
  t.equal(notJson.status, 400, 'a body that is not JSON')
  t.match(await notJson.json(), { code: 'HSG_REQUEST_BAD_BODY' })
})

void t.test('fixtures larger than --mock-fixtures-max-bytes are refused, naming that setting', async (t) => {
  const gw = await startTestGateway({ mode: 'mock', stateDir: t.testdir(), mockFixturesMaxBytes: 2048 })
  t.teardown(() => gw.close())
  const call = client(gw)
  const big = await call('PUT', '/_gateway/mock/fixtures', { body: { users: Array.from({ length: 100 }, (_, i) => ({ id: i + 1, name: `User ${i}`, email: `u${i}@example.com` })) } })
  t.equal(big.status, 413)
  t.match(big.body, { code: 'HSG_REQUEST_TOO_LARGE', detail: /--mock-fixtures-max-bytes/ })
  t.equal((await call('PUT', '/_gateway/mock/fixtures', { body: { users: [{ id: 1, name: 'Small', email: 's@example.com' }] } })).status, 200, 'a smaller body passes')
})

void t.test('a bad session name is refused, and the mock routes answer only while the mock serves', async (t) => {
  const gw = await startTestGateway({ mode: 'mock', stateDir: t.testdir() })
  t.teardown(() => gw.close())
  const call = client(gw)
  for (const bad of ['a b', 'x'.repeat(65), '../etc']) {
    t.match(await call('GET', '/v2/users/me', { session: bad }), { status: 400, body: { code: 'HSG_MOCK_SESSION_INVALID' } }, JSON.stringify(bad))
    t.match(await call('GET', '/_gateway/mock/state', { session: bad }), { status: 400, body: { code: 'HSG_MOCK_SESSION_INVALID' } })
  }
  t.equal((await call('PUT', '/_gateway/mode', { body: { mode: 'replay' } })).status, 200)
  for (const [method, path] of [
    ['GET', '/_gateway/mock/state'],
    ['POST', '/_gateway/mock/reset'],
    ['PUT', '/_gateway/mock/fixtures'],
  ] as const) {
    t.match(await call(method, path, method === 'PUT' ? { body: {} } : {}), { status: 409, body: { code: 'HSG_MOCK_NOT_ACTIVE' } }, `${method} ${path} in replay mode`)
  }
})

void t.test('the worked example of docs/mock.md: fixtures in a session, a write, its list', async (t) => {
  const gw = await startTestGateway({ mode: 'mock', stateDir: t.testdir() })
  t.teardown(() => gw.close())
  const call = client(gw)
  const session = 'invoice-test-1'
  const load = await call('PUT', '/_gateway/mock/fixtures', {
    session,
    body: {
      organizations: [{ id: 1, name: 'Acme' }],
      users: [{ id: 10, name: 'Ada Lovelace', email: 'ada@example.com' }],
      projects: [{ id: 100, name: 'Website' }],
      me: 10,
    },
  })
  t.equal(load.status, 200)
  const created = await call('POST', '/v2/projects/100/tasks', { session, body: { summary: 'Write the launch post', assignee_ids: [10] } })
  t.equal(created.status, 200)
  const tasks = (await call('GET', '/v2/projects/100/tasks', { session })).body.tasks as { summary: string }[]
  t.same(tasks.map((task) => task.summary), ['Write the launch post'])
  t.equal((await call('POST', '/_gateway/mock/reset', { session })).status, 200)
})

void t.test('--mock-fixtures makes a file the organization from start-up, and a bad file stops start-up', async (t) => {
  const dir = t.testdir({
    'org.json': JSON.stringify({ organizations: [{ id: 3, name: 'From a file' }], users: [{ id: 30, name: 'Lin', email: 'lin@example.com' }], me: 30 }),
    'bad.json': JSON.stringify({ projects: [{ name: 'no id' }] }),
    'not-json.json': '{',
  })
  const gw = await startTestGateway({ mode: 'mock', stateDir: dir, mockFixtures: `${dir}/org.json` })
  t.teardown(() => gw.close())
  const call = client(gw)
  t.match((await call('GET', '/v2/users/me')).body, { user: { id: 30 } })
  await call('POST', '/_gateway/mock/reset')
  t.same(((await call('GET', '/v2/organizations')).body.organizations as { name: string }[]).map((o) => o.name), ['From a file'], 'reset returns to the file')
  for (const file of ['bad.json', 'not-json.json', 'missing.json']) {
    await t.rejects(startTestGateway({ mode: 'mock', stateDir: dir, mockFixtures: `${dir}/${file}` }), { code: 'HSG_CONFIG_INVALID', message: /--mock-fixtures/ }, file)
  }
})
