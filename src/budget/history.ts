/**
 * Budget use per minute over the last day, per app: what `GET /_gateway/budget/history` answers
 * and the dashboard plots. It counts the slots this instance granted (with Redis, the other
 * instances' grants are in the shared `used` of the status, not here).
 */

import type { BudgetStore } from './store.js'

const MINUTE = 60_000

export interface BudgetHistorySeries {
  /** Epoch ms of the first minute shown. */
  readonly from: number
  /** Seconds per point. */
  readonly step: 60
  /** Start of each minute, epoch ms, oldest first. */
  readonly minutes: number[]
  /** Slots granted in each minute, all apps together. */
  readonly total: number[]
  /** The same per app (team mode: app names; otherwise `default`). */
  readonly apps: Record<string, number[]>
}

export class BudgetHistory {
  readonly keepMinutes: number
  /** Which minute (epoch ms / 60000) each ring slot holds; another minute there means zero. */
  readonly #stamp: Float64Array
  readonly #byApp = new Map<string, Uint32Array>()

  constructor(keepMinutes = 24 * 60) {
    this.keepMinutes = keepMinutes
    this.#stamp = new Float64Array(keepMinutes).fill(-1)
  }

  /** A grant of `cost` slots to `app` at `at` (epoch ms). */
  record(app: string, cost: number, at: number): void {
    const minute = Math.floor(at / MINUTE)
    const i = minute % this.keepMinutes
    if (this.#stamp[i] !== minute) {
      this.#stamp[i] = minute
      for (const counts of this.#byApp.values()) counts[i] = 0
    }
    let counts = this.#byApp.get(app)
    if (counts === undefined) {
      counts = new Uint32Array(this.keepMinutes)
      this.#byApp.set(app, counts)
    }
    counts[i] = (counts[i] ?? 0) + cost
  }

  /** The last `minutes` minutes up to and including the one `now` is in. */
  series(now: number, minutes: number): BudgetHistorySeries {
    const span = Math.max(1, Math.min(this.keepMinutes, Math.floor(minutes)))
    const last = Math.floor(now / MINUTE)
    const first = last - span + 1
    const starts: number[] = []
    const total: number[] = new Array<number>(span).fill(0)
    const apps: Record<string, number[]> = {}
    for (let m = first; m <= last; m++) starts.push(m * MINUTE)
    for (const [app, counts] of [...this.#byApp].sort(([a], [b]) => a.localeCompare(b))) {
      const values: number[] = []
      let any = false
      for (let m = first, k = 0; m <= last; m++, k++) {
        const i = ((m % this.keepMinutes) + this.keepMinutes) % this.keepMinutes
        const value = this.#stamp[i] === m ? (counts[i] ?? 0) : 0
        values.push(value)
        total[k] = (total[k] ?? 0) + value
        if (value > 0) any = true
      }
      if (any) apps[app] = values
    }
    return { from: first * MINUTE, step: 60, minutes: starts, total, apps }
  }
}

/** Where the grants made before this process started are shown: the ledger keeps their times, not their apps. */
export const EARLIER = 'before restart'

/**
 * After a restart the ledger still holds the window's grants; the history shows them (as
 * `EARLIER`) so that it adds up to the budget used. Only for this instance's own ledger: with
 * Redis the shared window also holds the other instances' grants.
 */
export async function seedHistory(history: BudgetHistory, store: BudgetStore, now: number, windowMs: number): Promise<void> {
  if (store.kind !== 'file' && store.kind !== 'memory') return
  try {
    const { used } = await store.snapshot(now, windowMs)
    if (used === 0) return
    for (const frees of await store.freeTimes(now, windowMs, used)) history.record(EARLIER, 1, frees - windowMs)
  } catch {
    // The history is for looking at; a ledger that cannot be read now is the engine's business.
  }
}
