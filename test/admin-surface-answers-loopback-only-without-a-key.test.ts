import t from 'tap'
import { startLiveGateway } from './helpers/gateway.js'

void t.test('without an admin key the admin surface answers loopback clients for loopback names only', async (t) => {
  const { gw } = await startLiveGateway(t)
  const paths = ['/_gateway/status', '/_gateway/requests', '/_gateway/budget/history', '/_gateway/metrics', '/_gateway/', '/_gateway/dashboard/app.js']

  for (const url of paths) {
    const local = await gw.app.inject({ method: 'GET', url, remoteAddress: '127.0.0.1', headers: { host: '127.0.0.1:8787' } })
    t.equal(local.statusCode, 200, `${url} from loopback`)
    const remote = await gw.app.inject({ method: 'GET', url, remoteAddress: '192.0.2.10' })
    t.equal(remote.statusCode, 403, `${url} from elsewhere`)
    t.match(remote.headers['content-type'], /application\/problem\+json/)
    t.match(remote.json(), { code: 'HSG_ADMIN_FORBIDDEN' })
    // A page whose domain was re-pointed at 127.0.0.1 (DNS rebinding) is still another site.
    const rebound = await gw.app.inject({ method: 'GET', url, remoteAddress: '127.0.0.1', headers: { host: 'attacker.example:8787' } })
    t.equal(rebound.statusCode, 403, `${url} for a foreign Host`)
    t.match(rebound.json(), { code: 'HSG_ADMIN_FORBIDDEN' })
  }
  for (const host of ['localhost:8787', 'localhost', '[::1]:8787', '127.0.0.5', 'gw.localhost:1']) {
    const res = await gw.app.inject({ method: 'GET', url: '/_gateway/status', remoteAddress: '::1', headers: { host } })
    t.equal(res.statusCode, 200, `Host ${host}`)
  }

  const health = await gw.app.inject({ method: 'GET', url: '/_gateway/health', remoteAddress: '192.0.2.10', headers: { host: 'gateway.internal' } })
  t.equal(health.statusCode, 200, 'health answers everyone')

  const mode = await gw.app.inject({ method: 'PUT', url: '/_gateway/mode', remoteAddress: '192.0.2.10', payload: { mode: 'mock' } })
  t.equal(mode.statusCode, 403)
  t.equal(gw.gateway.mode.current, 'live', 'a remote client cannot switch the mode')
})
