import t from 'tap'
import { request } from 'undici'
import { DAY_MS } from './helpers/fake-hubstaff-data.js'
import { FAKE_DATA } from './helpers/fake-hubstaff.js'
import { startLiveGateway } from './helpers/gateway.js'
import { sleep, until } from './helpers/memory-token-store.js'
const PATH = `/v2/organizations/${FAKE_DATA.organizationId}/activities`
const WEEK = 'time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-01-12T00:00:00Z'
for (const variant of ['abort']) {
void t.test(variant, async (t) => {
  const { fake, gw } = await startLiveGateway(t, { shutdownTimeout: 4, ...(variant.includes('nocache') ? { cache: 'false' } : {}) })
  fake.blank = { overMs: 2 * DAY_MS, form: 'empty 504' }
  fake.apiDelayMs = 150
  const c = new AbortController()
  const p = request(`${gw.address}${PATH}?${WEEK}&page_limit=500`, { signal: c.signal }).then((r) => r.body.dump(), (e: unknown) => e)
  await until(() => fake.requests.length >= 2)
  const q = request(`${gw.address}${PATH}?${WEEK}`).then((r) => r.body.dump(), (e: unknown) => e)
  await sleep(200)
  c.abort()
  t.comment(String(await p))
  t.comment(String(await q))
  await sleep(500)
  await new Promise<void>((r) => gw.app.server.getConnections((e, n) => { t.comment(`connections ${n}`); r() }))
  const T = performance.now()
  const timer = setInterval(() => gw.app.server.getConnections((e, n) => t.comment(`${(performance.now() - T).toFixed(0)} connections ${n}`)), 2000)
  await gw.close()
  clearInterval(timer)
  t.comment(`${variant} gw.close ${(performance.now() - T).toFixed(0)}`)
})
}
