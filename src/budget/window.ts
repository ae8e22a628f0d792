import type { BudgetSnapshot, DenyReason, TakeRequest, TakeResult } from './store.js'

/**
 * Stamps of granted requests, oldest first, in one process's memory. Pure bookkeeping: the stores
 * decide where it is persisted.
 */
export class RollingWindow {
  #stamps: number[] = []
  #apps: (string | undefined)[] = []
  #head = 0
  #pausedUntil = 0

  get pausedUntil(): number {
    return this.#pausedUntil
  }

  pause(until: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, until)
  }

  /** Drops stamps that left the window. */
  prune(now: number, windowMs: number): void {
    const cutoff = now - windowMs
    let head = this.#head
    while (head < this.#stamps.length && (this.#stamps[head] ?? Infinity) <= cutoff) head++
    this.#head = head
    // Compact once the dead prefix dominates, so memory stays proportional to the window.
    if (head > 1024 && head * 2 > this.#stamps.length) {
      this.#stamps = this.#stamps.slice(head)
      this.#apps = this.#apps.slice(head)
      this.#head = 0
    }
  }

  get used(): number {
    return this.#stamps.length - this.#head
  }

  /** Adds a stamp; stamps from a clock that stepped back are kept in order. */
  add(stamp: number, app?: string): void {
    let i = this.#stamps.length
    while (i > this.#head && (this.#stamps[i - 1] ?? 0) > stamp) i--
    this.#stamps.splice(i, 0, stamp)
    this.#apps.splice(i, 0, app)
  }

  /** The stamps in the window, oldest first (with their apps). */
  entries(): { stamp: number; app: string | undefined }[] {
    const out: { stamp: number; app: string | undefined }[] = []
    for (let i = this.#head; i < this.#stamps.length; i++) out.push({ stamp: this.#stamps[i] ?? 0, app: this.#apps[i] })
    return out
  }

  /** The atomic check-and-charge every local store shares. */
  take(request: TakeRequest): TakeResult {
    const { now, windowMs, cost, limit, app, appLimit } = request
    this.prune(now, windowMs)
    const used = this.used
    const deny = (reason: DenyReason, retryAt: number): TakeResult => ({ granted: false, used, retryAt, reason })
    if (this.#pausedUntil > now) return deny('paused', this.#pausedUntil)
    if (used + cost > limit) return deny('window', this.#freeAt(used + cost - limit, windowMs, undefined) ?? now + windowMs)
    if (app !== undefined && appLimit !== undefined) {
      const appUsed = this.#countApp(app)
      if (appUsed + cost > appLimit) return deny('app-quota', this.#freeAt(appUsed + cost - appLimit, windowMs, app) ?? now + windowMs)
    }
    for (let i = 0; i < cost; i++) this.add(now, app)
    return { granted: true, used: used + cost }
  }

  freeTimes(now: number, windowMs: number, count: number, app?: string): number[] {
    this.prune(now, windowMs)
    const out: number[] = []
    for (let i = this.#head; i < this.#stamps.length && out.length < count; i++) {
      if (app === undefined || this.#apps[i] === app) out.push((this.#stamps[i] ?? 0) + windowMs)
    }
    return out
  }

  snapshot(now: number, windowMs: number): BudgetSnapshot {
    this.prune(now, windowMs)
    const byApp: Record<string, number> = {}
    for (let i = this.#head; i < this.#apps.length; i++) {
      const app = this.#apps[i]
      if (app !== undefined) byApp[app] = (byApp[app] ?? 0) + 1
    }
    return { used: this.used, oldest: this.#stamps[this.#head], pausedUntil: this.#pausedUntil > now ? this.#pausedUntil : 0, byApp }
  }

  #countApp(app: string): number {
    let n = 0
    for (let i = this.#head; i < this.#apps.length; i++) if (this.#apps[i] === app) n++
    return n
  }

  /** When the n-th oldest stamp (of the app, or of all) leaves the window. */
  #freeAt(n: number, windowMs: number, app: string | undefined): number | undefined {
    let seen = 0
    for (let i = this.#head; i < this.#stamps.length; i++) {
      if (app !== undefined && this.#apps[i] !== app) continue
      if (++seen === n) return (this.#stamps[i] ?? 0) + windowMs
    }
    return undefined
  }
}
