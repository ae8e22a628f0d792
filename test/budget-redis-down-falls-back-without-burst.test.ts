// Redis killed mid-run (SIGKILL, no persistence: it comes back empty). Each gateway falls back to
// its share of the budget (limit / expectedInstances, counting what it took before the outage),
// says so once, never throws, and when Redis returns writes its grants back before taking from
// Redis again: the shared window then holds every grant (from before and during the outage, also
// those of an instance that was idle meanwhile), so there is no burst over the budget.
import t from 'tap'
import { RedisBudgetStore } from '../src/budget/redis-store.js'
import { ResilientBudgetStore } from '../src/budget/resilient-store.js'
import { whenReady } from '../src/redis-client.js'
import { T0 } from './budget-store-conformance.js'
import { capturingLogger, until } from './helpers/memory-token-store.js'
import { REDIS_AVAILABLE, REDIS_SKIP, RedisServer, startRedis, uniquePrefix } from './helpers/redis-server.js'

const LIMIT = 40
const WINDOW = 10_000

if (!REDIS_AVAILABLE) {
  t.plan(0, REDIS_SKIP)
} else {
  const server = await startRedis(t)

  void t.test('Redis down: a local share, no burst when it returns', { timeout: 60_000 }, async (t) => {
    const prefix = uniquePrefix('outage')
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
    const observer = new RedisBudgetStore({ redis: server.url, prefix })
    t.teardown(() => observer.close())
    for (const s of [a.redis, b.redis, observer]) t.ok(await whenReady(s.client, 5000), 'connected')

    const hammer = async (who: typeof a, n: number) => {
      const results = await Promise.all(Array.from({ length: n }, () => who.store.take({ now: clock.t, windowMs: WINDOW, cost: 1, limit: LIMIT })))
      for (const r of results) if (r.granted) who.granted.push(clock.t)
      return results
    }
    const outageLines = (who: typeof a) => who.lines.filter((l) => l.code === 'HSG_BUDGET_REDIS_DOWN' && l.level === 50)

    // Before: a takes 6, b takes 20, through Redis.
    await hammer(a, 6)
    await hammer(b, 20)
    t.equal((await observer.snapshot(clock.t, WINDOW)).used, 26)
    t.equal(a.store.kind, 'redis')
    // What every gateway does at least once a second (its RateLimit figures, or its refresh timer when idle).
    await a.store.snapshot(clock.t, WINDOW)

    await server.stop()
    await until(() => !a.redis.ready && !b.redis.ready, 5000, 'the clients to notice')

    // During: a keeps going on its own, on its share of what was free when it last heard from
    // Redis: (40 - 26) / 2 = 7 (b, idle here, could take as many). Issue #14, item 3: its share of
    // the whole budget less its own 6 (14) would let the two of them exceed it after an uneven start.
    clock.t = T0 + 1000
    const during = await hammer(a, 100)
    t.equal(a.store.kind, 'redis-fallback')
    t.equal(during.filter((r) => r.granted).length, 7, 'grants go on locally: half of the 14 that were free')
    t.ok(a.granted.length <= LIMIT / 2, 'never more than limit / expectedInstances for this instance')
    t.match(during.find((r) => !r.granted), { reason: 'window', retryAt: T0 + WINDOW }, 'refusals name the first slot of the share to free')
    clock.t = T0 + 1500
    await a.store.pause(T0 + 5000)
    t.match(await a.store.take({ now: clock.t, windowMs: WINDOW, cost: 1, limit: LIMIT }), { granted: false, reason: 'paused', retryAt: T0 + 5000 }, 'a pause holds during the outage')
    t.equal((await a.store.snapshot(clock.t, WINDOW)).used, 20, "the outage snapshot is this instance's own use")
    t.equal(outageLines(a).length, 1, 'the outage is logged once, however many takes fell back')
    t.equal(outageLines(b).length, 0, 'an idle instance had nothing to say')

    // After: Redis returns empty; both write back what they granted before any take.
    clock.t = T0 + 3000
    await server.start()
    await until(() => a.redis.ready && b.redis.ready, 15_000, 'the clients to reconnect')
    await until(() => a.store.kind === 'redis', 5000, 'a to go back to Redis')
    await until(() => b.lines.some((l) => l.slotsWritten === 20), 5000, 'b to write its grants back')
    await until(() => a.lines.some((l) => l.slotsWritten === 13), 5000, 'a to write its grants back')
    const after = await observer.snapshot(clock.t, WINDOW)
    t.equal(after.used, 33, 'the shared window holds the 26 from before and the 7 from during the outage')
    t.equal(after.pausedUntil, T0 + 5000, 'and the pause learnt during the outage')
    t.equal(a.lines.filter((l) => l.code === 'HSG_BUDGET_REDIS_DOWN' && l.recovered === true).length, 1, 'the recovery is logged once')

    clock.t = T0 + 6000
    await Promise.all([hammer(a, 50), hammer(b, 50)])
    t.equal(a.granted.length + b.granted.length, 40, 'nothing more until the first slots leave the window')
    clock.t = T0 + WINDOW
    await Promise.all([hammer(a, 50), hammer(b, 50)])
    t.equal(a.granted.length + b.granted.length, 66, 'then exactly the 26 freed')

    const all = [...a.granted, ...b.granted]
    const worst = Math.max(...all.map((at) => all.filter((o) => o > at - WINDOW && o <= at).length))
    t.ok(worst <= LIMIT, `no window ever held more than ${LIMIT} grants (at most ${worst})`)
    t.equal(outageLines(a).length, 1, 'still one outage line')
  })

  void t.test('a slow Redis counts as down, and so does one absent at start', { timeout: 60_000 }, async (t) => {
    const prefix = uniquePrefix('slow')
    const { logger, lines } = capturingLogger()
    const redis = new RedisBudgetStore({ redis: server.url, prefix, commandTimeoutMs: 5000 })
    const store = new ResilientBudgetStore({ redis, expectedInstances: 2, logger, timeoutMs: 200, retryMs: 50 })
    t.teardown(() => store.close())
    const observer = new RedisBudgetStore({ redis: server.url, prefix })
    t.teardown(() => observer.close())
    t.ok(await whenReady(observer.client, 5000))
    const take = (now: number) => store.take({ now, windowMs: WINDOW, cost: 1, limit: 10 })

    t.same(await take(T0), { granted: true, used: 1 }, 'through Redis')
    // Every client waits 800 ms for an answer, as with a Redis swapping or stuck on a slow disk.
    await observer.client.call('CLIENT', 'PAUSE', '800', 'WRITE')
    const started = Date.now()
    t.same(await take(T0 + 100), { granted: true, used: 2 }, 'granted from the local share (5) instead of waiting')
    t.ok(Date.now() - started < 700, `within the store's timeout, not Redis's pause (${Date.now() - started} ms)`)
    t.equal(store.kind, 'redis-fallback')
    t.same(await store.freeTimes(T0 + 100, WINDOW, 5), [T0 + WINDOW, T0 + 100 + WINDOW], 'free times from the local ledger meanwhile')
    t.equal(lines.filter((l) => l.code === 'HSG_BUDGET_REDIS_DOWN' && l.level === 50).length, 1)

    await until(() => store.kind === 'redis' || Date.now() - started > 1200, 3000, 'the pause to end')
    await take(T0 + 200)
    t.equal(store.kind, 'redis', 'back on Redis once it answers in time')
    const used = (await observer.snapshot(T0 + 200, WINDOW)).used
    // The timed-out take ran in Redis when the pause ended, and was charged locally as well.
    t.ok(used >= 3 && used <= 4, `Redis holds every grant, the one that timed out perhaps twice (${used})`)

    const gone = await RedisServer.launch()
    t.teardown(() => gone.destroy())
    await gone.stop()
    const late = capturingLogger()
    const lateRedis = new RedisBudgetStore({ redis: gone.url, prefix, commandTimeoutMs: 300 })
    const lateStore = new ResilientBudgetStore({ redis: lateRedis, expectedInstances: 3, logger: late.logger, connectTimeoutMs: 200, retryMs: 20 })
    t.teardown(() => lateStore.close())
    t.same(await lateStore.take({ now: T0, windowMs: WINDOW, cost: 1, limit: 10 }), { granted: true, used: 1 }, 'no Redis at start: the local share (3)')
    t.equal(lateStore.kind, 'redis-fallback')
    t.same(await lateStore.snapshot(T0, WINDOW), { used: 1, oldest: T0, pausedUntil: 0, byApp: {}, share: 3 }, "this instance's own use, of its share")
    await gone.start()
    await until(() => lateStore.kind === 'redis', 15_000, 'the late store to reach Redis')
    const lateObserver = new RedisBudgetStore({ redis: gone.url, prefix })
    t.teardown(() => lateObserver.close())
    t.ok(await whenReady(lateObserver.client, 5000))
    t.equal((await lateObserver.snapshot(T0, WINDOW)).used, 1, 'its grant was written when Redis came up')
  })
}
