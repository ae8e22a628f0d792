// After a POST, PUT, PATCH or DELETE, no app gets an answer from before the write: the written
// record and the lists it shows in are dropped (the rules are a table in src/cache/invalidation.ts).
import t from 'tap'
import { request } from 'undici'
import { invalidatedBy } from '../src/cache/invalidation.js'
import { GatewayError } from '../src/errors.js'
import { cacheAround, header, req } from './helpers/cache-harness.js'
import { startLiveGateway } from './helpers/gateway.js'

interface Task {
  id: number
  summary: string
  lock_version: number
}

void t.test('end to end with the fake\'s task endpoints', async (t) => {
  const { gw } = await startLiveGateway(t)
  const call = async (method: string, path: string, body?: object) => {
    const res = await request(`${gw.address}${path}`, {
      method: method as 'GET',
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    })
    const text = await res.body.text()
    return { status: res.statusCode, source: res.headers['x-gateway-source'], cacheStatus: res.headers['cache-status'], json: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> }
  }
  const tasksOf = async (project: number) => {
    const res = await call('GET', `/v2/projects/${project}/tasks`)
    return { ...res, summaries: (res.json.tasks as Task[]).map((task) => task.summary) }
  }
  const taskId = 200011 // the first seeded task of project 20001

  // Warm: both lists and the record are cached.
  await tasksOf(20001)
  await tasksOf(20002)
  const record = await call('GET', `/v2/tasks/${taskId}`)
  t.equal((await tasksOf(20001)).source, 'cache')
  t.equal((await call('GET', `/v2/tasks/${taskId}`)).source, 'cache')

  void t.test('POST a task: its project\'s list is fetched again, another project\'s is not', async (t) => {
    const created = await call('POST', '/v2/projects/20001/tasks', { summary: 'Posted through the gateway' })
    t.equal(created.status, 200)
    t.equal(created.cacheStatus, 'hubstaff-gateway; fwd=bypass', 'writes are never cached')
    const list = await tasksOf(20001)
    t.equal(list.source, 'upstream')
    t.equal(list.cacheStatus, 'hubstaff-gateway; fwd=miss; stored')
    t.ok(list.summaries.includes('Posted through the gateway'))
    t.equal((await tasksOf(20002)).source, 'cache', 'project 20002 was not touched')
  })

  void t.test('PUT a task: the record and the task lists are fetched again', async (t) => {
    const lockVersion = ((record.json.task as Task) ?? {}).lock_version
    const updated = await call('PUT', `/v2/tasks/${taskId}`, { summary: 'Renamed', lock_version: lockVersion })
    t.equal(updated.status, 200)
    t.equal(updated.cacheStatus, 'hubstaff-gateway; fwd=bypass')
    const again = await call('GET', `/v2/tasks/${taskId}`)
    t.equal(again.source, 'upstream')
    t.match(again.json, { task: { summary: 'Renamed' } })
    t.ok((await tasksOf(20001)).summaries.includes('Renamed'))
    t.equal((await tasksOf(20002)).source, 'upstream', 'a task may move between projects: every task list goes')
  })

  void t.test('a refused PUT (422 stale lock_version) also drops the record: it was behind', async (t) => {
    t.equal((await call('GET', `/v2/tasks/${taskId}`)).source, 'cache')
    const refused = await call('PUT', `/v2/tasks/${taskId}`, { summary: 'x', lock_version: 0 })
    t.equal(refused.status, 422)
    t.equal((await call('GET', `/v2/tasks/${taskId}`)).source, 'upstream')
  })

  void t.test('DELETE a task: the record answers 404 and the list no longer has it', async (t) => {
    t.equal((await call('GET', `/v2/tasks/${taskId}`)).source, 'cache')
    const deleted = await call('DELETE', `/v2/tasks/${taskId}`)
    t.equal(deleted.status, 204)
    t.equal(deleted.cacheStatus, 'hubstaff-gateway; fwd=bypass')
    const gone = await call('GET', `/v2/tasks/${taskId}`)
    t.equal(gone.status, 404)
    t.equal(gone.source, 'upstream')
    t.notOk((await tasksOf(20001)).summaries.includes('Renamed'))
    t.equal((await call('GET', `/v2/tasks/${taskId}`)).source, 'upstream', 'a 404 is never cached')
  })
})

void t.test('PATCH drops the record and the list it belongs to', async (t) => {
  const { handle, stub } = cacheAround()
  const rule = '/v2/insights/smart_notification_rules/5'
  const list = '/v2/organizations/1001/insights/smart_notification_rules'
  await handle(req('GET', rule))
  await handle(req('GET', list))
  await handle(req('GET', '/v2/users/me'))
  const patched = await handle(req('PATCH', `${rule}/toggle_status`, { body: '{}' }))
  t.equal(header(patched, 'cache-status'), 'hubstaff-gateway; fwd=bypass')
  t.equal(header(await handle(req('GET', rule)), 'cache-status'), 'hubstaff-gateway; fwd=miss; stored')
  t.equal(header(await handle(req('GET', `${list}?page_limit=10`)), 'cache-status'), 'hubstaff-gateway; fwd=miss; stored')
  t.match(header(await handle(req('GET', '/v2/users/me')), 'cache-status'), /; hit;/, 'unrelated entries stay')
  t.equal(stub.calls.length, 6)
})

void t.test('the rules table names related lists', (t) => {
  const drops = (path: string, candidate: string) => invalidatedBy(path).some((p) => p.regex.test(candidate))
  t.ok(drops('/v2/projects/7/tasks', '/v2/projects/7/tasks'))
  t.ok(drops('/v2/projects/7/tasks', '/v2/organizations/1/tasks'))
  t.ok(drops('/v2/projects/7/tasks', '/v2/projects/7'), 'the parent record (its task counts may change)')
  t.notOk(drops('/v2/projects/7/tasks', '/v2/projects/8/tasks'))
  t.notOk(drops('/v2/projects/7/tasks', '/v2/organizations/1/projects'))
  t.ok(drops('/v2/tasks/9', '/v2/tasks/9'))
  t.ok(drops('/v2/tasks/9', '/v2/projects/3/tasks'))
  t.notOk(drops('/v2/tasks/9', '/v2/tasks/90'))
  t.ok(drops('/v2/tasks/9/update_metadata', '/v2/tasks/9'))
  t.ok(drops('/v2/projects/7', '/v2/organizations/1/projects'))
  t.ok(drops('/v2/projects/7/update_members', '/v2/projects/7/members'))
  t.ok(drops('/v2/organizations/1/update_members', '/v2/teams/4/members'))
  t.ok(drops('/v2/teams/4/update_projects', '/v2/teams/4/projects'))
  t.ok(drops('/v2/users/5001/time_entries', '/v2/organizations/1/activities/daily'))
  t.ok(drops('/v2/users/5001/time_entries', '/v2/projects/2/activities'))
  t.notOk(drops('/v2/users/5001/time_entries', '/v2/users/me'))
  t.same(invalidatedBy('/v2/weird/a*b').map((p) => p.text), ['/v2/**'], 'a path the patterns cannot spell drops everything')
  t.end()
})

void t.test('a GET under way during a write is answered but not stored, and not joined afterwards', async (t) => {
  const { handle, stub, cache } = cacheAround()
  stub.delayMs = 40
  const before = handle(req('GET', '/v2/projects/7/tasks'))
  await new Promise((resolve) => setTimeout(resolve, 5))
  stub.delayMs = 0
  await handle(req('POST', '/v2/projects/7/tasks', { body: '{"summary":"x"}' }))
  const after = handle(req('GET', '/v2/projects/7/tasks'))
  t.equal(header(await before, 'cache-status'), 'hubstaff-gateway; fwd=miss')
  t.equal(header(await after, 'cache-status'), 'hubstaff-gateway; fwd=miss; stored', 'a request after the write sent its own')
  t.equal(stub.calls.length, 3)
  t.equal(cache.stats().entries, 1)
})

void t.test('a write refused before it left changes nothing; one that may have happened drops', async (t) => {
  const { handle, stub } = cacheAround()
  await handle(req('GET', '/v2/tasks/9'))
  stub.answer = new GatewayError('HSG_BUDGET_EXHAUSTED', 'spent')
  await t.rejects(handle(req('PUT', '/v2/tasks/9', { body: '{}' })), { code: 'HSG_BUDGET_EXHAUSTED', headers: { 'cache-status': 'hubstaff-gateway; fwd=bypass' } })
  stub.answer = (request) => ({ body: `{"at":"${request.method}"}` })
  t.match(header(await handle(req('GET', '/v2/tasks/9')), 'cache-status'), /; hit;/, 'the budget refusal sent nothing')
  stub.answer = new GatewayError('HSG_UPSTREAM_TIMEOUT', 'slow')
  await t.rejects(handle(req('PUT', '/v2/tasks/9', { body: '{}' })), { code: 'HSG_UPSTREAM_TIMEOUT' })
  stub.answer = (request) => ({ body: `{"at":"${request.method}"}` })
  t.equal(header(await handle(req('GET', '/v2/tasks/9')), 'cache-status'), 'hubstaff-gateway; fwd=miss; stored', 'a timed-out write may have happened')
})

void t.test('other methods pass through without touching the cache', async (t) => {
  const { handle, stub } = cacheAround()
  await handle(req('GET', '/v2/tasks/9'))
  const head = await handle(req('HEAD', '/v2/tasks/9'))
  t.equal(header(head, 'cache-status'), 'hubstaff-gateway; fwd=bypass')
  t.match(header(await handle(req('GET', '/v2/tasks/9')), 'cache-status'), /; hit;/)
  t.equal(stub.calls.length, 2)
})
