import t from 'tap'
import { request } from 'undici'
import { startFakeHubstaff } from './helpers/fake-hubstaff.js'
import { startTestGateway } from './helpers/gateway.js'
import { REDIS_AVAILABLE, REDIS_SKIP, startRedis } from './helpers/redis-server.js'

let n = 0
async function get(address: string): Promise<number> {
  // Distinct queries: a cache hit would cost no budget.
  const res = await request(`${address}/v2/users/me?n=${n++}`)
  await res.body.dump()
  return res.statusCode
}

void t.test('two gateways on one Redis spend one budget and share one token lineage', { skip: REDIS_AVAILABLE ? false : REDIS_SKIP }, async (t) => {
  const redis = await startRedis(t)
  const fake = await startFakeHubstaff({ rateLimit: { limit: 20, windowMs: 600_000 } })
  t.teardown(() => fake.close())
  const seed = fake.issueRefreshToken()
  // Separate state dirs: only Redis connects them.
  const settings = { upstream: fake.origin, authUrl: fake.origin, refreshToken: seed, budget: 20, budgetWindow: 600, redis: redis.url }
  const a = await startTestGateway({ ...settings, stateDir: t.testdir() + '-a' })
  t.teardown(() => a.close())
  const b = await startTestGateway({ ...settings, stateDir: t.testdir() + '-b' })
  t.teardown(() => b.close())

  const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => get(i % 2 === 0 ? a.address : b.address)))
  t.equal(statuses.filter((s) => s === 200).length, 20, 'together they spend exactly one budget')
  t.equal(statuses.filter((s) => s === 429).length, 20)
  t.equal(fake.stats.rateLimited, 0, 'Hubstaff never refused')
  t.equal(fake.stats.exchanges, 1, 'one exchange for both: the second adopted the shared token')
  t.equal(fake.stats.reuse, 0)

  const status = (await (await request(`${b.address}/_gateway/status`)).body.json()) as { budget: { used: number; store: string } }
  t.match(status.budget, { used: 20, store: 'redis' })
})

void t.test('Redis stopped mid-run: each gateway keeps to its share, and no burst follows', { skip: REDIS_AVAILABLE ? false : REDIS_SKIP }, async (t) => {
  const redis = await startRedis(t)
  const fake = await startFakeHubstaff()
  t.teardown(() => fake.close())
  const settings = { upstream: fake.origin, authUrl: fake.origin, refreshToken: fake.issueRefreshToken(), budget: 20, budgetWindow: 600, redis: redis.url, redisInstances: 2 }
  const a = await startTestGateway({ ...settings, stateDir: t.testdir() + '-a' })
  t.teardown(() => a.close())
  const b = await startTestGateway({ ...settings, stateDir: t.testdir() + '-b' })
  t.teardown(() => b.close())

  for (let i = 0; i < 4; i++) t.equal(await get(a.address), 200)
  await redis.stop()
  const during = []
  for (let i = 0; i < 15; i++) during.push(await get(a.address))
  t.equal(during.filter((s) => s === 200).length, 6, 'alone, a keeps to budget / 2 = 10, counting its 4 from before')
  t.ok(a.logs.some((l) => l.includes('HSG_BUDGET_REDIS_DOWN')), 'and says so loudly')

  await redis.start()
  // Give the instances time to reconnect and hand their slots back to Redis.
  await new Promise((r) => setTimeout(r, 3000))
  const after = []
  for (let i = 0; i < 15; i++) after.push(await get(b.address))
  t.equal(after.filter((s) => s === 200).length, 10, `b gets only what is left of the one budget (${after.join(' ')})`)
  t.ok(fake.stats.apiRequests <= 20, `upstream saw ${fake.stats.apiRequests} requests: never more than the budget`)
})
