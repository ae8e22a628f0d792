import type { Logger } from 'pino'
import type { AppIdentity } from '../apps.js'
import type { Priority } from '../config/settings.js'
import { GatewayError, shuttingDown } from '../errors.js'
import { RequestAborted } from '../upstream/client.js'
import type { BudgetSnapshot, BudgetStore, TakeResult } from './store.js'

export interface BudgetEngineOptions {
  readonly store: BudgetStore
  /** Upstream requests allowed per window. */
  readonly limit: number
  readonly windowMs: number
  /**
   * Kept on top of the window before a slot frees, ms: Hubstaff counts a request when it arrives,
   * the ledger when it leaves, and the time between varies (queues, event loop, network).
   */
  readonly marginMs?: number
  /** Slots of each window only interactive apps may use. */
  readonly reserve: number
  /** Pause after an upstream 429 without a usable Retry-After, ms. */
  readonly defaultPauseMs: number
  readonly now?: () => number
  readonly logger: Logger
  /** Told of every slot this engine grants (the budget history of the dashboard). */
  readonly onGrant?: (app: string, cost: number, at: number) => void
  /** Requests that may wait in the queue at once; the next one is refused at once. @default 1000 */
  readonly maxQueued?: number
}

export interface AcquireRequest {
  readonly app: AppIdentity
  /** Slots needed. @default 1 */
  readonly cost?: number
  /** How long the caller may queue for a slot, ms (0: answer 429 at once). */
  readonly waitMs: number
  readonly signal?: AbortSignal | undefined
}

/** What `GET /_gateway/status` and the metrics show of the budget. */
export interface BudgetStatus {
  readonly limit: number
  /** The window, seconds. */
  readonly window: number
  readonly used: number
  readonly remaining: number
  /** Seconds until the oldest slot of the window frees (0 when none is taken). */
  readonly resetsIn: number
  readonly reserve: number
  /** ISO time the pause after a Hubstaff 429 ends, or null. */
  readonly pausedUntil: string | null
  readonly queued: number
  readonly refused: number
  readonly upstream429s: number
  /** Which store holds the ledger. */
  readonly store: string
  /** Slots taken per app. */
  readonly apps: Readonly<Record<string, number>>
}

interface Waiter {
  readonly rank: number
  readonly seq: number
  readonly request: AcquireRequest
  readonly deadline: number
  readonly resolve: () => void
  readonly reject: (err: unknown) => void
  readonly onAbort: () => void
}

const RANK: Record<Priority, number> = { interactive: 0, batch: 1 }

/**
 * Owns the budget: every upstream attempt takes a slot of the rolling window first. A request that
 * may wait queues in arrival order within its priority (interactive before batch); one that cannot
 * be served before its deadline is refused at once, with a Retry-After true to the ledger.
 */
export class BudgetEngine {
  readonly limit: number
  readonly windowMs: number
  readonly store: BudgetStore
  /** The window the ledger keeps a slot for: the window and the margin. */
  readonly #ledgerMs: number
  readonly #reserve: number
  readonly #defaultPauseMs: number
  readonly #now: () => number
  readonly #log: Logger
  readonly #onGrant: ((app: string, cost: number, at: number) => void) | undefined
  readonly #queue: Waiter[] = []
  readonly #maxQueued: number
  #seq = 0
  #timer: NodeJS.Timeout | undefined
  #pumping = false
  #last: BudgetSnapshot = { used: 0, oldest: undefined, pausedUntil: 0, byApp: {} }
  readonly #policyHeader: string
  /** The last RateLimit headers made, with the figures they say. */
  #headers: { readonly remaining: number; readonly t: number; readonly headers: Readonly<Record<string, string>> } | undefined
  #upstream429s = 0
  #refused = 0
  #refreshedAt = -Infinity
  #closed = false

  constructor(options: BudgetEngineOptions) {
    this.store = options.store
    this.limit = options.limit
    this.windowMs = options.windowMs
    this.#ledgerMs = options.windowMs + (options.marginMs ?? 0)
    this.#policyHeader = `"hourly";q=${this.limit};w=${Math.round(this.windowMs / 1000)}`
    this.#reserve = Math.min(options.reserve, options.limit - 1)
    this.#defaultPauseMs = options.defaultPauseMs
    this.#now = options.now ?? Date.now
    this.#log = options.logger
    this.#onGrant = options.onGrant
    this.#maxQueued = options.maxQueued ?? 1000
  }

  /** Requests waiting in the queue now. */
  get queued(): number {
    return this.#queue.length
  }

  /**
   * Resolves once a slot is charged, with the ms the request spent queued for it (0: it did not
   * queue); throws HSG_BUDGET_EXHAUSTED (429) or RequestAborted.
   */
  async acquire(request: AcquireRequest): Promise<number> {
    const rank = RANK[request.app.priority]
    // Waiters of the same or a higher priority came first: a newcomer does not overtake them.
    const ahead = this.#queue.filter((w) => w.rank <= rank).length
    if (ahead === 0) {
      const result = await this.#take(request)
      if (result.granted) return 0
      if (request.waitMs <= 0) throw this.#refuse(result.retryAt, result.reason)
    } else if (request.waitMs <= 0) {
      throw this.#refuse(await this.#slotAt(ahead, request), 'window')
    }
    const deadline = this.#now() + request.waitMs
    const eta = await this.#slotAt(ahead, request)
    if (eta > deadline) throw this.#refuse(eta, 'window')
    // Each waiter holds an app's connection and its request; a flood of them must not pile up.
    if (this.#queue.length >= this.#maxQueued) throw this.#queueFull(eta)
    const queuedAt = this.#now()
    await this.#enqueue(request, rank, deadline)
    return Math.max(0, this.#now() - queuedAt)
  }

  /** Hubstaff said 429 anyway: nothing goes upstream until its Retry-After (or the default pause). */
  async noteUpstream429(retryAfterMs: number | undefined): Promise<number> {
    this.#upstream429s++
    const until = this.#now() + (retryAfterMs !== undefined && retryAfterMs > 0 ? retryAfterMs : this.#defaultPauseMs)
    await this.store.pause(until)
    this.#last = { ...this.#last, pausedUntil: Math.max(this.#last.pausedUntil, until) }
    this.#log.warn({ code: 'HSG_BUDGET_EXHAUSTED', pausedUntil: new Date(until).toISOString() }, 'Hubstaff answered 429: pausing upstream traffic')
    return until
  }

  /** The 429 an app gets instead of Hubstaff's, with the RateLimit headers and Retry-After. */
  refusal(retryAt: number, detail: string): GatewayError {
    this.#refused++
    const retryAfter = Math.max(1, Math.ceil((retryAt - this.#now()) / 1000))
    return new GatewayError('HSG_BUDGET_EXHAUSTED', `${detail} Retry in ${retryAfter} s, or send "Prefer: wait=${retryAfter}" to queue.`, {
      headers: { 'retry-after': String(retryAfter), ...this.headers() },
      extensions: { retryAfter },
    })
  }

  /** The most slots `app` can ever hold in one window: a request costing more never fits. */
  capacity(app: AppIdentity): number {
    const limit = app.priority === 'batch' ? this.limit - this.#reserve : this.limit
    return app.quota === undefined ? limit : Math.min(limit, Math.max(1, Math.floor(app.quota * this.limit)))
  }

  /** Ms until `cost` slots would be free for `app` (behind the waiters ahead of it), as far as the ledger knows. */
  async freeIn(app: AppIdentity, cost: number): Promise<number> {
    const rank = RANK[app.priority]
    const ahead = this.#queue.filter((w) => w.rank <= rank).length
    return Math.max(0, (await this.#slotAt(ahead, { app, cost, waitMs: 0 })) - this.#now())
  }

  /** `RateLimit-Policy` and `RateLimit` (IETF httpapi draft) from the last state seen. */
  headers(): Readonly<Record<string, string>> {
    const now = this.#now()
    const last = this.#last
    const remaining = last.pausedUntil > now ? 0 : Math.max(0, this.limit - last.used)
    const nextFree = last.pausedUntil > now ? last.pausedUntil : last.oldest === undefined ? now : last.oldest + this.#ledgerMs
    const t = Math.max(0, Math.ceil((nextFree - now) / 1000))
    // Every answer (cache hits too) carries them, and they change at most once a second: the
    // strings and their object are made again only when a figure changed. Callers copy, never edit.
    const made = this.#headers
    if (made !== undefined && made.remaining === remaining && made.t === t) return made.headers
    const headers = Object.freeze({ 'ratelimit-policy': this.#policyHeader, ratelimit: `"hourly";r=${remaining};t=${t}` })
    this.#headers = { remaining, t, headers }
    return headers
  }

  /**
   * Headers are built on every answer (cache hits too), so they use the last state seen; the full
   * snapshot (a Redis round trip in team setups) is refreshed at most five times a second.
   */
  #refreshSoon(now: number): void {
    if (now - this.#refreshedAt < 200) return
    this.#refreshedAt = now
    this.store.snapshot(now, this.#ledgerMs).then(
      (snap) => {
        this.#last = snap
      },
      (err: unknown) => this.#log.warn({ err }, 'budget snapshot failed'),
    )
  }

  async status(): Promise<BudgetStatus> {
    const now = this.#now()
    const snap = await this.store.snapshot(now, this.#ledgerMs)
    this.#last = snap
    const remaining = snap.pausedUntil > now ? 0 : Math.max(0, this.limit - snap.used)
    const resetsIn = snap.oldest === undefined ? 0 : Math.max(0, Math.ceil((snap.oldest + this.#ledgerMs - now) / 1000))
    return {
      limit: this.limit,
      window: Math.round(this.windowMs / 1000),
      used: snap.used,
      remaining,
      resetsIn,
      reserve: this.#reserve,
      pausedUntil: snap.pausedUntil > now ? new Date(snap.pausedUntil).toISOString() : null,
      queued: this.#queue.length,
      refused: this.#refused,
      upstream429s: this.#upstream429s,
      store: this.store.kind,
      apps: snap.byApp,
    }
  }

  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
    for (const waiter of this.#queue.splice(0)) waiter.reject(shuttingDown())
  }

  async #take(request: AcquireRequest): Promise<TakeResult> {
    const now = this.#now()
    const quota = request.app.quota
    const result = await this.store.take({
      now,
      windowMs: this.#ledgerMs,
      cost: request.cost ?? 1,
      limit: request.app.priority === 'batch' ? this.limit - this.#reserve : this.limit,
      app: request.app.name,
      appLimit: quota === undefined ? undefined : Math.max(1, Math.floor(quota * this.limit)),
    })
    this.#last = {
      ...this.#last,
      used: result.used,
      pausedUntil: !result.granted && result.reason === 'paused' ? result.retryAt : this.#last.pausedUntil,
    }
    this.#refreshSoon(now)
    if (result.granted) this.#onGrant?.(request.app.name, request.cost ?? 1, now)
    return result
  }

  /** When the slot of the request after `ahead` waiters frees up, as far as the ledger knows. */
  async #slotAt(ahead: number, request: AcquireRequest): Promise<number> {
    const now = this.#now()
    const limit = request.app.priority === 'batch' ? this.limit - this.#reserve : this.limit
    const snap = await this.store.snapshot(now, this.#ledgerMs)
    const cost = request.cost ?? 1
    // Slots needed beyond what is free now, counting the waiters in front.
    const short = snap.used + ahead + cost - limit
    let at = now
    if (short > 0) {
      const times = await this.store.freeTimes(now, this.#ledgerMs, short)
      at = times[short - 1] ?? now + this.#ledgerMs
    }
    return Math.max(at, snap.pausedUntil)
  }

  #queueFull(retryAt: number): GatewayError {
    this.#refused++
    const retryAfter = Math.max(1, Math.ceil((retryAt - this.#now()) / 1000))
    return new GatewayError(
      'HSG_BUDGET_QUEUE_FULL',
      `${this.#queue.length} requests already wait for budget, as many as the gateway queues (--budget-max-queue ${this.#maxQueued}). Retry in ${retryAfter} s.`,
      { headers: { 'retry-after': String(retryAfter), ...this.headers() }, extensions: { retryAfter, queued: this.#queue.length } },
    )
  }

  #refuse(retryAt: number, reason: 'window' | 'app-quota' | 'paused'): GatewayError {
    const why = {
      window: `The gateway has spent its budget of ${this.limit} upstream requests per ${Math.round(this.windowMs / 1000)} s.`,
      'app-quota': 'This app has spent its share of the budget.',
      paused: 'Hubstaff answered 429; upstream traffic is paused.',
    }[reason]
    return this.refusal(retryAt, why)
  }

  #enqueue(request: AcquireRequest, rank: number, deadline: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        rank,
        seq: this.#seq++,
        request,
        deadline,
        resolve,
        reject,
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
      let i = this.#queue.length
      while (i > 0 && (this.#queue[i - 1]?.rank ?? 0) > rank) i--
      this.#queue.splice(i, 0, waiter)
      this.#arm(this.#now())
    })
  }

  #remove(waiter: Waiter): void {
    const i = this.#queue.indexOf(waiter)
    if (i !== -1) this.#queue.splice(i, 1)
    waiter.request.signal?.removeEventListener('abort', waiter.onAbort)
  }

  #arm(at: number): void {
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => void this.#pump(), Math.max(0, at - this.#now()))
  }

  /** Grants slots to the head of the queue as they free up; one pump at a time. */
  async #pump(): Promise<void> {
    if (this.#pumping) return
    this.#pumping = true
    try {
      while (this.#queue.length > 0) {
        const head = this.#queue[0] as Waiter
        const now = this.#now()
        if (now > head.deadline) {
          this.#remove(head)
          head.reject(this.refusal(now + 1000, 'The wait asked with "Prefer: wait" ran out before a slot freed up.'))
          continue
        }
        const result = await this.#take(head.request)
        if (result.granted) {
          this.#remove(head)
          head.resolve()
          continue
        }
        // Poll at least every second: in Redis mode other instances move the window too.
        this.#arm(Math.min(result.retryAt, head.deadline + 1, now + 1000))
        return
      }
    } catch (err) {
      this.#log.error({ err }, 'budget queue failed')
      for (const waiter of this.#queue.splice(0)) waiter.reject(err)
    } finally {
      this.#pumping = false
    }
  }
}
