// A repeated mock request answers alike (static answers are prepared once per operation and
// shared), a request that differs in path, query or any header gets its own answer, what one
// caller does to its answer never reaches the next, and writes and generated data are made afresh.
import t from 'tap'
import { mockClient } from './helpers/mock.js'

void t.test('a repeated request answers alike, and a caller changing its answer changes nothing after', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const first = await mock.get('/v2/organizations/1001/projects?page_limit=1')
  t.equal(first.status, 200)
  const headers = first.headers as Record<string, string>
  headers['x-added-by-a-stage'] = 'yes'
  const again = await mock.get('/v2/organizations/1001/projects?page_limit=1')
  t.equal(again.text, first.text)
  t.equal(again.headers['x-added-by-a-stage'], undefined, 'headers are not shared between answers')
  t.equal(again.status, 200)
})

void t.test('what differs in query or headers gets its own answer', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const one = await mock.get('/v2/organizations/1001/projects?page_limit=1')
  const two = await mock.get('/v2/organizations/1001/projects?page_limit=2')
  t.equal(one.json().projects.length, 1)
  t.equal(two.json().projects.length, 2, 'another page size, another page')
  const plain = await mock.get('/v2/tasks/1')
  t.equal(plain.status, 200)
  const missing = await mock.get('/v2/tasks/1', { prefer: 'code=404' })
  t.equal(missing.status, 404, 'a Prefer header chooses another answer after a plain request')
  t.equal((await mock.get('/v2/tasks/1')).status, 200, 'and the plain request still gets the plain answer')
  t.equal((await mock.get('/v2/tasks/1?__code=401')).status, 401, 'the query-string preferences too')
})

void t.test('writes answer with what each one sent, and generated data follows its seed', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const a = await mock.request('PUT', '/v2/tasks/300104', { body: { lock_version: 7, summary: 'First' } })
  const b = await mock.request('PUT', '/v2/tasks/300104', { body: { lock_version: 7, summary: 'Second' } })
  t.match(a.json(), { task: { summary: 'First' } })
  t.match(b.json(), { task: { summary: 'Second' } }, 'a write is never answered from an earlier one')
  const url = '/v2/organizations/1001/projects'
  const seeded = await mock.get(url, { prefer: 'dynamic=true, seed=one' })
  t.not((await mock.get(url, { prefer: 'dynamic=true, seed=two' })).text, seeded.text)
  t.equal((await mock.get(url, { prefer: 'dynamic=true, seed=one' })).text, seeded.text, 'the same seed, the same data')
  t.not((await mock.get(url)).text, seeded.text, 'the static example stays apart from generated data')
})
