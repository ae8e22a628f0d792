// Issue #14, item 3, under load: two gateways share a budget of 30 per 10 s through Redis; Redis is
// killed at 4 s and restarted empty at 9 s while both keep serving. Hubstaff (the fake, limiting at
// the same budget and window) never has to refuse, and no window of its own request log holds more
// than the budget.
import t from 'tap'
import { request } from 'undici'
import { startFakeHubstaff } from './helpers/fake-hubstaff.js'
import { startTestGateway } from './helpers/gateway.js'
import { REDIS_AVAILABLE, REDIS_SKIP, startRedis } from './helpers/redis-server.js'
import { busiestWindow } from './helpers/busiest-window.js'

const BUDGET = 30
const WINDOW_S = 10
const RUN_MS = 20_000
const CLIENTS = 12

if (!REDIS_AVAILABLE) {
  t.plan(0, REDIS_SKIP)
} else {
  void t.test(`two gateways, one Redis killed and restarted empty, a budget of ${BUDGET} per ${WINDOW_S} s`, { timeout: 120_000 }, async (t) => {
    const server = await startRedis(t)
    const windowMs = WINDOW_S * 1000
    const fake = await startFakeHubstaff({ rateLimit: { limit: BUDGET, windowMs } })
    t.teardown(() => fake.close())
    const arrivals: number[] = []
    fake.requests.push = (...items) => {
      for (let i = 0; i < items.length; i++) arrivals.push(Date.now())
      return 0
    }
    const refreshToken = fake.issueRefreshToken()
    const settings = (stateDir: string) => ({
      upstream: fake.origin,
      authUrl: fake.origin,
      refreshToken,
      stateDir,
      redis: server.url,
      redisInstances: 2,
      budget: BUDGET,
      budgetWindow: WINDOW_S,
      budgetMargin: 1,
      cache: 'off',
      logLevel: 'warn',
    })
    const first = await startTestGateway(settings(t.testdir()))
    t.teardown(() => first.close())
    // The first holds the token; the second adopts it through Redis.
    await (await request(`${first.address}/v2/users/me`)).body.dump()
    const second = await startTestGateway(settings(`${t.testdir()}-2`))
    t.teardown(() => second.close())
    const gateways = [first, second]

    const started = Date.now()
    const statuses = new Map<number, number>()
    let n = 0
    const client = async (c: number) => {
      while (Date.now() - started < RUN_MS) {
        const i = n++
        // Most of the traffic through the first gateway: the two start the outage unevenly.
        const gw = gateways[c % 4 === 0 ? 1 : 0] ?? first
        const res = await request(`${gw.address}/v2/projects/20001/tasks?page_limit=5&n=${i}`, { headers: { prefer: 'wait=2' } })
        await res.body.dump()
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
        // Load shaping, not timing: a refused client comes back a little later, as a real one would.
        if (res.statusCode === 429) await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
    const outage = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 4000))
      await server.stop()
      await new Promise((resolve) => setTimeout(resolve, 5000))
      await server.start()
    })()
    await Promise.all([...Array.from({ length: CLIENTS }, (_, c) => client(c)), outage])

    t.same([...statuses.keys()].filter((s) => s !== 200 && s !== 429), [], 'every answer is a 200 or the gateway 429')
    t.equal(fake.stats.rateLimited, 0, 'Hubstaff never answered 429')
    const busiest = busiestWindow(arrivals, windowMs)
    t.ok(busiest <= BUDGET, `no ${WINDOW_S} s of Hubstaff's log holds more than ${BUDGET} requests (busiest: ${busiest})`)
    t.ok(arrivals.length > BUDGET, `the budget was used, window after window (${arrivals.length} upstream)`)
    t.comment(`statuses ${JSON.stringify(Object.fromEntries(statuses))}; upstream ${arrivals.length}`)
  })
}
