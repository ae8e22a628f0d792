import type { AppIdentity } from '../apps.js'
import type { BudgetLimit } from './refusal.js'

/** One request waiting for a slot. */
export interface Waiter {
  readonly app: AppIdentity
  /** 0 interactive, 1 batch. */
  readonly rank: number
  readonly seq: number
  readonly cost: number
  readonly queuedAt: number
  readonly deadline: number
  readonly signal: AbortSignal | undefined
  readonly resolve: () => void
  readonly reject: (err: unknown) => void
  readonly onAbort: () => void
  /** Why its last take was refused, and when the ledger said it could go. */
  blocked: { readonly limit: BudgetLimit; readonly retryAt: number } | undefined
}

/**
 * The waiting requests, one queue per app. Within an app, arrival order. Across apps, the heads
 * are offered a free slot interactive before batch, and among equals the app served longest ago
 * first, so one app's backlog (or its spent quota) never holds back another app. A batch head that
 * has waited `starveMs` is offered first: interactive traffic can delay batch work, not starve it.
 */
export class FairQueues {
  readonly #byApp = new Map<string, Waiter[]>()
  /**
   * Requests still deciding whether to queue (their ledger reads are in flight), per app in
   * arrival order: a burst arriving in one tick must count those before it, or each would
   * estimate as if it were first in line.
   */
  readonly #admitting = new Map<string, object[]>()
  /** When each app was last served, as a counter: least recently served goes first. */
  readonly #servedAt = new Map<string, number>()
  #size = 0
  #tick = 0

  get size(): number {
    return this.#size
  }

  add(waiter: Waiter): void {
    const queue = this.#byApp.get(waiter.app.name)
    if (queue === undefined) this.#byApp.set(waiter.app.name, [waiter])
    else queue.push(waiter)
    this.#size++
  }

  remove(waiter: Waiter): boolean {
    const queue = this.#byApp.get(waiter.app.name)
    const i = queue?.indexOf(waiter) ?? -1
    if (queue === undefined || i === -1) return false
    queue.splice(i, 1)
    if (queue.length === 0) this.#byApp.delete(waiter.app.name)
    this.#size--
    return true
  }

  /** Marks `app` as just served (its next head goes behind the other apps' heads of its class). */
  served(app: string): void {
    this.#servedAt.set(app, ++this.#tick)
    if (this.#servedAt.size > 4 * (this.#byApp.size + 16)) {
      for (const name of this.#servedAt.keys()) if (!this.#byApp.has(name)) this.#servedAt.delete(name)
    }
  }

  queuedFor(app: string): number {
    return this.#byApp.get(app)?.length ?? 0
  }

  /** A request of `app` starts deciding; `leave` it once it queued, was served or was refused. */
  admit(app: string): object {
    const ticket = {}
    const list = this.#admitting.get(app)
    if (list === undefined) this.#admitting.set(app, [ticket])
    else list.push(ticket)
    return ticket
  }

  leave(app: string, ticket: object): void {
    const list = this.#admitting.get(app)
    const i = list?.indexOf(ticket) ?? -1
    if (list === undefined || i === -1) return
    list.splice(i, 1)
    if (list.length === 0) this.#admitting.delete(app)
  }

  /** Requests of `app` in line before `ticket`: its queue, and those still deciding that came first. */
  before(app: string, ticket: object): number {
    return this.queuedFor(app) + Math.max(0, this.#admitting.get(app)?.indexOf(ticket) ?? 0)
  }

  /**
   * Waiters of other apps a newcomer of `rank` from `app` must not overtake: those of the same or
   * a higher priority that wait for the shared budget, not for their own app's quota.
   */
  competing(rank: number, app: string): number {
    let n = 0
    for (const [name, queue] of this.#byApp) {
      if (name === app) continue
      for (const w of queue) if (w.rank <= rank && w.blocked?.limit !== 'app-quota') n++
    }
    return n
  }

  /** Each app's first waiter, in the order they are offered a free slot. */
  heads(now: number, starveMs: number): Waiter[] {
    const heads: Waiter[] = []
    for (const queue of this.#byApp.values()) if (queue[0] !== undefined) heads.push(queue[0])
    const klass = (w: Waiter) => (w.rank > 0 && now - w.queuedAt >= starveMs ? -1 : w.rank)
    return heads.sort((a, b) => klass(a) - klass(b) || (this.#servedAt.get(a.app.name) ?? 0) - (this.#servedAt.get(b.app.name) ?? 0) || a.seq - b.seq)
  }

  all(): Waiter[] {
    return [...this.#byApp.values()].flat()
  }

  drain(): Waiter[] {
    const all = this.all()
    this.#byApp.clear()
    this.#size = 0
    return all
  }
}
