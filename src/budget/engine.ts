import type { Logger } from 'pino'
import type { AppIdentity } from '../apps.js'
import type { Priority } from '../config/settings.js'
import { shuttingDown, type GatewayError } from '../errors.js'
import { RequestAborted } from '../upstream/client.js'
import { estimateSlot } from './estimate.js'
import { FairQueues, type Waiter } from './queues.js'
import { RateLimitHeaders } from './ratelimit.js'
import { budgetRefusal, limitOf, limitSentence, type BudgetLimit, type RefusalFacts } from './refusal.js'
import type { AcquireRequest, BudgetEngineOptions, BudgetStatus } from './engine-types.js'
import type { BudgetSnapshot, BudgetStore, TakeResult } from './store.js'

export type { BudgetLimit } from './refusal.js'

export type { AcquireRequest, BudgetEngineOptions, BudgetStatus } from './engine-types.js'

const RANK: Record<Priority, number> = { interactive: 0, batch: 1 }
/** How old the figures in RateLimit headers may be, ms (a Redis round trip at most this often). */
const FRESH_MS = 1000

/**
 * Owns the budget: every upstream attempt takes a slot of the rolling window first. Requests that
 * may wait queue per app (see FairQueues); one that cannot be served before its deadline, by the
 * whole budget or by its own app's quota, is refused at once, with a Retry-After true to the ledger
 * and the limit that applied.
 */
export class BudgetEngine {
  readonly limit: number
  readonly windowMs: number
  readonly store: BudgetStore
  /** The window the ledger keeps a slot for: the window and the margin. */
  readonly #ledgerMs: number
  readonly #reserve: number
  readonly #defaultPauseMs: number
  readonly #maxPauseMs: number
  readonly #maxWaitMs: number
  readonly #starveMs: number
  readonly #now: () => number
  readonly #log: Logger
  readonly #onGrant: ((app: string, cost: number, at: number) => void) | undefined
  readonly #queues = new FairQueues()
  readonly #maxQueued: number
  readonly #rateLimit: RateLimitHeaders
  #seq = 0
  #timer: NodeJS.Timeout | undefined
  #pumping = false
  #last: BudgetSnapshot = { used: 0, oldest: undefined, pausedUntil: 0, byApp: {} }
  /** When #last was read whole from the store (-Infinity: never). */
  #lastAt = -Infinity
  #reading: Promise<void> | undefined
  #upstream429s = 0
  #refused = 0
  #closed = false

  constructor(options: BudgetEngineOptions) {
    this.store = options.store
    this.limit = options.limit
    this.windowMs = options.windowMs
    this.#ledgerMs = options.windowMs + (options.marginMs ?? 0)
    this.#reserve = Math.min(options.reserve, options.limit - 1)
    this.#defaultPauseMs = options.defaultPauseMs
    this.#maxPauseMs = options.maxPauseMs ?? options.windowMs
    this.#maxWaitMs = options.maxWaitMs ?? 300_000
    this.#starveMs = options.batchMaxStarveMs ?? 30_000
    this.#now = options.now ?? Date.now
    this.#log = options.logger
    this.#onGrant = options.onGrant
    this.#maxQueued = options.maxQueued ?? 1000
    this.#rateLimit = new RateLimitHeaders({ limit: this.limit, windowMs: this.windowMs, ledgerMs: this.#ledgerMs, reserve: this.#reserve })
  }

  /** Requests waiting in the queue now. */
  get queued(): number {
    return this.#queues.size
  }

  /**
   * Resolves once a slot is charged, with the ms the request spent queued for it (0: it did not
   * queue); throws HSG_BUDGET_EXHAUSTED / HSG_BUDGET_QUEUE_FULL (429) or RequestAborted.
   */
  async acquire(request: AcquireRequest): Promise<number> {
    const { app } = request
    const rank = RANK[app.priority]
    // A newcomer does not overtake its own app's waiters, nor other apps' waiters of the same or a
    // higher priority that wait for the shared budget; waiters held by their own quota are no reason to wait.
    const competing = this.#queues.competing(rank, app.name)
    const ticket = this.#queues.admit(app.name)
    let now: number
    let deadline: number
    try {
      if (this.#queues.queuedFor(app.name) === 0 && competing === 0) {
        const result = await this.#take(app, request.cost ?? 1)
        if (result.granted) return 0
        if (request.waitMs <= 0) throw this.#refuse(result.retryAt, this.#limitOf(result, request), app)
      }
      now = this.#now()
      deadline = now + Math.max(0, request.waitMs)
      const eta = await this.#estimate(app, request.cost ?? 1, competing, this.#queues.before(app.name, ticket))
      if (request.waitMs <= 0 || eta.at > deadline) throw this.#refuse(eta.at, eta.limit, app)
      // Each waiter holds an app's connection and its request; a flood of them must not pile up.
      if (this.#queues.size >= this.#maxQueued) throw this.#queueFull(eta.at)
    } finally {
      // In the same tick as the enqueue below: from here on the queue counts it.
      this.#queues.leave(app.name, ticket)
    }
    await this.#enqueue(request, rank, now, deadline)
    return Math.max(0, this.#now() - now)
  }

  /** Hubstaff said 429 anyway: nothing goes upstream until its Retry-After (capped) or the default pause. */
  async noteUpstream429(retryAfterMs: number | undefined): Promise<number> {
    this.#upstream429s++
    // A Retry-After of a year (a proxy's mistake, or a hostile answer) must not stop every app
    // that long: the window is what Hubstaff counts in, so a pause past it buys nothing.
    const asked = retryAfterMs !== undefined && retryAfterMs > 0 ? retryAfterMs : this.#defaultPauseMs
    const until = this.#now() + Math.min(asked, this.#maxPauseMs)
    await this.store.pause(until)
    this.#last = { ...this.#last, pausedUntil: Math.max(this.#last.pausedUntil, until) }
    this.#log.warn({ code: 'HSG_BUDGET_EXHAUSTED', pausedUntil: new Date(until).toISOString() }, 'Hubstaff answered 429: pausing upstream traffic')
    return until
  }

  /** The 429 an app gets instead of Hubstaff's, with the RateLimit headers and Retry-After. */
  refusal(retryAt: number, detail: string, limit?: BudgetLimit, app?: AppIdentity): GatewayError {
    return this.refusalAfter(retryAt - this.#now(), detail, limit, app)
  }

  /** The same, `waitMs` from now. */
  refusalAfter(waitMs: number, detail: string, limit?: BudgetLimit, app?: AppIdentity): GatewayError {
    this.#refused++
    return budgetRefusal('HSG_BUDGET_EXHAUSTED', detail, waitMs, this.#facts(app), limit, this.headers(app))
  }

  /** The most slots `app` can ever hold in one window: a request costing more never fits. */
  capacity(app: AppIdentity): number {
    const limit = app.priority === 'batch' ? this.limit - this.#reserve : this.limit
    const appLimit = this.#appLimit(app)
    return appLimit === undefined ? limit : Math.min(limit, appLimit)
  }

  /** Ms until `cost` slots would be free for `app` (behind the waiters ahead of it), as far as the ledger knows. */
  async freeIn(app: AppIdentity, cost: number): Promise<number> {
    const eta = await this.#estimate(app, cost, this.#queues.competing(RANK[app.priority], app.name), this.#queues.queuedFor(app.name))
    return Math.max(0, eta.at - this.#now())
  }

  /** `RateLimit-Policy` and `RateLimit` for `app` from the last state seen (no store round trip). */
  headers(app?: AppIdentity): Readonly<Record<string, string>> {
    return this.#rateLimit.make(this.#last, this.#now(), app)
  }

  /** The same, from figures at most a second old: with Redis, other instances move them too. */
  async currentHeaders(app?: AppIdentity): Promise<Readonly<Record<string, string>>> {
    if (this.#now() - this.#lastAt >= FRESH_MS) {
      try {
        await this.#read()
      } catch (err) {
        this.#log.warn({ err }, 'budget snapshot failed')
      }
    }
    return this.headers(app)
  }

  async status(): Promise<BudgetStatus> {
    const now = this.#now()
    await this.#read()
    const snap = this.#last
    const resetsIn = snap.oldest === undefined ? 0 : Math.max(0, Math.ceil((snap.oldest + this.#ledgerMs - now) / 1000))
    return {
      limit: this.limit,
      window: Math.round(this.windowMs / 1000),
      used: snap.used,
      remaining: this.#rateLimit.remaining(snap, now, undefined),
      resetsIn,
      reserve: this.#reserve,
      pausedUntil: snap.pausedUntil > now ? new Date(snap.pausedUntil).toISOString() : null,
      queued: this.#queues.size,
      refused: this.#refused,
      upstream429s: this.#upstream429s,
      store: this.store.kind,
      apps: snap.byApp,
    }
  }

  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
    for (const waiter of this.#queues.drain()) waiter.reject(shuttingDown())
  }

  /** One snapshot read at a time; callers in the meantime share it. */
  #read(): Promise<void> {
    this.#reading ??= (async () => {
      const at = this.#now()
      this.#last = await this.store.snapshot(at, this.#ledgerMs)
      this.#lastAt = at
    })().finally(() => {
      this.#reading = undefined
    })
    return this.#reading
  }

  #appLimit(app: AppIdentity): number | undefined {
    return app.quota === undefined ? undefined : Math.max(1, Math.floor(app.quota * this.limit))
  }

  #facts(app: AppIdentity | undefined): RefusalFacts {
    return {
      limit: this.limit,
      windowSeconds: Math.round(this.windowMs / 1000),
      reserve: this.#reserve,
      appLimit: app === undefined ? undefined : this.#appLimit(app),
      maxWaitMs: this.#maxWaitMs,
    }
  }

  #limitOf(result: TakeResult & { granted: false }, request: AcquireRequest): BudgetLimit {
    return limitOf(result.reason, request.app.priority === 'batch', result.used + (request.cost ?? 1) <= this.limit)
  }

  async #take(app: AppIdentity, cost: number): Promise<TakeResult> {
    const now = this.#now()
    const result = await this.store.take({
      now,
      windowMs: this.#ledgerMs,
      cost,
      limit: app.priority === 'batch' ? this.limit - this.#reserve : this.limit,
      app: app.name,
      appLimit: this.#appLimit(app),
    })
    const byApp = result.granted ? { ...this.#last.byApp, [app.name]: (this.#last.byApp[app.name] ?? 0) + cost } : this.#last.byApp
    this.#last = {
      ...this.#last,
      used: result.used,
      byApp,
      pausedUntil: !result.granted && result.reason === 'paused' ? result.retryAt : this.#last.pausedUntil,
    }
    if (now - this.#lastAt >= FRESH_MS / 5) void this.#read().catch((err: unknown) => this.#log.warn({ err }, 'budget snapshot failed'))
    if (result.granted) this.#onGrant?.(app.name, cost, now)
    return result
  }

  /**
   * When a request of `app` costing `cost` could be granted behind `ahead` waiters for the shared
   * budget and `own` of its app, across as many windows as that takes, and which limit decides it.
   */
  async #estimate(app: AppIdentity, cost: number, ahead: number, own: number): Promise<{ at: number; limit: BudgetLimit }> {
    const now = this.#now()
    await this.#read()
    return estimateSlot(this.store, this.#last, {
      now,
      ledgerMs: this.#ledgerMs,
      limit: this.limit,
      reserve: this.#reserve,
      app: app.name,
      batch: app.priority === 'batch',
      appLimit: this.#appLimit(app),
      cost,
      ahead,
      own,
    })
  }

  #queueFull(retryAt: number): GatewayError {
    this.#refused++
    const size = this.#queues.size
    return budgetRefusal(
      'HSG_BUDGET_QUEUE_FULL',
      `${size} requests already wait for budget, as many as the gateway queues (--budget-max-queue ${this.#maxQueued}).`,
      retryAt - this.#now(),
      this.#facts(undefined),
      undefined,
      this.headers(),
      { queued: size },
    )
  }

  #refuse(retryAt: number, limit: BudgetLimit, app?: AppIdentity): GatewayError {
    return this.refusal(retryAt, limitSentence(limit, this.#facts(app)), limit, app)
  }

  #enqueue(request: AcquireRequest, rank: number, queuedAt: number, deadline: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        app: request.app,
        rank,
        seq: this.#seq++,
        cost: request.cost ?? 1,
        queuedAt,
        deadline,
        signal: request.signal,
        resolve,
        reject,
        blocked: undefined,
        onAbort: () => {
          // A client that left is taken out of the queue and is never charged.
          this.#remove(waiter)
          reject(new RequestAborted())
        },
      }
      // The client may have left, or the gateway begun closing, while the ledger was being asked.
      if (request.signal?.aborted === true) {
        reject(new RequestAborted())
        return
      }
      if (this.#closed) {
        reject(shuttingDown())
        return
      }
      request.signal?.addEventListener('abort', waiter.onAbort, { once: true })
      this.#queues.add(waiter)
      this.#arm(this.#now())
    })
  }

  #remove(waiter: Waiter): void {
    this.#queues.remove(waiter)
    waiter.signal?.removeEventListener('abort', waiter.onAbort)
  }

  #arm(at: number): void {
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => void this.#pump(), Math.max(0, at - this.#now()))
  }

  /**
   * Offers free slots to the heads of the app queues in their fair order; one pump at a time. A head
   * held by its app's quota does not stop the others; one held by the shared budget stops the heads
   * of its priority and below (they would not fit either, and must not overtake it).
   */
  async #pump(): Promise<void> {
    if (this.#pumping) return
    this.#pumping = true
    try {
      let next = Infinity
      for (let granted = true; granted && this.#queues.size > 0; ) {
        granted = false
        next = Infinity
        const now = this.#now()
        this.#expire(now)
        let stopRank = Infinity
        for (const head of this.#queues.heads(now, this.#starveMs)) {
          if (head.rank >= stopRank) continue
          const result = await this.#take(head.app, head.cost)
          if (result.granted) {
            this.#remove(head)
            this.#queues.served(head.app.name)
            head.resolve()
            granted = true
            break
          }
          head.blocked = { limit: limitOf(result.reason, head.rank > 0, result.used + head.cost <= this.limit), retryAt: result.retryAt }
          next = Math.min(next, result.retryAt, head.deadline + 1)
          if (result.reason === 'paused') break
          if (result.reason === 'window') stopRank = Math.min(stopRank, head.rank)
        }
      }
      // Poll at least every second: in Redis mode other instances move the window too.
      if (this.#queues.size > 0) this.#arm(Math.min(next, this.#now() + 1000))
    } catch (err) {
      this.#log.error({ err }, 'budget queue failed')
      for (const waiter of this.#queues.drain()) waiter.reject(err)
    } finally {
      this.#pumping = false
    }
  }

  /** Waiters whose `Prefer: wait` ran out get the 429 of the limit that held them. */
  #expire(now: number): void {
    for (const waiter of this.#queues.all()) {
      if (now <= waiter.deadline) continue
      this.#remove(waiter)
      const limit = waiter.blocked?.limit ?? 'budget'
      waiter.reject(
        this.refusal(
          Math.max(now + 1000, waiter.blocked?.retryAt ?? 0),
          `The wait asked with "Prefer: wait" ran out before a slot freed up. ${limitSentence(limit, this.#facts(waiter.app))}`,
          limit,
          waiter.app,
        ),
      )
    }
  }
}
