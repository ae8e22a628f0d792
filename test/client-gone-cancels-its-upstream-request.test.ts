import t from 'tap'
import { request } from 'undici'
import { startLiveGateway } from './helpers/gateway.js'

void t.test('an app that goes away cancels its upstream request instead of waiting for it', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { cache: 'false' })
  await request(`${gw.address}/v2/users/me`).then((r) => r.body.dump())
  fake.apiDelayMs = 3000
  const abort = new AbortController()
  const pending = request(`${gw.address}/v2/organizations`, { signal: abort.signal }).catch((err: unknown) => err)
  await new Promise((r) => setTimeout(r, 200))
  const started = Date.now()
  abort.abort()
  await pending
  // The request line is logged once the gateway stops waiting: long before Hubstaff would answer.
  let line: Record<string, unknown> | undefined
  while (line === undefined && Date.now() - started < 2000) {
    line = gw.logRecords().find((r) => r.msg === 'request' && r.path === '/v2/organizations')
    if (line === undefined) await new Promise((r) => setTimeout(r, 20))
  }
  t.ok(line, 'the gateway finished the request within 2 s of the app leaving, not after the 3 s upstream delay')
  t.equal(line?.status, 499, 'and logged it as closed by the client')
  fake.apiDelayMs = 0
  const after = await request(`${gw.address}/v2/users/me`, { headers: { 'cache-control': 'no-cache' } })
  t.equal(after.statusCode, 200, 'the gateway keeps serving')
  await after.body.dump()
})
