import t from 'tap'
import { request } from 'undici'
import { startLiveGateway, startTestGateway } from './helpers/gateway.js'

void t.test('a refused refresh token gives apps a clear error and health 503', async (t) => {
  const { fake, gw } = await startLiveGateway(t)

  const ok = await request(`${gw.address}/_gateway/health`)
  t.equal(ok.statusCode, 200)
  t.match(await ok.body.json(), { status: 'ok', mode: 'live' })

  fake.revokeAll()
  const res = await request(`${gw.address}/v2/users/me`)
  t.equal(res.statusCode, 503)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  const problem = (await res.body.json()) as Record<string, unknown>
  t.match(problem, { code: 'HSG_AUTH_REFRESH_REJECTED', status: 503, type: 'urn:hubstaff-gateway:problem:HSG_AUTH_REFRESH_REJECTED' })
  t.match(problem.detail, /invalid_grant/)
  t.match(problem.detail, /HUBSTAFF_REFRESH_TOKEN/, 'says how to fix it')
  t.ok(String(problem.detail).includes(gw.gateway.config.stateDir), 'names the token store it used')
  t.match(problem.detail, /another gateway process, or one started with another state dir \(--state-dir\), may have rotated it/, 'says who else may have rotated the token')

  const health = await request(`${gw.address}/_gateway/health`)
  t.equal(health.statusCode, 503)
  t.match(await health.body.json(), { status: 'error', code: 'HSG_AUTH_REFRESH_REJECTED', reason: /invalid_grant/ })

  const exchangesBefore = fake.stats.rejectedExchanges
  for (let i = 0; i < 5; i++) await request(`${gw.address}/v2/users/me`).then((r) => r.body.dump())
  t.equal(fake.stats.rejectedExchanges, exchangesBefore, 'a refused token is not hammered at the token endpoint')

  const status = await request(`${gw.address}/_gateway/status`)
  t.match(await status.body.json(), { token: { state: 'rejected', reason: { code: 'HSG_AUTH_REFRESH_REJECTED' } } })
})

void t.test('a transient token endpoint failure keeps the gateway serving with the token in hand', async (t) => {
  // One clock for the gateway and the fake, moved past the start of the margin after the first
  // request: from then on every request asks for a background refresh.
  let offset = 0
  const now = () => Date.now() + offset
  const { fake, gw } = await startLiveGateway(
    t,
    {
      // The longest margin honoured: half the token life.
      refreshMargin: 1800,
      // ... which only requests that go upstream do.
      cache: 'off',
    },
    { accessTokenTtl: 3600, now },
    { now },
  )
  await request(`${gw.address}/v2/users/me`).then((r) => r.body.dump())
  offset += 1801_000
  fake.tokenEndpointFailure = { status: 503, body: '' }
  for (let i = 0; i < 3; i++) {
    const res = await request(`${gw.address}/v2/users/me`)
    t.equal(res.statusCode, 200)
    await res.body.dump()
  }
  const health = await request(`${gw.address}/_gateway/health`)
  t.equal(health.statusCode, 200, 'still serving: the access token is valid')
  t.match(await health.body.json(), { status: 'ok', token: 'degraded' })
})

void t.test('a gateway with no token anywhere says so', async (t) => {
  const gw = await startTestGateway({ stateDir: t.testdir() })
  t.teardown(() => gw.close())
  const status = await request(`${gw.address}/_gateway/status`)
  t.match(await status.body.json(), { mode: 'mock', token: { state: 'empty', reason: { code: 'HSG_AUTH_NO_TOKEN' } } })
  const switched = await request(`${gw.address}/_gateway/mode`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: '{"mode":"live"}',
  })
  t.equal(switched.statusCode, 501)
  t.match(await switched.body.json(), { code: 'HSG_MODE_UNAVAILABLE', detail: /HUBSTAFF_REFRESH_TOKEN/ })
})
