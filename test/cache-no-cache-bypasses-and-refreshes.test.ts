// `Cache-Control: no-cache` from an app goes to Hubstaff and refreshes the entry for everyone.
import t from 'tap'
import { request } from 'undici'
import { cacheAround, header, req } from './helpers/cache-harness.js'
import { startLiveGateway } from './helpers/gateway.js'

void t.test('end to end: no-cache goes upstream and the next plain GET gets the fresh answer', async (t) => {
  const { fake, gw } = await startLiveGateway(t)
  const get = async (headers: Record<string, string> = {}) => {
    const res = await request(`${gw.address}/v2/projects/20001/tasks`, { headers })
    return { headers: res.headers, body: (await res.body.json()) as { tasks: { summary: string }[] } }
  }
  const before = fake.stats.apiRequests
  await get()
  // Someone changes the data behind the gateway's back (another tool, the Hubstaff web app).
  const created = await fetch(`${fake.origin}/v2/projects/20001/tasks`, {
    method: 'POST',
    headers: { authorization: fake.requests.at(-1)?.headers.authorization as string, 'content-type': 'application/json' },
    body: '{"summary":"made elsewhere"}',
  })
  t.equal(created.status, 200)
  t.notOk((await get()).body.tasks.some((task) => task.summary === 'made elsewhere'), 'a plain GET is a hit: the old list')

  const refreshed = await get({ 'cache-control': 'no-cache' })
  t.equal(refreshed.headers['cache-status'], 'hubstaff-gateway; fwd=request; stored')
  t.equal(refreshed.headers['x-gateway-source'], 'upstream')
  t.ok(refreshed.body.tasks.some((task) => task.summary === 'made elsewhere'))

  const after = await get()
  t.equal(after.headers['x-gateway-source'], 'cache')
  t.ok(after.body.tasks.some((task) => task.summary === 'made elsewhere'), 'everyone now gets the refreshed list')
  t.equal(fake.stats.apiRequests - before, 3, 'the first GET, the direct POST and the no-cache GET')
})

void t.test('Pragma: no-cache counts when there is no Cache-Control', async (t) => {
  const { handle, stub } = cacheAround()
  await handle(req('GET', '/v2/users/me'))
  const pragma = await handle(req('GET', '/v2/users/me', { headers: { pragma: 'no-cache' } }))
  t.equal(header(pragma, 'cache-status'), 'hubstaff-gateway; fwd=request; stored')
  const overruled = await handle(req('GET', '/v2/users/me', { headers: { pragma: 'no-cache', 'cache-control': 'max-age=600' } }))
  t.match(header(overruled, 'cache-status'), /; hit;/, 'Cache-Control wins over Pragma')
  t.equal(stub.calls.length, 2)
})

void t.test('a no-cache request never joins an answer already on its way; later requests join it', async (t) => {
  const { handle, stub } = cacheAround()
  stub.delayMs = 50
  const early = handle(req('GET', '/v2/users/me'))
  const forced = handle(req('GET', '/v2/users/me', { headers: { 'cache-control': 'no-cache' } }))
  const late = handle(req('GET', '/v2/users/me'))
  const [a, b, c] = await Promise.all([early, forced, late])
  t.equal(stub.calls.length, 2, 'the no-cache request sent its own')
  t.equal(header(a, 'cache-status'), 'hubstaff-gateway; fwd=miss; stored')
  t.equal(header(b, 'cache-status'), 'hubstaff-gateway; fwd=miss; stored')
  t.equal(header(c, 'cache-status'), 'hubstaff-gateway; fwd=miss; collapsed')
  t.equal(c.body.toString(), b.body.toString(), 'the late one joined the newest request')
})

void t.test('no-store: served from the cache when it can be, never stored', async (t) => {
  const { handle, stub, cache } = cacheAround()
  const missed = await handle(req('GET', '/v2/users/me', { headers: { 'cache-control': 'no-store' } }))
  t.equal(header(missed, 'cache-status'), 'hubstaff-gateway; fwd=miss')
  t.equal(cache.stats().entries, 0)
  await handle(req('GET', '/v2/users/me'))
  const hit = await handle(req('GET', '/v2/users/me', { headers: { 'cache-control': 'no-store' } }))
  t.match(header(hit, 'cache-status'), /; hit;/)
  t.equal(stub.calls.length, 2)
})

void t.test('the app\'s conditional headers reach Hubstaff on a miss, never in a shared fetch', async (t) => {
  // Issue #14: a revalidating client must get Hubstaff's 304 rather than the whole body. A fetch
  // other apps join (or a background refresh) must bring a whole answer, so it never carries them.
  const { handle, stub } = cacheAround()
  const conditional = { 'if-none-match': 'W/"abc"', 'if-modified-since': 'Tue, 14 Jul 2026 00:00:00 GMT', accept: 'application/json' }
  await handle(req('GET', '/v2/users/me', { headers: conditional }))
  t.same(stub.calls[0]?.headers, conditional)
  await handle(req('GET', '/v2/organizations', { headers: { accept: 'application/json' } }))
  t.same(stub.calls[1]?.headers, { accept: 'application/json' })
})
