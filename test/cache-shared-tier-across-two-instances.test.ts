// With --redis the cache has a second tier shared by the instances: an answer fetched by one is a
// hit on the others, identical misses on several instances make one upstream request, writes and
// purges on one reach the others, and a Redis that goes away leaves each caching on its own.
import t from 'tap'
import { request } from 'undici'
import { startFakeHubstaff } from './helpers/fake-hubstaff.js'
import { startTestGateway } from './helpers/gateway.js'
import { REDIS_AVAILABLE, REDIS_SKIP, startRedis } from './helpers/redis-server.js'

interface Answer {
  status: number
  source: unknown
  cacheStatus: unknown
  text: string
}

async function call(address: string, path: string, init: { method?: string; body?: object } = {}): Promise<Answer> {
  const res = await request(`${address}${path}`, {
    method: (init.method ?? 'GET') as 'GET',
    ...(init.body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) }),
  })
  return { status: res.statusCode, source: res.headers['x-gateway-source'], cacheStatus: res.headers['cache-status'], text: await res.body.text() }
}

void t.test('two gateways share one cache through Redis', { skip: REDIS_AVAILABLE ? false : REDIS_SKIP }, async (t) => {
  const redis = await startRedis(t)
  const fake = await startFakeHubstaff()
  t.teardown(() => fake.close())
  // Separate state dirs: only Redis connects them.
  const settings = { upstream: fake.origin, authUrl: fake.origin, refreshToken: fake.issueRefreshToken(), redis: redis.url, redisInstances: 2 }
  const a = await startTestGateway({ ...settings, stateDir: t.testdir() + '-a' })
  t.teardown(() => a.close())
  const b = await startTestGateway({ ...settings, stateDir: t.testdir() + '-b' })
  t.teardown(() => b.close())

  void t.test('an answer A fetched is a hit on B, with no upstream request', async (t) => {
    const first = await call(a.address, '/v2/users/me')
    t.equal(first.status, 200)
    t.equal(first.cacheStatus, 'hubstaff-gateway; fwd=miss; stored')
    const before = fake.stats.apiRequests
    const onB = await call(b.address, '/v2/users/me')
    t.equal(onB.status, 200)
    t.equal(onB.source, 'cache')
    t.match(onB.cacheStatus, /^hubstaff-gateway; hit; ttl=\d+; detail=shared$/)
    t.equal(onB.text, first.text, 'the same bytes')
    t.equal(fake.stats.apiRequests, before, 'B did not go upstream')
    const again = await call(b.address, '/v2/users/me')
    t.match(again.cacheStatus, /^hubstaff-gateway; hit; ttl=\d+$/, 'B now holds it in its own tier')
  })

  void t.test('20 concurrent identical misses spread over A and B make one upstream request', async (t) => {
    fake.apiDelayMs = 300
    t.teardown(() => void (fake.apiDelayMs = 0))
    const before = fake.stats.apiRequests
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => call(i % 2 === 0 ? a.address : b.address, '/v2/organizations/1001')))
    t.same(new Set(answers.map((x) => x.status)), new Set([200]))
    t.equal(new Set(answers.map((x) => x.text)).size, 1, 'every app got the same answer')
    t.equal(fake.stats.apiRequests - before, 1, 'one upstream request for both instances')
    t.ok(answers.some((x) => typeof x.cacheStatus === 'string' && x.cacheStatus.includes('detail=shared')), 'the other instance waited for it')
  })

  void t.test('a POST through B drops what A would have served', async (t) => {
    const list = '/v2/projects/20001/tasks'
    await call(a.address, list)
    t.equal((await call(a.address, list)).source, 'cache', 'A serves it from memory')
    const created = await call(b.address, list, { method: 'POST', body: { summary: 'Written through B' } })
    t.equal(created.status, 200)
    // B answers once Redis has the drop; A hears of it a moment later, over pub/sub.
    let after = await call(a.address, list)
    for (let i = 0; i < 100 && after.source === 'cache'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      after = await call(a.address, list)
    }
    t.equal(after.source, 'upstream', 'A fetches it again')
    t.equal(after.cacheStatus, 'hubstaff-gateway; fwd=miss; stored')
    t.ok(after.text.includes('Written through B'))
    const onB = await call(b.address, list)
    t.equal(onB.source, 'cache', "and B gets A's fresh answer")
    t.ok(onB.text.includes('Written through B'))
  })

  void t.test("a purge on A drops B's view", async (t) => {
    const path = '/v2/projects/20002'
    await call(b.address, path)
    t.equal((await call(b.address, path)).source, 'cache')
    const purge = await request(`${a.address}/_gateway/cache?prefix=/v2/projects/`, { method: 'DELETE' })
    t.equal(purge.statusCode, 200)
    await purge.body.dump()
    const before = fake.stats.apiRequests
    const after = await call(b.address, path)
    t.equal(after.source, 'upstream')
    t.equal(after.cacheStatus, 'hubstaff-gateway; fwd=miss; stored')
    t.equal(fake.stats.apiRequests, before + 1)
    t.equal((await call(b.address, '/v2/users/me')).source, 'cache', 'outside the prefix nothing was dropped')
  })

  void t.test('Redis stopped: both keep serving, from their own tier or from Hubstaff', async (t) => {
    await call(a.address, '/v2/organizations')
    await redis.stop()
    const started = Date.now()
    const hit = await call(a.address, '/v2/organizations')
    t.equal(hit.status, 200)
    t.equal(hit.source, 'cache', "A's own tier still answers")
    const miss = await call(b.address, '/v2/projects/20003')
    t.equal(miss.status, 200)
    t.equal(miss.source, 'upstream')
    t.equal((await call(b.address, '/v2/projects/20003')).source, 'cache', 'and B caches on its own')
    const written = await call(b.address, '/v2/projects/20001/tasks', { method: 'POST', body: { summary: 'While Redis is away' } })
    t.equal(written.status, 200)
    const listed = await call(b.address, '/v2/projects/20001/tasks')
    t.equal(listed.status, 200)
    t.ok(listed.text.includes('While Redis is away'), 'a write still drops the local entries')
    const purge = await request(`${a.address}/_gateway/cache`, { method: 'DELETE' })
    t.equal(purge.statusCode, 200)
    await purge.body.dump()
    t.ok(Date.now() - started < 3000, `no request waited for Redis (${Date.now() - started} ms in all)`)
  })
})
