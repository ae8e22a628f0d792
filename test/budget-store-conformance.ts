// One set of tests for every BudgetStore (memory, file, Redis): RollingWindow's semantics are the
// contract, deny reasons and retryAt included, so the engine behaves the same whichever store
// holds the window. Not a test file by itself: the budget-store-conformance-*.test.ts files run it.
import type { Test } from 'tap'
import type { BudgetStore, TakeRequest } from '../src/budget/store.js'

export const T0 = 1_700_000_000_000
export const WINDOW = 10_000

export interface StoreContext {
  readonly windowMs: number
  /** The fake clock the tests move (stores that need a clock of their own get this one). */
  readonly now: () => number
}

/** A fresh, empty store per test; the suite closes it. */
export type MakeStore = (context: StoreContext) => Promise<BudgetStore>

export function budgetStoreConformance(t: Test, name: string, makeStore: MakeStore): void {
  /** A store with a clock of its own, closed at the test's end. */
  const fresh = async (t: Test) => {
    const clock = { t: T0 }
    const store = await makeStore({ windowMs: WINDOW, now: () => clock.t })
    t.teardown(() => store.close())
    const take = (now: number, limit: number, extra: Partial<TakeRequest> = {}) => store.take({ now, windowMs: WINDOW, cost: 1, limit, ...extra })
    return { store, clock, take }
  }

  void t.test(`${name}: grants up to the limit, then denies until the oldest stamp leaves`, async (t) => {
    const { take } = await fresh(t)
    for (let i = 0; i < 3; i++) t.same(await take(T0 + i * 100, 3), { granted: true, used: i + 1 }, `take ${i + 1} granted`)
    t.same(await take(T0 + 500, 3), { granted: false, used: 3, retryAt: T0 + WINDOW, reason: 'window' }, 'the fourth waits for the oldest stamp')
    t.same(await take(T0 + 600, 3), { granted: false, used: 3, retryAt: T0 + WINDOW, reason: 'window' }, 'a denied take charges nothing')
  })

  void t.test(`${name}: the window rolls: slots free one by one as stamps age out`, async (t) => {
    const { take, store } = await fresh(t)
    for (const at of [0, 1000, 2000]) t.equal((await take(T0 + at, 3)).granted, true)
    t.match(await take(T0 + WINDOW - 1, 3), { granted: false, retryAt: T0 + WINDOW }, 'one ms before the oldest leaves: still full')
    t.same(await take(T0 + WINDOW, 3), { granted: true, used: 3 }, 'a stamp leaves exactly one window after it was made')
    t.match(await take(T0 + WINDOW + 500, 3), { granted: false, used: 3, retryAt: T0 + 1000 + WINDOW }, 'next to leave is the second stamp')
    t.same(await take(T0 + WINDOW + 1000, 3), { granted: true, used: 3 })
    t.same(await take(T0 + WINDOW + 2000, 3), { granted: true, used: 3 })
    t.equal((await store.snapshot(T0 + 3 * WINDOW, WINDOW)).used, 0, 'all gone after long enough')
    t.same(await take(T0 + 3 * WINDOW, 3), { granted: true, used: 1 })
  })

  void t.test(`${name}: a request may cost more than one slot`, async (t) => {
    const { take, store } = await fresh(t)
    t.same(await take(T0, 5, { cost: 3 }), { granted: true, used: 3 })
    t.same(await take(T0 + 100, 5, { cost: 3 }), { granted: false, used: 3, retryAt: T0 + WINDOW, reason: 'window' }, 'needs one of the three to leave')
    t.same(await take(T0 + 200, 5, { cost: 2 }), { granted: true, used: 5 }, 'a smaller one still fits')
    t.same(
      await take(T0 + 300, 5, { cost: 5 }),
      { granted: false, used: 5, retryAt: T0 + 200 + WINDOW, reason: 'window' },
      'needs all five gone: the fifth oldest stamp decides',
    )
    t.same(await take(T0 + 300, 5, { cost: 6 }), { granted: false, used: 5, retryAt: T0 + 300 + WINDOW, reason: 'window' }, 'more than the limit: a whole window')
    t.same(await store.freeTimes(T0 + 300, WINDOW, 10), [T0, T0, T0, T0 + 200, T0 + 200].map((s) => s + WINDOW), 'one stamp per slot')
  })

  void t.test(`${name}: app quotas deny with the app's own oldest stamp`, async (t) => {
    const { take, store } = await fresh(t)
    const a = { app: 'dashboard', appLimit: 2 }
    t.same(await take(T0, 10, { app: 'bot' }), { granted: true, used: 1 }, 'another app first')
    t.same(await take(T0 + 100, 10, a), { granted: true, used: 2 })
    t.same(await take(T0 + 200, 10, a), { granted: true, used: 3 })
    t.same(await take(T0 + 300, 10, a), { granted: false, used: 3, retryAt: T0 + 100 + WINDOW, reason: 'app-quota' }, "the app's oldest, not the window's")
    t.same(await take(T0 + 300, 10, { app: 'bot', appLimit: 5 }), { granted: true, used: 4 }, 'other apps are not held back')
    t.same(await take(T0 + 300, 10, { app: 'dashboard' }), { granted: true, used: 5 }, 'without a quota the app is only held to the window')
    t.same(await take(T0 + 400, 10, { ...a, cost: 2, appLimit: 3 }), { granted: false, used: 5, retryAt: T0 + 200 + WINDOW, reason: 'app-quota' }, 'cost 2 over a quota of 3 needs two of its stamps gone')
    t.same(await take(T0 + 400, 5, a), { granted: false, used: 5, retryAt: T0 + WINDOW, reason: 'window' }, 'the window is checked before the quota')
    t.match(await take(T0 + 100 + WINDOW, 10, a), { granted: false, reason: 'app-quota', retryAt: T0 + 200 + WINDOW }, 'its oldest left, but a quota of 2 still holds two')
    t.same(await take(T0 + 200 + WINDOW, 10, a), { granted: true, used: 3 }, 'granted once its two oldest have left')
    t.same((await store.snapshot(T0 + 200 + WINDOW, WINDOW)).byApp, { bot: 1, dashboard: 2 })
  })

  void t.test(`${name}: a pause stops every grant until it ends; the later pause wins`, async (t) => {
    const { take, store } = await fresh(t)
    t.equal((await take(T0, 10)).granted, true)
    await store.pause(T0 + 5000)
    await store.pause(T0 + 3000)
    t.same(await take(T0 + 100, 10), { granted: false, used: 1, retryAt: T0 + 5000, reason: 'paused' }, 'an earlier pause does not shorten it')
    t.same(await take(T0 + 100, 10, { app: 'bot', appLimit: 5 }), { granted: false, used: 1, retryAt: T0 + 5000, reason: 'paused' }, 'every app waits')
    t.equal((await store.snapshot(T0 + 100, WINDOW)).pausedUntil, T0 + 5000)
    t.same(await take(T0 + 4999, 10), { granted: false, used: 1, retryAt: T0 + 5000, reason: 'paused' })
    t.same(await take(T0 + 5000, 10), { granted: true, used: 2 }, 'over at the instant it ends')
    t.equal((await store.snapshot(T0 + 5000, WINDOW)).pausedUntil, 0, 'a pause in the past reads as none')
    await store.pause(T0 + 7000)
    t.equal((await store.snapshot(T0 + 5001, WINDOW)).pausedUntil, T0 + 7000, 'a later pause extends it')
    t.match(await take(T0 + 5001, 1), { granted: false, reason: 'paused' }, 'the pause is checked before the window')
  })

  void t.test(`${name}: freeTimes lists when slots free, earliest first`, async (t) => {
    const { take, store } = await fresh(t)
    t.same(await store.freeTimes(T0, WINDOW, 3), [], 'an empty window frees nothing')
    for (const at of [500, 100, 900, 300]) t.equal((await take(T0 + at, 10)).granted, true, `stamp at +${at} (the clock may step back)`)
    t.same(await store.freeTimes(T0 + 1000, WINDOW, 10), [100, 300, 500, 900].map((s) => T0 + s + WINDOW), 'fewer than asked: all of them, in order')
    t.same(await store.freeTimes(T0 + 1000, WINDOW, 2), [T0 + 100 + WINDOW, T0 + 300 + WINDOW], 'the first two')
    t.same(await store.freeTimes(T0 + 300 + WINDOW, WINDOW, 10), [T0 + 500 + WINDOW, T0 + 900 + WINDOW], 'stamps that left are not listed')
    t.same(await store.freeTimes(T0 + 1000, WINDOW, 0), [], 'none asked, none given')
  })

  void t.test(`${name}: snapshot counts the window and each app`, async (t) => {
    const { take, store } = await fresh(t)
    // `share` says the figures are this instance's own (a Redis store granting alone): the figures still conform.
    const figures = async (now: number) => {
      const { share, ...rest } = await store.snapshot(now, WINDOW)
      if (share !== undefined) t.ok(Number.isInteger(share) && share >= 1, `share ${share} is a whole number of instances`)
      return rest
    }
    t.same(await figures(T0), { used: 0, oldest: undefined, pausedUntil: 0, byApp: {} }, 'empty')
    await take(T0 + 10, 100)
    await take(T0 + 20, 100, { app: 'dashboard', cost: 2 })
    await take(T0 + 30, 100, { app: 'payroll export', appLimit: 10 })
    await take(T0 + 40, 100, { app: 'dashboard' })
    t.same(await figures(T0 + 50), { used: 5, oldest: T0 + 10, pausedUntil: 0, byApp: { dashboard: 3, 'payroll export': 1 } }, 'requests without an app count in used only')
    t.same(await figures(T0 + 25 + WINDOW), { used: 2, oldest: T0 + 30, pausedUntil: 0, byApp: { dashboard: 1, 'payroll export': 1 } }, 'after the first stamps left')
  })

  void t.test(`${name}: 200 concurrent takes with a limit of 50 grant exactly 50`, async (t) => {
    const { take, store } = await fresh(t)
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => take(T0 + (i % 7), 50, i % 3 === 0 ? { app: 'bot', appLimit: 50 } : {})))
    const granted = results.filter((r) => r.granted)
    t.equal(granted.length, 50, 'exactly the limit')
    t.same(granted.map((r) => r.used).sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i + 1), 'each grant saw a distinct count')
    t.ok(results.every((r) => r.granted || r.reason === 'window'), 'every refusal is the window')
    t.equal((await store.snapshot(T0 + 10, WINDOW)).used, 50)
  })
}
