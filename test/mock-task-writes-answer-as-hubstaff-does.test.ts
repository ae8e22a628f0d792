// Task writes in mock mode: the spec's rules check the request (summary to create, lock_version
// to update), and the answer carries what was written, with lock_version incremented as
// Hubstaff's optimistic locking does. Nothing is stored.
import t from 'tap'
import { mockClient } from './helpers/mock.js'

void t.test('creating a task answers the task with what was sent', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const created = await mock.request('POST', '/v2/projects/20001/tasks', { body: { summary: 'Write the onboarding guide', assignee_ids: [5002, 5003] } })
  t.equal(created.status, 200, 'Hubstaff answers 200 to a created task')
  t.match(created.json(), { task: { summary: 'Write the onboarding guide', assignee_ids: [5002, 5003], lock_version: 0, status: 'active' } })
  t.equal(created.source, 'mock')
  const refused = await mock.request('POST', '/v2/projects/20001/tasks', { body: { assignee_ids: [5002] } })
  t.equal(refused.status, 400, 'summary is required')
  t.match(refused.json(), { code: 'invalid_params', error_code: 11000 })
  const notJson = await mock.request('POST', '/v2/projects/20001/tasks', { body: '{summary' })
  t.equal(notJson.status, 400, 'a body that is not JSON is refused by the same rules')
})

void t.test('updating a task needs lock_version and answers it incremented', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const updated = await mock.request('PUT', '/v2/tasks/300104', { body: { lock_version: 7, status: 'completed', summary: 'Fix the form' } })
  t.equal(updated.status, 200)
  t.match(updated.json(), { task: { id: 300104, lock_version: 8, status: 'completed', summary: 'Fix the form' } })
  const wrongType = await mock.request('PUT', '/v2/tasks/300104', { body: { lock_version: 1, summary: 42 } })
  t.equal(wrongType.status, 400, 'the spec refuses a summary that is not a string')
  const noLock = await mock.request('PUT', '/v2/tasks/300104', { body: { status: 'completed' } })
  t.equal(noLock.status, 400)
  t.match(noLock.json(), { code: 'invalid_params' })
  const stale = await mock.request('PUT', '/v2/tasks/300104', { body: { lock_version: 0 }, headers: { prefer: 'code=422' } })
  t.equal(stale.status, 422, 'Prefer: code=422 plays the lost race')
  t.same(stale.json(), { code: 'stale_object', error: 'The record has been modified. Please refresh and try again.', error_code: 11003 })
  t.match((await mock.get('/v2/tasks/300104')).json(), { task: { lock_version: 0 } }, 'nothing was stored')
})

void t.test('deleting a task answers 204 with no body', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const deleted = await mock.request('DELETE', '/v2/tasks/300101')
  t.equal(deleted.status, 204)
  t.equal(deleted.body.length, 0)
  t.equal(deleted.headers['content-type'], undefined)
})
