// Two gateways on one Redis (one key prefix) are one budget: hammered at once, from two
// connections, as the window rolls, they never grant more than the limit together. The Lua take
// script is what makes this hold; a read-then-write take would overshoot here.
import t from 'tap'
import { RedisBudgetStore } from '../src/budget/redis-store.js'
import type { TakeResult } from '../src/budget/store.js'
import { whenReady } from '../src/redis-client.js'
import { T0 } from './budget-store-conformance.js'
import { REDIS_AVAILABLE, REDIS_SKIP, startRedis, uniquePrefix } from './helpers/redis-server.js'

const LIMIT = 40
const WINDOW = 10_000

if (!REDIS_AVAILABLE) {
  t.plan(0, REDIS_SKIP)
} else {
  const server = await startRedis(t)

  void t.test('two instances hammered concurrently stay within one budget', async (t) => {
    const prefix = uniquePrefix('two-instances')
    const stores = [0, 1].map(() => new RedisBudgetStore({ redis: server.url, prefix }))
    t.teardown(() => Promise.all(stores.map((s) => s.close())))
    for (const s of stores) t.ok(await whenReady(s.client, 5000), 'connected')

    const grants: { at: number; cost: number; store: number }[] = []
    // 16 rounds a quarter window apart: each round both instances fire 60 takes at once, costs
    // 1 to 3, a third of them for an app with a quota.
    for (let round = 0; round < 16; round++) {
      const now = T0 + round * (WINDOW / 4)
      const fire = async (store: number, i: number): Promise<void> => {
        const cost = 1 + ((i + round) % 3)
        const result: TakeResult = await stores[store]!.take({ now, windowMs: WINDOW, cost, limit: LIMIT, ...(i % 3 === 0 ? { app: 'bot', appLimit: 15 } : {}) })
        if (result.granted) grants.push({ at: now, cost, store })
      }
      // Interleaved, and the other instance first every other round, so both race for real.
      const first = round % 2
      await Promise.all(Array.from({ length: 60 }, (_, i) => [fire(first, i), fire(1 - first, i)]).flat())
    }

    let worst = 0
    for (const g of grants) {
      const inWindow = grants.filter((o) => o.at > g.at - WINDOW && o.at <= g.at).reduce((n, o) => n + o.cost, 0)
      worst = Math.max(worst, inWindow)
    }
    t.ok(worst <= LIMIT, `never more than ${LIMIT} slots in any window (at most ${worst})`)
    t.ok(worst >= LIMIT - 2, `and the budget was used, not starved (${worst})`)
    t.ok(grants.some((g) => g.store === 0) && grants.some((g) => g.store === 1), 'both instances were granted slots')
    const snapshot = await stores[0]!.snapshot(T0 + 15 * (WINDOW / 4), WINDOW)
    const last = T0 + 15 * (WINDOW / 4)
    t.equal(snapshot.used, grants.filter((g) => g.at > last - WINDOW).reduce((n, g) => n + g.cost, 0), 'Redis holds exactly the slots granted')
    t.ok((snapshot.byApp.bot ?? 0) <= 15, 'the app quota held across both instances too')
  })
}
