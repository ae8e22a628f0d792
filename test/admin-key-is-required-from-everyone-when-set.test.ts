import t from 'tap'
import { request } from 'undici'
import { hashKey } from '../src/apps.js'
import { startLiveGateway } from './helpers/gateway.js'

const KEY = 'hsg_admin_0123456789abcdef'
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

void t.test('with an admin key configured, every admin client needs it, loopback included', async (t) => {
  const { gw } = await startLiveGateway(t, { adminKeySha256: hashKey(KEY) })
  const paths = ['/_gateway/status', '/_gateway/requests', '/_gateway/budget/history', '/_gateway/metrics', '/_gateway/']

  for (const path of paths) {
    const none = await request(`${gw.address}${path}`)
    t.equal(none.statusCode, 401, `${path} without a key, from loopback`)
    t.match(none.headers['content-type'], /application\/problem\+json/)
    t.match(none.headers['www-authenticate'], /^Basic realm=/, 'a browser is asked for the key')
    t.match(await none.body.json(), { code: 'HSG_ADMIN_KEY_INVALID', status: 401 })
  }

  const wrongs: Record<string, string>[] = [
    { 'x-gateway-admin-key': 'hsg_admin_0123456789abcdeX' },
    { 'x-gateway-admin-key': KEY.slice(0, -1) },
    { authorization: `Bearer ${KEY}x` },
    { authorization: basic('ops', 'nope') },
    { authorization: basic(KEY, '') },
    { authorization: `Token ${KEY}` },
  ]
  for (const headers of wrongs) {
    const res = await request(`${gw.address}/_gateway/status`, { headers })
    t.equal(res.statusCode, 401, `refused: ${JSON.stringify(headers)}`)
    t.match(await res.body.json(), { code: 'HSG_ADMIN_KEY_INVALID' })
  }

  for (const headers of [{ 'x-gateway-admin-key': KEY }, { authorization: `Bearer ${KEY}` }, { authorization: basic('anyone', KEY) }]) {
    const res = await request(`${gw.address}/_gateway/status`, { headers })
    t.equal(res.statusCode, 200, `accepted: ${Object.keys(headers)[0]}`)
    t.match(await res.body.json(), { mode: 'live' })
  }

  // With the key, the admin surface is reachable from elsewhere too; without it, nothing is.
  const remote = await gw.app.inject({ method: 'GET', url: '/_gateway/status', remoteAddress: '192.0.2.10', headers: { 'x-gateway-admin-key': KEY } })
  t.equal(remote.statusCode, 200, 'a remote client with the key')
  const remoteNoKey = await gw.app.inject({ method: 'GET', url: '/_gateway/status', remoteAddress: '192.0.2.10' })
  t.equal(remoteNoKey.statusCode, 401, 'a remote client without the key')

  const put = await request(`${gw.address}/_gateway/mode`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"mode":"mock"}' })
  t.equal(put.statusCode, 401, 'no mode switch without the key')
  await put.body.dump()
  t.equal(gw.gateway.mode.current, 'live', 'the mode did not change')

  const health = await request(`${gw.address}/_gateway/health`)
  t.equal(health.statusCode, 200, 'health stays open for probes')
  t.match(await health.body.json(), { status: 'ok' })

  const api = await request(`${gw.address}/v2/users/me`)
  t.equal(api.statusCode, 200, 'apps are not asked for the admin key')
  await api.body.dump()
})

void t.test('the admin key may be given itself (from the environment) instead of its digest', async (t) => {
  const { gw } = await startLiveGateway(t, { adminKey: KEY })
  const none = await request(`${gw.address}/_gateway/metrics`)
  t.equal(none.statusCode, 401)
  await none.body.dump()
  const ok = await request(`${gw.address}/_gateway/metrics`, { headers: { authorization: `Bearer ${KEY}` } })
  t.equal(ok.statusCode, 200)
  await ok.body.dump()
  const status = await request(`${gw.address}/_gateway/status`, { headers: { authorization: `Bearer ${KEY}` } })
  t.notMatch(await status.body.text(), KEY, 'the status never shows the key')
  t.notOk(gw.logs.some((line) => line.includes(KEY)), 'no log line holds the key')
})
