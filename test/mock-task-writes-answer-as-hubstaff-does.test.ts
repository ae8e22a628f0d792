// Task writes in mock mode: the description's rules check the request (summary to create,
// lock_version to update), the answer carries what was written, with lock_version incremented as
// Hubstaff's optimistic locking does, and the model keeps it: the next read shows the write.
import t from 'tap'
import { mockClient, modelIds } from './helpers/mock.js'

void t.test('creating a task answers the task with what was sent, and the project lists it', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const { project_id, user_id } = await modelIds(mock)
  const created = await mock.request('POST', `/v2/projects/${project_id}/tasks`, { body: { summary: 'Write the onboarding guide', assignee_ids: [user_id] } })
  t.equal(created.status, 200, 'Hubstaff answers 200 to a created task')
  const task = created.json().task as { id: number }
  t.match(task, { summary: 'Write the onboarding guide', assignee_ids: [user_id], lock_version: 0, status: 'active', project_id })
  t.equal(created.source, 'mock')
  t.match((await mock.get(`/v2/tasks/${task.id}`)).json(), { task: { id: task.id, summary: 'Write the onboarding guide' } }, 'stored')
  const listed = (await mock.get(`/v2/projects/${project_id}/tasks?page_limit=500`)).json().tasks as { id: number }[]
  t.ok(listed.some((t) => t.id === task.id), "the project's list holds it")
  const refused = await mock.request('POST', `/v2/projects/${project_id}/tasks`, { body: { assignee_ids: [user_id] } })
  t.equal(refused.status, 400, 'summary is required')
  t.match(refused.json(), { code: 'invalid_params', error_code: 11000 })
  const notJson = await mock.request('POST', `/v2/projects/${project_id}/tasks`, { body: '{summary' })
  t.equal(notJson.status, 400, 'a body that is not JSON is refused by the same rules')
})

void t.test('updating a task needs lock_version and answers it incremented', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const { task_id } = await modelIds(mock)
  const before = (await mock.get(`/v2/tasks/${task_id}`)).json().task as { lock_version: number }
  const updated = await mock.request('PUT', `/v2/tasks/${task_id}`, { body: { lock_version: before.lock_version, status: 'completed', summary: 'Fix the form' } })
  t.equal(updated.status, 200)
  t.match(updated.json(), { task: { id: task_id, lock_version: before.lock_version + 1, status: 'completed', summary: 'Fix the form' } })
  const wrongType = await mock.request('PUT', `/v2/tasks/${task_id}`, { body: { lock_version: before.lock_version + 1, summary: 42 } })
  t.equal(wrongType.status, 400, 'the description refuses a summary that is not a string')
  const noLock = await mock.request('PUT', `/v2/tasks/${task_id}`, { body: { status: 'completed' } })
  t.equal(noLock.status, 400)
  t.match(noLock.json(), { code: 'invalid_params' })
  const stale = await mock.request('PUT', `/v2/tasks/${task_id}`, { body: { lock_version: before.lock_version, summary: 'Lost the race' } })
  t.equal(stale.status, 422, 'a stale lock_version loses the race')
  t.match(stale.json(), { code: 'stale_object' })
  const played = await mock.request('PUT', `/v2/tasks/${task_id}`, { body: { lock_version: 0 }, headers: { prefer: 'code=422' } })
  t.equal(played.status, 422, 'Prefer: code=422 plays the lost race from the description')
  t.match((await mock.get(`/v2/tasks/${task_id}`)).json(), { task: { lock_version: before.lock_version + 1, summary: 'Fix the form' } }, 'the model keeps the accepted write only')
})

void t.test('deleting a task answers 204 with no body, and the task is gone', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const { task_id } = await modelIds(mock)
  const deleted = await mock.request('DELETE', `/v2/tasks/${task_id}`)
  t.equal(deleted.status, 204)
  t.equal(deleted.body.length, 0)
  t.equal(deleted.headers['content-type'], undefined)
  const after = await mock.get(`/v2/tasks/${task_id}`)
  t.ok(after.status === 404 || after.json().task?.status === 'deleted', 'gone, or kept as deleted as Hubstaff keeps it')
})
