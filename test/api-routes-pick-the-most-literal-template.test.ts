// One route matcher for every operation: `{x}` is one segment, the most literal template wins, a
// path is normalised first, and HEAD reaches GET.
import t from 'tap'
import { createRouter, normalisePath, type RoutedOperation } from '../src/api/routes.js'

const op = (method: RoutedOperation['method'], path: string): RoutedOperation => ({ method, path, params: [] })
const OPERATIONS = [
  op('GET', '/v2/users/me'),
  op('GET', '/v2/users/{user_id}'),
  op('PUT', '/v2/users/{user_id}'),
  op('GET', '/v2/projects/{project_id}/tasks'),
  op('POST', '/v2/projects/{project_id}/tasks'),
  op('GET', '/v2/organizations/{organization_id}/activities'),
  op('GET', '/v2/organizations/{organization_id}/activities/daily'),
  op('GET', '/v2/{kind}/{id}/activities/daily'),
]
const router = createRouter(OPERATIONS)

void t.test('the most literal template wins', (t) => {
  t.equal(router.findOperation('GET', '/v2/users/me')?.path, '/v2/users/me')
  t.same(router.match('GET', '/v2/users/42'), { operation: OPERATIONS[1], pathParams: { user_id: '42' } })
  t.equal(router.findOperation('PUT', '/v2/users/me')?.path, '/v2/users/{user_id}', 'a method the literal template lacks falls to the next')
  t.equal(router.findOperation('GET', '/v2/organizations/1/activities/daily')?.path, '/v2/organizations/{organization_id}/activities/daily')
  t.same(router.match('GET', '/v2/projects/1/activities/daily')?.pathParams, { kind: 'projects', id: '1' })
  t.end()
})

void t.test('segments count, methods count, paths are normalised', (t) => {
  t.equal(router.findOperation('GET', '/v2/projects/12/tasks/')?.path, '/v2/projects/{project_id}/tasks', 'a trailing slash')
  t.equal(router.findOperation('get', '/v2/projects/12/tasks')?.method, 'GET')
  t.equal(router.findOperation('HEAD', '/v2/projects/12/tasks')?.method, 'GET', 'HEAD is GET without a body')
  t.equal(router.findOperation('GET', '/v2/projects/12'), undefined)
  t.equal(router.findOperation('GET', '/v2/projects/12/tasks/9'), undefined)
  t.equal(router.findOperation('GET', '/v2/projects//tasks'), undefined, 'an empty segment is no parameter')
  t.equal(router.findOperation('DELETE', '/v2/projects/12/tasks'), undefined)
  t.same(router.operationsAt('/v2/projects/12/tasks').map((o) => o.method), ['GET', 'POST'], 'what a 405 lists')
  t.same(router.operationsAt('/v2/users/me').map((o) => `${o.method} ${o.path}`), ['GET /v2/users/me', 'PUT /v2/users/{user_id}'])
  t.equal(normalisePath('/v2/Users%2f/'), '/v2/Users%2F')
  t.equal(normalisePath('/'), '/')
  t.end()
})

void t.test('matching costs the depth of the path, not the number of operations', (t) => {
  const many = Array.from({ length: 5000 }, (_, i) => op('GET', `/v2/things_${i}/{id}/parts`))
  const big = createRouter([...many, ...OPERATIONS])
  const started = performance.now()
  for (let i = 0; i < 100_000; i++) big.findOperation('GET', `/v2/things_${i % 5000}/${i}/parts`)
  t.ok(performance.now() - started < 1500, 'a hundred thousand matches among 5000 templates')
  t.end()
})
