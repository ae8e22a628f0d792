// PUT /_gateway/mode moves between live, record and replay without a restart: a request in flight
// finishes (and is recorded) in the mode it started in, the next ones replay, and replay needs no
// token while record does.
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { startLiveGateway, startTestGateway } from './helpers/gateway.js'

async function switchTo(address: string, mode: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(`${address}/_gateway/mode`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode }) })
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> }
}

void t.test('live → record → replay at runtime', async (t) => {
  const root = t.testdir()
  const recordings = join(root, 'recordings')
  const { fake, gw } = await startLiveGateway(t, { recordings, stateDir: join(root, 'state'), cache: 'off' })
  const get = async (path: string) => {
    const res = await request(`${gw.address}${path}`)
    return { source: res.headers['x-gateway-source'], status: res.statusCode, body: await res.body.text() }
  }
  t.equal((await get('/v2/users/me')).source, 'upstream')
  t.match(await switchTo(gw.address, 'record'), { status: 200, body: { mode: 'record', previous: 'live' } })

  fake.apiDelayMs = 300
  const before = fake.stats.apiRequests
  const inFlight = get('/v2/organizations/1001/projects?page_limit=2')
  for (let i = 0; i < 200 && fake.stats.apiRequests === before; i++) await new Promise((resolve) => setTimeout(resolve, 5))
  t.match(await switchTo(gw.address, 'replay'), { status: 200, body: { mode: 'replay', previous: 'record' } })
  const recorded = await inFlight
  t.match(recorded, { status: 200, source: 'upstream' }, 'the request in flight finished in record mode')
  fake.apiDelayMs = 0

  const replayed = await get('/v2/organizations/1001/projects?page_limit=2')
  t.same(replayed, { ...recorded, source: 'replay' }, 'and was recorded: the next one replays it')
  t.equal(fake.stats.apiRequests, before + 1, 'replay sent nothing upstream')
  t.match(await get('/v2/users/me'), { status: 404, source: 'gateway' }, 'what was only seen in live mode was not recorded')
  t.match(await gw.gateway.status(), { mode: 'replay', recordings: { files: 1, used: 1 } })
  t.match(await switchTo(gw.address, 'live'), { status: 200 })
  t.equal((await get('/v2/users/me')).source, 'upstream')
})

void t.test('without a token: replay yes, record no', async (t) => {
  const gw = await startTestGateway({ recordings: join(t.testdir(), 'recordings') })
  t.teardown(() => gw.close())
  t.match(await switchTo(gw.address, 'replay'), { status: 200, body: { mode: 'replay', previous: 'mock' } })
  t.match(await switchTo(gw.address, 'record'), { status: 501, body: { code: 'HSG_MODE_UNAVAILABLE' } })
  const res = await request(`${gw.address}/v2/users/me`)
  t.equal(res.statusCode, 404)
  t.match(await res.body.json(), { code: 'HSG_REPLAY_MISS' })
})
