import type { BudgetLimit } from './refusal.js'
import type { BudgetSnapshot, BudgetStore } from './store.js'

/**
 * When the `need`-th grant from now can happen, across as many windows as it takes. Each slot of
 * the window frees at its stamp plus the window, and a slot granted then frees one window later
 * again: a queue longer than one window's worth is served in several rounds, and its estimate
 * says so instead of assuming everything frees within one window.
 *
 * @param freeTimes when each stamp now in the window leaves it, oldest first (all of them)
 * @param limit how many stamps the window may hold
 * @param need grants wanted, the one asked about last (the waiters ahead of it, plus its cost)
 */
export function nthGrantAt(freeTimes: readonly number[], limit: number, need: number, windowMs: number, now: number): number {
  if (limit <= 0) return Infinity
  const frees = [...freeTimes]
  let head = 0
  let held = frees.length
  let at = now
  for (let k = 0; k < need; k++) {
    // A full window: the grant waits for the earliest slot to leave it.
    while (held >= limit) {
      const next = frees[head++]
      if (next === undefined) return Infinity
      at = Math.max(at, next)
      held--
    }
    held++
    // Granted at `at`, its slot frees a window later: never earlier than what is queued, so the
    // list stays in order.
    frees.push(at + windowMs)
  }
  return at
}

export interface SlotQuestion {
  readonly now: number
  readonly ledgerMs: number
  readonly limit: number
  readonly reserve: number
  readonly app: string
  readonly batch: boolean
  readonly appLimit: number | undefined
  readonly cost: number
  /** Waiters of other apps that go first for the shared budget. */
  readonly ahead: number
  /** Waiters of the same app (they go first for its quota too). */
  readonly own: number
}

/**
 * When a request could be granted, by the whole ledger (not only the oldest stamps of one
 * window), and which limit decides it: the budget (the reserve for a batch app that the whole
 * budget would still serve), the app's quota, or an upstream pause. While the store grants on its
 * own share (Redis away), the limits are that share's.
 */
export async function estimateSlot(store: BudgetStore, snap: BudgetSnapshot, q: SlotQuestion): Promise<{ at: number; limit: BudgetLimit }> {
  const share = Math.max(1, snap.share ?? 1)
  const limit = Math.floor((q.batch ? q.limit - q.reserve : q.limit) / share)
  const need = q.ahead + q.own + q.cost
  let at = q.now
  let which: BudgetLimit = 'budget'
  if (snap.used + need > limit) {
    const frees = await store.freeTimes(q.now, q.ledgerMs, snap.used)
    at = nthGrantAt(frees, limit, need, q.ledgerMs, q.now)
    which = q.batch && snap.used + need <= Math.floor(q.limit / share) ? 'reserve' : 'budget'
  }
  const appUsed = snap.byApp[q.app] ?? 0
  if (q.appLimit !== undefined && appUsed + q.own + q.cost > Math.floor(q.appLimit / share)) {
    const frees = await store.freeTimes(q.now, q.ledgerMs, appUsed, q.app)
    const appAt = nthGrantAt(frees, Math.floor(q.appLimit / share), q.own + q.cost, q.ledgerMs, q.now)
    if (appAt >= at) {
      at = appAt
      which = 'app-quota'
    }
  }
  if (snap.pausedUntil > at) return { at: snap.pausedUntil, limit: 'upstream-pause' }
  return { at, limit: which }
}
