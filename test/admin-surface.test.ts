import t from 'tap'
import { request } from 'undici'
import { startLiveGateway } from './helpers/gateway.js'

void t.test('the admin surface', async (t) => {
  const { gw } = await startLiveGateway(t)

  void t.test('health and status report the live gateway and its token, never the token itself', async (t) => {
    await request(`${gw.address}/v2/users/me`).then((r) => r.body.dump())
    const health = await request(`${gw.address}/_gateway/health`)
    t.equal(health.statusCode, 200)
    t.match(await health.body.json(), { status: 'ok', mode: 'live', token: 'ok' })
    const status = (await (await request(`${gw.address}/_gateway/status`)).body.json()) as { mode: string; token: { expiresAt: string; refreshedAt: string; refreshes: number } }
    t.equal(status.mode, 'live')
    t.ok(Date.parse(status.token.expiresAt) > Date.now(), 'expiresAt is an ISO time in the future')
    t.ok(Date.parse(status.token.refreshedAt) <= Date.now())
    t.equal(status.token.refreshes, 1)
  })

  void t.test('mode switches validate their input', async (t) => {
    const put = (body: string) => request(`${gw.address}/_gateway/mode`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body })
    const bad = await put('{"mode":"turbo"}')
    t.equal(bad.statusCode, 400)
    t.match(await bad.body.json(), { code: 'HSG_MODE_INVALID' })
    const missing = await put('{}')
    t.equal(missing.statusCode, 400)
    t.match(await missing.body.json(), { code: 'HSG_MODE_INVALID' })
    const notJson = await put('{mode')
    t.equal(notJson.statusCode, 400)
    t.match(await notJson.body.json(), { code: 'HSG_REQUEST_BAD_BODY' })
    const replay = await put('{"mode":"replay"}')
    t.equal(replay.statusCode, 200, 'replay is available')
    t.same(await replay.body.json(), { mode: 'replay', previous: 'live' })
    const mock = await put('{"mode":"mock"}')
    t.equal(mock.statusCode, 200, 'the mock is available')
    t.same(await mock.body.json(), { mode: 'mock', previous: 'replay' })
    const back = await put('{"mode":"live"}')
    t.same(await back.body.json(), { mode: 'live', previous: 'mock' })
    const same = await put('{"mode":"live"}')
    t.equal(same.statusCode, 200)
    t.same(await same.body.json(), { mode: 'live', previous: 'live' })
  })

  void t.test('only loopback clients reach the admin surface, except health', async (t) => {
    for (const url of ['/_gateway/status', '/_gateway/mode']) {
      const res = await gw.app.inject({ method: url.endsWith('mode') ? 'PUT' : 'GET', url, remoteAddress: '192.0.2.10', payload: { mode: 'live' } })
      t.equal(res.statusCode, 403, url)
      t.match(res.json(), { code: 'HSG_ADMIN_FORBIDDEN' })
    }
    const health = await gw.app.inject({ method: 'GET', url: '/_gateway/health', remoteAddress: '192.0.2.10' })
    t.equal(health.statusCode, 200)
    const v6 = await gw.app.inject({ method: 'GET', url: '/_gateway/status', remoteAddress: '::1' })
    t.equal(v6.statusCode, 200)
  })
})
