// RFC 5861 stale-while-revalidate: just past its TTL an entry is still served at once, while exactly
// one background request refreshes it.
import t from 'tap'
import { request } from 'undici'
import { cacheAround, header, req } from './helpers/cache-harness.js'
import { sharedClock, startLiveGateway } from './helpers/gateway.js'

const settle = () => new Promise((resolve) => setTimeout(resolve, 20))

void t.test('20 requests in the window: all served stale, one background refresh', async (t) => {
  const { handle, stub, clock, cache } = cacheAround({ staleWhileRevalidate: 60 })
  const first = await handle(req('GET', '/v2/tasks/1', { headers: { prefer: 'wait=30' } }))
  clock.advance(70_000) // 10 s past the 60 s TTL
  stub.delayMs = 30

  const answers = await Promise.all(Array.from({ length: 20 }, () => handle(req('GET', '/v2/tasks/1', { headers: { prefer: 'wait=30' } }))))
  for (const answer of answers) {
    t.equal(header(answer, 'cache-status'), 'hubstaff-gateway; hit; ttl=-10; detail=stale-while-revalidate')
    t.equal(answer.source, 'cache')
    t.equal(answer.body.toString(), first.body.toString(), 'the stale answer, at once')
  }
  t.equal(stub.calls.length, 2, 'exactly one refresh went out')
  const refresh = stub.calls[1]
  t.equal(refresh?.headers.prefer, undefined, 'nobody waits for a refresh: it does not queue for budget')
  t.equal(refresh?.app.priority, 'batch', 'and it does not use the interactive reserve')

  await new Promise((resolve) => setTimeout(resolve, 60))
  const fresh = await handle(req('GET', '/v2/tasks/1'))
  t.match(header(fresh, 'cache-status'), /^hubstaff-gateway; hit; ttl=60$/, 'fresh again once the refresh landed')
  t.equal(JSON.parse(fresh.body.toString()).n, 2, 'with the refreshed answer')
  t.equal(stub.calls.length, 2)
  t.match(cache.stats(), { hits: 21, misses: 1, backgroundRefreshes: 1 })
})

void t.test('a failed refresh keeps the stale entry; the next request in the window tries again', async (t) => {
  const { handle, stub, clock } = cacheAround({ staleWhileRevalidate: 60 })
  await handle(req('GET', '/v2/tasks/1'))
  clock.advance(61_000)
  stub.answer = { status: 503, body: '<html>down</html>' }
  t.match(header(await handle(req('GET', '/v2/tasks/1')), 'cache-status'), /detail=stale-while-revalidate/)
  await settle()
  stub.answer = new Error('boom')
  t.match(header(await handle(req('GET', '/v2/tasks/1')), 'cache-status'), /detail=stale-while-revalidate/, 'still served')
  await settle()
  t.equal(stub.calls.length, 3, 'one refresh per request, never two at once')
})

void t.test('past the window the request waits for Hubstaff', async (t) => {
  const { handle, stub, clock } = cacheAround({ staleWhileRevalidate: 60 })
  await handle(req('GET', '/v2/tasks/1'))
  clock.advance(121_000)
  t.equal(header(await handle(req('GET', '/v2/tasks/1')), 'cache-status'), 'hubstaff-gateway; fwd=stale; stored')
  t.equal(stub.calls.length, 2)
})

void t.test('a refresh under way is joined by a request that cannot use the stale entry', async (t) => {
  const { handle, stub, clock } = cacheAround({ staleWhileRevalidate: 60 })
  await handle(req('GET', '/v2/tasks/1'))
  clock.advance(61_000)
  stub.delayMs = 30
  await handle(req('GET', '/v2/tasks/1')) // starts the refresh
  const strict = await handle(req('GET', '/v2/tasks/1', { headers: { 'cache-control': 'max-age=5' } }))
  t.equal(header(strict, 'cache-status'), 'hubstaff-gateway; fwd=request; collapsed')
  t.equal(stub.calls.length, 2)
})

void t.test('end to end: one extra upstream request, whatever the load', async (t) => {
  const clock = sharedClock()
  const { fake, gw } = await startLiveGateway(t, { cacheStaleWhileRevalidate: 120 }, { now: clock.now }, { now: clock.now })
  const get = async () => {
    const res = await request(`${gw.address}/v2/organizations/1001/members`)
    await res.body.dump()
    return res.headers
  }
  await get()
  const before = fake.stats.apiRequests
  clock.advance(5 * 60_000 + 30_000) // members: 5 min TTL
  fake.apiDelayMs = 500 // the burst lands well before the refresh does
  const burst = await Promise.all(Array.from({ length: 30 }, get))
  for (const h of burst) {
    t.equal(h['x-gateway-source'], 'cache')
    t.match(h['cache-status'], /^hubstaff-gateway; hit; ttl=-3\d; detail=stale-while-revalidate$/)
  }
  await new Promise((resolve) => setTimeout(resolve, 800))
  t.equal(fake.stats.apiRequests - before, 1, 'one background refresh')
  t.equal((await get())['cache-status'], 'hubstaff-gateway; hit; ttl=299', 'fresh again') // 300 s TTL, under a second old
})
