// A repeated mock request answers alike (the model's answer, or Prism's static answer prepared once
// per operation and shared), a request that differs in path, query or any header gets its own
// answer, what one caller does to its answer never reaches the next, and writes and generated data
// are made afresh.
import t from 'tap'
import { mockClient, modelIds } from './helpers/mock.js'

for (const twin of [true, false]) {
  void t.test(`a repeated request answers alike, and a caller changing its answer changes nothing after (${twin ? 'the twin' : 'Prism alone'})`, async (t) => {
    const mock = await mockClient({ stateDir: t.testdir(), twin })
    const org = twin ? (await modelIds(mock)).organization_id : 1001
    const first = await mock.get(`/v2/organizations/${org}/projects?page_limit=1`)
    t.equal(first.status, 200)
    const headers = first.headers as Record<string, string>
    headers['x-added-by-a-stage'] = 'yes'
    const again = await mock.get(`/v2/organizations/${org}/projects?page_limit=1`)
    t.equal(again.text, first.text)
    t.equal(again.headers['x-added-by-a-stage'], undefined, 'headers are not shared between answers')
    t.equal(again.status, 200)
  })
}

void t.test('what differs in query or headers gets its own answer', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const { organization_id: org, task_id } = await modelIds(mock)
  const one = await mock.get(`/v2/organizations/${org}/projects?page_limit=1`)
  const two = await mock.get(`/v2/organizations/${org}/projects?page_limit=2`)
  t.equal(one.json().projects.length, 1)
  t.equal(two.json().projects.length, 2, 'another page size, another page')
  const plain = await mock.get(`/v2/tasks/${task_id}`)
  t.equal(plain.status, 200)
  const missing = await mock.get(`/v2/tasks/${task_id}`, { prefer: 'code=404' })
  t.equal(missing.status, 404, 'a Prefer header chooses another answer after a plain request')
  t.equal((await mock.get(`/v2/tasks/${task_id}`)).status, 200, 'and the plain request still gets the plain answer')
  t.equal((await mock.get(`/v2/tasks/${task_id}?__code=401`)).status, 401, 'the query-string preferences too')
})

void t.test('writes answer with what each one sent, and generated data follows its seed', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const { organization_id: org, task_id } = await modelIds(mock)
  const task = (await mock.get(`/v2/tasks/${task_id}`)).json().task as { lock_version: number }
  const a = await mock.request('PUT', `/v2/tasks/${task_id}`, { body: { lock_version: task.lock_version, summary: 'First' } })
  t.match(a.json(), { task: { summary: 'First', lock_version: task.lock_version + 1 } })
  const b = await mock.request('PUT', `/v2/tasks/${task_id}`, { body: { lock_version: task.lock_version + 1, summary: 'Second' } })
  t.match(b.json(), { task: { summary: 'Second' } }, 'a write is never answered from an earlier one')
  const stale = await mock.request('PUT', `/v2/tasks/${task_id}`, { body: { lock_version: task.lock_version, summary: 'Third' } })
  t.equal(stale.status, 422, 'a stale lock_version is refused, as Hubstaff does')
  t.match((await mock.get(`/v2/tasks/${task_id}`)).json(), { task: { summary: 'Second' } }, 'the model keeps the last write')
  const url = `/v2/organizations/${org}/projects`
  const seeded = await mock.get(url, { prefer: 'dynamic=true, seed=one' })
  t.not((await mock.get(url, { prefer: 'dynamic=true, seed=two' })).text, seeded.text)
  t.equal((await mock.get(url, { prefer: 'dynamic=true, seed=one' })).text, seeded.text, 'the same seed, the same data')
  t.not((await mock.get(url)).text, seeded.text, 'the model stays apart from generated data')
})
