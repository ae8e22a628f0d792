// Issue #14, item 3: two instances, Redis killed mid-window and restarted empty. Each instance used
// to keep granting up to budget / instances counting only its own grants: after an uneven start
// (5 and 25 of 40) the lighter one granted 15 more, and Hubstaff saw 45. Now each grants alone at
// most its share of what was free when it last heard the shared figure, and when Redis returns
// (empty) both write their grants back before taking more.
import t from 'tap'
import { RedisBudgetStore } from '../src/budget/redis-store.js'
import { ResilientBudgetStore } from '../src/budget/resilient-store.js'
import { whenReady } from '../src/redis-client.js'
import { T0 } from './budget-store-conformance.js'
import { capturingLogger, until } from './helpers/memory-token-store.js'
import { REDIS_AVAILABLE, REDIS_SKIP, startRedis, uniquePrefix } from './helpers/redis-server.js'

const LIMIT = 40
const WINDOW = 10_000

if (!REDIS_AVAILABLE) {
  t.plan(0, REDIS_SKIP)
} else {
  const server = await startRedis(t)

  void t.test('an uneven start, an outage, an empty Redis: never more than the budget', { timeout: 60_000 }, async (t) => {
    const prefix = uniquePrefix('uneven')
    const clock = { t: T0 }
    const instance = () => {
      const redis = new RedisBudgetStore({ redis: server.url, prefix, commandTimeoutMs: 300 })
      const { logger, lines } = capturingLogger()
      const store = new ResilientBudgetStore({ redis, expectedInstances: 2, logger, timeoutMs: 300, retryMs: 20 })
      t.teardown(() => store.close())
      return { redis, store, lines, granted: [] as number[] }
    }
    const a = instance()
    const b = instance()
    for (const s of [a.redis, b.redis]) t.ok(await whenReady(s.client, 5000), 'connected')
    const hammer = async (who: typeof a, n: number) => {
      const results = await Promise.all(Array.from({ length: n }, () => who.store.take({ now: clock.t, windowMs: WINDOW, cost: 1, limit: LIMIT })))
      for (const r of results) if (r.granted) who.granted.push(clock.t)
    }

    await hammer(a, 5)
    await hammer(b, 25)
    // What every gateway does at least once a second (its RateLimit figures), even when idle.
    await a.store.snapshot(clock.t, WINDOW)
    await b.store.snapshot(clock.t, WINDOW)

    await server.stop()
    await until(() => !a.redis.ready && !b.redis.ready, 5000, 'the clients to notice')
    clock.t = T0 + 1000
    await Promise.all([hammer(a, 50), hammer(b, 50)])
    t.ok(a.granted.length + b.granted.length <= LIMIT, `together they stay within ${LIMIT} (a ${a.granted.length}, b ${b.granted.length})`)
    t.equal(a.granted.length, 10, 'a granted half of the 10 that were free, not 15 (its share of 40 less its own 5)')
    const r = (await a.store.snapshot(clock.t, WINDOW)).used
    t.ok(r >= LIMIT / 2, `a's figures leave it nothing to grant (used ${r} of its share of ${LIMIT / 2})`)

    // b crashes; Redis comes back empty. a writes its grants back, but Redis then holds fewer than
    // a last heard of: b's are missing, and taking from Redis would hand them out again.
    await b.store.close()
    clock.t = T0 + 3000
    await server.start()
    await until(() => a.redis.ready, 15_000, 'a to reconnect')
    clock.t = T0 + 4000
    await hammer(a, 50)
    t.equal(a.store.kind, 'redis-fallback', "a keeps to its share alone while b's grants are missing")
    const all = () => [...a.granted, ...b.granted]
    const worst = () => Math.max(...all().map((at) => all().filter((o) => o > at - WINDOW && o <= at).length))
    t.ok(worst() <= LIMIT, `no window ever held more than ${LIMIT} grants (at most ${worst()})`)

    // Once what it heard of has left the window, Redis is the shared ledger again.
    clock.t = T0 + WINDOW + 500
    for (let i = 0; i < 200 && a.store.kind !== 'redis'; i++) {
      await hammer(a, 1)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    t.equal(a.store.kind, 'redis', 'a went back to Redis')
    await hammer(a, 50)
    t.ok(worst() <= LIMIT, `still no window over ${LIMIT} (at most ${worst()})`)
  })
}
