// A request with no recording gets 404 problem+json HSG_REPLAY_MISS that names the recorded
// requests closest to it and their files; with --fallback mock the mock answers it instead.
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { startTestGateway } from './helpers/gateway.js'
import { plant } from './helpers/recordings.js'

void t.test('a miss names the nearest recordings', async (t) => {
  const recordings = join(t.testdir(), 'recordings')
  const me = plant(recordings, 'GET', '/v2/users/me', 200, { user: { id: 1 } })
  const projects = plant(recordings, 'GET', '/v2/organizations/1001/projects?page_limit=2', 200, { projects: [] })
  plant(recordings, 'GET', '/v2/organizations/1001/members', 200, { members: [] })
  const gw = await startTestGateway({ mode: 'replay', recordings, stateDir: join(recordings, '..', 'state') })
  t.teardown(() => gw.close())

  const hit = await request(`${gw.address}/v2/organizations/1001/projects?page_limit=2`)
  t.equal(hit.statusCode, 200)
  t.equal(hit.headers['x-gateway-source'], 'replay')
  await hit.body.dump()

  const res = await request(`${gw.address}/v2/organizations/1001/projects?page_limit=3`)
  t.equal(res.statusCode, 404)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  const problem = (await res.body.json()) as { code: string; detail: string; nearest: { request: string; file: string }[] }
  t.equal(problem.code, 'HSG_REPLAY_MISS')
  t.same(problem.nearest[0], { request: 'GET /v2/organizations/1001/projects?page_limit=2', file: projects }, 'the nearest first')
  t.equal(problem.nearest.length, 3)
  t.match(problem.detail, projects, 'the detail names the file')
  t.ok(problem.nearest.some((n) => n.file === me))

  const status = (await gw.gateway.status()) as { recordings: Record<string, unknown> }
  t.match(status.recordings, { files: 3, entries: 3, used: 1, unused: 2 })
})

void t.test('--fallback mock answers misses from the mock', async (t) => {
  const recordings = join(t.testdir(), 'recordings')
  plant(recordings, 'GET', '/v2/users/me', 200, { user: { id: 77, name: 'Recorded' } })
  const gw = await startTestGateway({ mode: 'replay', fallback: 'mock', recordings, stateDir: join(recordings, '..', 'state') })
  t.teardown(() => gw.close())
  const recorded = await request(`${gw.address}/v2/users/me`)
  t.equal(recorded.headers['x-gateway-source'], 'replay')
  t.same(await recorded.body.json(), { user: { id: 77, name: 'Recorded' } })
  const mocked = await request(`${gw.address}/v2/organizations`)
  t.equal(mocked.statusCode, 200)
  t.equal(mocked.headers['x-gateway-source'], 'mock')
  t.match(await mocked.body.json(), { organizations: [{ id: Number }] })
})
