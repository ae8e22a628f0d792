import type { AppIdentity } from '../apps.js'
import { policyName } from './refusal.js'
import type { BudgetSnapshot } from './store.js'

export interface RateLimitFigures {
  readonly limit: number
  readonly windowMs: number
  /** The window a slot is kept for (the window and the margin), ms. */
  readonly ledgerMs: number
  readonly reserve: number
}

/**
 * `RateLimit-Policy` and `RateLimit` (IETF httpapi draft) for one app from a ledger snapshot. `r`
 * is what this instance may still grant that app: its priority's limit (batch apps stop at the
 * reserve), its quota, and while Redis is away this instance's share, never the whole budget.
 */
export class RateLimitHeaders {
  readonly #figures: RateLimitFigures
  readonly #name: string
  readonly #policy: string
  /** Every answer (cache hits too) carries them: the strings are made again only when a figure changed. */
  readonly #made = new Map<string, Readonly<Record<string, string>>>()

  constructor(figures: RateLimitFigures) {
    this.#figures = figures
    const windowSeconds = Math.round(figures.windowMs / 1000)
    this.#name = policyName(windowSeconds)
    this.#policy = `"${this.#name}";q=${figures.limit};w=${windowSeconds}`
  }

  /** What `app` may still be granted in the window, as far as `snap` knows. */
  remaining(snap: BudgetSnapshot, now: number, app: AppIdentity | undefined): number {
    if (snap.pausedUntil > now) return 0
    const { limit, reserve } = this.#figures
    const share = Math.max(1, snap.share ?? 1)
    const ceiling = app?.priority === 'batch' ? limit - reserve : limit
    let left = Math.floor(ceiling / share) - snap.used
    if (app?.quota !== undefined) left = Math.min(left, Math.floor(Math.max(1, Math.floor(app.quota * limit)) / share) - (snap.byApp[app.name] ?? 0))
    return Math.max(0, left)
  }

  make(snap: BudgetSnapshot, now: number, app: AppIdentity | undefined): Readonly<Record<string, string>> {
    const remaining = this.remaining(snap, now, app)
    const nextFree = snap.pausedUntil > now ? snap.pausedUntil : snap.oldest === undefined ? now : snap.oldest + this.#figures.ledgerMs
    const t = Math.max(0, Math.ceil((nextFree - now) / 1000))
    const key = `${remaining};${t}`
    const made = this.#made.get(key)
    if (made !== undefined) return made
    if (this.#made.size > 64) this.#made.clear()
    const headers = Object.freeze({ 'ratelimit-policy': this.#policy, ratelimit: `"${this.#name}";r=${remaining};t=${t}` })
    this.#made.set(key, headers)
    return headers
  }
}
