import { createServer } from 'node:net'
import t from 'tap'
import { request } from 'undici'
import { startFakeHubstaff } from './helpers/fake-hubstaff.js'
import { startLiveGateway, startTestGateway } from './helpers/gateway.js'

void t.test('Hubstaff failing never hangs an app or leaks a stack', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { upstreamTimeout: 0.3 })
  t.afterEach(() => {
    fake.apiFailure = undefined
  })

  void t.test('an upstream that never answers gives 504 problem+json', async (t) => {
    fake.apiFailure = 'hang'
    const started = Date.now()
    const res = await request(`${gw.address}/v2/users/me`)
    t.equal(res.statusCode, 504)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.equal(res.headers['x-gateway-source'], 'gateway')
    const problem = (await res.body.json()) as Record<string, unknown>
    t.match(problem, { code: 'HSG_UPSTREAM_TIMEOUT', status: 504, detail: /0\.3 s/ })
    t.notMatch(JSON.stringify(problem), /\bat \S+:\d+/, 'no stack frames')
    t.ok(Date.now() - started < 10_000, 'answered after the timeout, not never')
  })

  void t.test('a reset connection gives 502 problem+json', async (t) => {
    fake.apiFailure = 'reset'
    const res = await request(`${gw.address}/v2/users/me`)
    t.equal(res.statusCode, 502)
    t.match(await res.body.json(), { code: 'HSG_UPSTREAM_UNREACHABLE', status: 502 })
  })

  void t.test('Hubstaff 5xx answers pass through as Hubstaff sent them', async (t) => {
    fake.apiFailure = { status: 503, body: '<html>Service Unavailable</html>', contentType: 'text/html' }
    const res = await request(`${gw.address}/v2/users/me`)
    t.equal(res.statusCode, 503)
    t.equal(res.headers['x-gateway-source'], 'upstream')
    t.equal(await res.body.text(), '<html>Service Unavailable</html>')
  })

  void t.test('the gateway keeps serving afterwards', async (t) => {
    const res = await request(`${gw.address}/v2/users/me`)
    t.equal(res.statusCode, 200)
    await res.body.dump()
  })
})

void t.test('an upstream nobody listens on gives 502 problem+json', async (t) => {
  const fake = await startFakeHubstaff()
  t.teardown(() => fake.close())
  // A port that was free a moment ago: connections to it are refused.
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise((resolve) => probe.close(resolve))
  const gw = await startTestGateway({
    upstream: `http://127.0.0.1:${port}`,
    authUrl: fake.origin,
    refreshToken: fake.issueRefreshToken(),
    stateDir: t.testdir(),
  })
  t.teardown(() => gw.close())
  const res = await request(`${gw.address}/v2/users/me`)
  t.equal(res.statusCode, 502)
  t.match(await res.body.json(), { code: 'HSG_UPSTREAM_UNREACHABLE', detail: /ECONNREFUSED/ })
})

void t.test('a token endpoint that hangs gives a 503 with Retry-After, not a hang', async (t) => {
  const fake = await startFakeHubstaff()
  t.teardown(() => fake.close())
  fake.tokenEndpointFailure = 'hang'
  const gw = await startTestGateway({
    upstream: fake.origin,
    authUrl: fake.origin,
    refreshToken: fake.issueRefreshToken(),
    stateDir: t.testdir(),
    tokenTimeout: 0.3,
  })
  t.teardown(() => gw.close())
  const res = await request(`${gw.address}/v2/users/me`)
  t.equal(res.statusCode, 503)
  t.ok(Number(res.headers['retry-after']) >= 1)
  t.match(await res.body.json(), { code: 'HSG_AUTH_REFRESH_UNAVAILABLE' })
  t.equal(fake.stats.apiRequests, 0, 'nothing went upstream without a token')
})
