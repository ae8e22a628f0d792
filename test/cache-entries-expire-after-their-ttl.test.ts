// An answer is reused for exactly as long as its route's policy allows, by the injected clock.
import t from 'tap'
import { request } from 'undici'
import { cacheAround, header, req } from './helpers/cache-harness.js'
import { sharedClock, startLiveGateway } from './helpers/gateway.js'

void t.test('a task (60 s) is a hit until its TTL, then goes upstream again', async (t) => {
  const { handle, stub, clock } = cacheAround({ staleWhileRevalidate: 0 })
  const first = await handle(req('GET', '/v2/tasks/9'))
  t.equal(header(first, 'cache-status'), 'hubstaff-gateway; fwd=miss; stored')
  t.equal(first.source, 'upstream')
  t.equal(first.upstreamCalls, 1)

  clock.advance(59_000)
  const hit = await handle(req('GET', '/v2/tasks/9'))
  t.equal(header(hit, 'cache-status'), 'hubstaff-gateway; hit; ttl=1')
  t.equal(header(hit, 'age'), '59')
  t.equal(hit.source, 'cache')
  t.equal(hit.upstreamCalls, 0, 'a hit costs nothing')
  t.equal(hit.body.toString(), first.body.toString())
  t.equal(stub.calls.length, 1)

  clock.advance(1_000)
  const expired = await handle(req('GET', '/v2/tasks/9'))
  t.equal(header(expired, 'cache-status'), 'hubstaff-gateway; fwd=stale; stored', 'the entry was there but stale')
  t.equal(stub.calls.length, 2)
  t.equal(JSON.parse(expired.body.toString()).n, 2, 'the new answer')
})

void t.test('each route has its own TTL', async (t) => {
  const { handle, stub, clock } = cacheAround({ staleWhileRevalidate: 0, staleIfError: 0 })
  for (const path of ['/v2/users/me', '/v2/organizations/1/projects', '/v2/tasks/1']) await handle(req('GET', path))
  t.equal(stub.calls.length, 3)
  const statusAt = async (path: string) => header(await handle(req('GET', path)), 'cache-status')

  clock.advance(2 * 60_000)
  t.match(await statusAt('/v2/users/me'), /; hit;/, 'users/me: still fresh at 2 min')
  t.match(await statusAt('/v2/organizations/1/projects'), /; hit;/, 'projects: still fresh at 2 min')
  t.match(await statusAt('/v2/tasks/1'), /fwd=miss|fwd=stale/, 'tasks: expired at 2 min')

  clock.advance(4 * 60_000)
  t.match(await statusAt('/v2/users/me'), /; hit;/, 'users/me: fresh at 6 min')
  t.match(await statusAt('/v2/organizations/1/projects'), /fwd=/, 'projects: expired at 6 min')

  clock.advance(55 * 60_000)
  t.match(await statusAt('/v2/users/me'), /fwd=/, 'users/me: expired after an hour')
})

void t.test('an entry past every window is dropped, and counted out of the status', async (t) => {
  const { handle, cache, clock } = cacheAround({ staleWhileRevalidate: 10, staleIfError: 100 })
  await handle(req('GET', '/v2/tasks/1'))
  await handle(req('GET', '/v2/tasks/2'))
  t.equal(cache.stats().entries, 2)
  clock.advance(60_000 + 100_000)
  t.equal(cache.stats().entries, 0, 'both are beyond TTL + stale-if-error')
  t.equal(cache.stats().bytes, 0)
})

void t.test('end to end: the gateway uses its clock for TTLs', async (t) => {
  const clock = sharedClock()
  const { fake, gw } = await startLiveGateway(t, { cacheStaleWhileRevalidate: 0 }, { now: clock.now }, { now: clock.now })
  const get = async () => {
    const res = await request(`${gw.address}/v2/projects/20001/tasks`)
    await res.body.dump()
    return res.headers
  }
  const before = fake.stats.apiRequests
  await get()
  clock.advance(30_000)
  const hit = await get()
  t.equal(hit['x-gateway-source'], 'cache')
  t.match(hit['cache-status'], /^hubstaff-gateway; hit; ttl=(29|30)$/, 'the shared clock also runs in real time')
  t.equal(fake.stats.apiRequests - before, 1)
  clock.advance(31_000)
  const refreshed = await get()
  t.equal(refreshed['x-gateway-source'], 'upstream')
  t.equal(fake.stats.apiRequests - before, 2)
})
