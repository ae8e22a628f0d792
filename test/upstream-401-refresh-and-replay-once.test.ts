import t from 'tap'
import { request } from 'undici'
import { startLiveGateway } from './helpers/gateway.js'

void t.test('an upstream 401 refreshes once and replays once', async (t) => {
  const { fake, gw } = await startLiveGateway(t, {
    // Every GET here must reach Hubstaff: a cached /v2/users/me would never see the 401.
    cache: 'off',
  })
  await request(`${gw.address}/v2/users/me`).then((r) => r.body.dump())

  void t.test('a token Hubstaff stopped accepting is replaced and the request replayed', async (t) => {
    fake.expireAccessTokens()
    const before = { api: fake.stats.apiRequests, exchanges: fake.stats.exchanges }
    const payload = '{"summary":"replayed with its body"}'
    const res = await request(`${gw.address}/v2/projects/20001/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload,
    })
    t.equal(res.statusCode, 200)
    t.match(await res.body.json(), { task: { summary: 'replayed with its body' } })
    t.equal(fake.stats.apiRequests - before.api, 2, 'the 401 and the replay')
    t.equal(fake.stats.exchanges - before.exchanges, 1)
    t.equal(fake.requests.at(-1)?.body, payload, 'the replay carries the same body')
    t.not(fake.requests.at(-1)?.headers.authorization, fake.requests.at(-2)?.headers.authorization)
  })

  void t.test('a second 401 goes back to the app, after exactly one refresh', async (t) => {
    fake.apiFailure = { status: 401, body: '{"code":"unauthorized","error":"Unauthorized"}' }
    t.teardown(() => {
      fake.apiFailure = undefined
    })
    const before = { api: fake.stats.apiRequests, exchanges: fake.stats.exchanges }
    const res = await request(`${gw.address}/v2/users/me`)
    t.equal(res.statusCode, 401)
    t.equal(res.headers['x-gateway-source'], 'upstream')
    t.same(await res.body.json(), { code: 'unauthorized', error: 'Unauthorized' })
    t.equal(fake.stats.apiRequests - before.api, 2, 'one try, one replay, no loop')
    t.equal(fake.stats.exchanges - before.exchanges, 1)
  })
})
