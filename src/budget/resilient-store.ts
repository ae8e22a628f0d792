import type { Logger } from 'pino'
import { whenReady } from '../redis-client.js'
import { MemoryBudgetStore } from './file-store.js'
import { HeardLedger } from './heard.js'
import type { RedisBudgetStore, LedgerSlot } from './redis-store.js'
import type { BudgetSnapshot, BudgetStore, TakeRequest, TakeResult } from './store.js'

export interface ResilientBudgetStoreOptions {
  readonly redis: RedisBudgetStore
  /**
   * How many gateways share the budget. While Redis is away this one grants at most
   * floor(limit / expectedInstances) (and the same share of each app quota) in the window,
   * counting its own grants from before the outage, so N instances cut off together stay
   * within one budget.
   */
  readonly expectedInstances: number
  readonly logger: Logger
  /** A Redis command slower than this counts as Redis being down, ms. @default 500 */
  readonly timeoutMs?: number
  /** After a failure, how long before Redis is tried again, ms (wall clock). @default 1000 */
  readonly retryMs?: number
  /** How long the first use waits for the initial connection, ms. @default 2000 */
  readonly connectTimeoutMs?: number
  /** How often an instance reads the shared figure while Redis answers, ms (what an outage starts from). @default 1000 */
  readonly refreshMs?: number
}

/** The share ledger: a memory window this store can charge and read without a tick in between. */
class LocalLedger extends MemoryBudgetStore {
  override readonly kind = 'local'

  takeNow(request: TakeRequest): TakeResult {
    return this.window.take(request)
  }

  usedAt(now: number, windowMs: number): number {
    this.window.prune(now, windowMs)
    return this.window.used
  }

  /** When this ledger's first slot frees (none when empty). */
  freeTimesNow(now: number, windowMs: number): number[] {
    return this.window.freeTimes(now, windowMs, 1)
  }

  add(stamp: number, app: string | undefined, count: number): void {
    for (let i = 0; i < count; i++) this.window.add(stamp, app)
  }
}

/**
 * The Redis budget, with a local share when Redis cannot be reached. Never throws because Redis
 * is down: a failed or slow command switches to the local ledger (logged once per outage). Each
 * time the connection comes back, this instance's slots still in the window are written to Redis
 * before anything else (idempotently: every slot has a unique id), so the shared window accounts
 * for the outage, and for grants a restarted, empty Redis has forgotten, before any take.
 */
export class ResilientBudgetStore implements BudgetStore {
  readonly #redis: RedisBudgetStore
  readonly #instances: number
  readonly #log: Logger
  readonly #timeoutMs: number
  readonly #retryMs: number
  readonly #connectTimeoutMs: number
  /** Every slot this instance was granted in the window, through Redis or not. */
  readonly #local = new LocalLedger()
  /** The slots this instance granted on its own since it last heard the shared figure. */
  #alone = new LocalLedger()
  /**
   * The shared ledger last heard from Redis. Read whole every `refreshMs` even when idle, so that
   * an outage starts from what was free, not from this instance's own use alone.
   */
  readonly #heard = new HeardLedger()
  /** Wall-clock ms of the caller's time in #last, to age it for the refresh timer. */
  #lastWall = 0
  readonly #refresher: NodeJS.Timeout
  #slots: LedgerSlot[] = []
  #pausedUntil = 0
  /** Grants made without Redis, ever: a resync checks it saw them all. */
  #localGrants = 0
  /** The latest window a caller asked about: what a resync on reconnect prunes by. */
  #last: { now: number; windowMs: number } | undefined
  #mode: 'starting' | 'redis' | 'fallback' = 'starting'
  #starting: Promise<void> | undefined
  #recovering: Promise<void> | undefined
  #downSince = 0
  /** Wall-clock ms before which a fallen-back store does not try Redis again. */
  #nextAttempt = 0
  readonly #onReady = () => void this.#resync()

  constructor(options: ResilientBudgetStoreOptions) {
    if (!Number.isInteger(options.expectedInstances) || options.expectedInstances < 1) {
      throw new RangeError(`expectedInstances must be a whole number of at least 1, got ${options.expectedInstances}`)
    }
    this.#redis = options.redis
    this.#instances = options.expectedInstances
    this.#log = options.logger
    this.#timeoutMs = options.timeoutMs ?? 500
    this.#retryMs = options.retryMs ?? 1000
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 2000
    // Every (re)connection, not only ours after a failure: an instance idle during the outage
    // must also give a restarted Redis back the slots it forgot.
    this.#redis.client.on('ready', this.#onReady)
    this.#refresher = setInterval(() => void this.#refresh(), options.refreshMs ?? 1000)
    this.#refresher.unref()
  }

  get kind(): string {
    return this.#mode === 'fallback' ? 'redis-fallback' : 'redis'
  }

  take(request: TakeRequest): Promise<TakeResult> {
    this.#see(request.now, request.windowMs)
    // The local path stays synchronous from decision to charge, so a resync that starts in the
    // same tick always sees (and writes to Redis) every slot granted locally.
    if (this.#mode === 'fallback' && !this.#shouldRetry()) return Promise.resolve(this.#takeLocally(request))
    return this.#takeShared(request)
  }

  async freeTimes(now: number, windowMs: number, count: number, app?: string): Promise<number[]> {
    this.#see(now, windowMs)
    if (await this.#useRedis()) {
      try {
        return await this.#timed(this.#redis.freeTimes(now, windowMs, count, app))
      } catch (err) {
        this.#down(err)
      }
    }
    return this.#local.freeTimes(now, windowMs, count, app)
  }

  async snapshot(now: number, windowMs: number): Promise<BudgetSnapshot> {
    this.#see(now, windowMs)
    if (await this.#useRedis()) {
      try {
        const shared = await this.#timed(this.#redis.snapshot(now, windowMs))
        await this.#hearAll(now, windowMs, shared.used)
        return shared
      } catch (err) {
        this.#down(err)
      }
    }
    // This instance's own use, or its part of what the others held when it last heard from them
    // (whichever leaves less): `r` then never exceeds what it may grant alone.
    const local = await this.#local.snapshot(now, windowMs)
    const heard = this.#heard.heldAt(now, windowMs)
    const used = heard === undefined ? local.used : Math.max(local.used, Math.ceil(heard / this.#instances) + this.#alone.usedAt(now, windowMs))
    return { ...local, used, pausedUntil: this.#pausedUntil > now ? this.#pausedUntil : 0, share: this.#instances }
  }

  async pause(until: number): Promise<void> {
    // Kept here too: it holds during an outage and is written to Redis on each resync.
    this.#pausedUntil = Math.max(this.#pausedUntil, until)
    if (!(await this.#useRedis())) return
    try {
      await this.#timed(this.#redis.pause(until))
    } catch (err) {
      this.#down(err)
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#refresher)
    this.#redis.client.off('ready', this.#onReady)
    await this.#recovering
    await this.#redis.close()
  }

  async #takeShared(request: TakeRequest): Promise<TakeResult> {
    if (await this.#useRedis()) {
      const ids = this.#redis.newSlotIds(request.cost)
      try {
        const result = await this.#timed(this.#redis.takeAs(request, ids))
        this.#heard.count(result.used, request.now, request.windowMs)
        this.#alone = new LocalLedger()
        if (result.granted) this.#remember(request, ids)
        // A pause another instance learnt must outlast an outage here too.
        else if (result.reason === 'paused') this.#pausedUntil = Math.max(this.#pausedUntil, result.retryAt)
        return result
      } catch (err) {
        // A take that timed out may still have been granted in Redis: charging it here as well
        // errs on the safe side.
        this.#down(err)
      }
    }
    return this.#takeLocally(request)
  }

  #takeLocally(request: TakeRequest): TakeResult {
    const { now, windowMs, cost, app } = request
    if (this.#pausedUntil > now) {
      return { granted: false, used: this.#local.usedAt(now, windowMs), retryAt: this.#pausedUntil, reason: 'paused' }
    }
    const share = (n: number) => Math.floor(n / this.#instances)
    // Each instance may grant alone its share of what the instances together left free when it
    // last heard (growing as those slots leave the window), so that together they never exceed
    // the limit, however unevenly they had spent it before.
    const heard = this.#heard.heldAt(now, windowMs)
    if (heard !== undefined && this.#alone.usedAt(now, windowMs) + cost > share(request.limit - heard)) {
      const frees = [this.#heard.nextFreeAt(now, windowMs), ...this.#alone.freeTimesNow(now, windowMs)].filter((f) => f !== undefined)
      return { granted: false, used: this.#local.usedAt(now, windowMs), retryAt: Math.min(now + windowMs, ...frees), reason: 'window' }
    }
    const result = this.#local.takeNow({
      now,
      windowMs,
      cost,
      limit: share(request.limit),
      app,
      appLimit: request.appLimit === undefined ? undefined : share(request.appLimit),
    })
    if (result.granted) {
      this.#alone.add(now, app, cost)
      this.#localGrants++
      this.#keep(now, windowMs, app, this.#redis.newSlotIds(cost))
    }
    return result
  }

  /** Mirrors a grant made in Redis into the local ledger, so the share counts it if Redis goes. */
  #remember(request: TakeRequest, ids: readonly string[]): void {
    this.#local.add(request.now, request.app, request.cost)
    this.#keep(request.now, request.windowMs, request.app, ids.slice(0, request.cost))
  }

  #keep(now: number, windowMs: number, app: string | undefined, ids: readonly string[]): void {
    const cutoff = now - windowMs
    while (this.#slots.length > 0 && (this.#slots[0]?.stamp ?? Infinity) <= cutoff) this.#slots.shift()
    for (const id of ids) this.#slots.push({ stamp: now, app, id })
  }

  #see(now: number, windowMs: number): void {
    if (this.#last === undefined || now >= this.#last.now) {
      this.#last = { now, windowMs }
      this.#lastWall = Date.now()
    }
  }

  /** Reads the whole shared ledger: what this instance grants alone from now on starts from it. */
  async #hearAll(now: number, windowMs: number, used: number): Promise<void> {
    const frees = await this.#timed(this.#redis.freeTimes(now, windowMs, used))
    this.#heard.set(
      frees.map((f) => f - windowMs),
      now,
    )
    this.#alone = new LocalLedger()
  }

  /** Reads the shared figure while Redis answers, also when no request comes: an outage may start any time. */
  async #refresh(): Promise<void> {
    const last = this.#last
    if (last === undefined || this.#mode !== 'redis' || this.#recovering !== undefined || !this.#redis.ready) return
    const now = last.now + (Date.now() - this.#lastWall)
    try {
      await this.#hearAll(now, last.windowMs, (await this.#timed(this.#redis.snapshot(now, last.windowMs))).used)
    } catch (err) {
      this.#down(err)
    }
  }

  /** Whether to go to Redis now; resyncs first when the connection has come back. */
  async #useRedis(): Promise<boolean> {
    if (this.#mode === 'starting') {
      // The connection may still be opening: that is not an outage worth a log line.
      this.#starting ??= whenReady(this.#redis.client, this.#connectTimeoutMs).then((ready) => {
        if (this.#mode !== 'starting') return
        if (ready) this.#mode = 'redis'
        else this.#down(new Error(`no connection to Redis within ${this.#connectTimeoutMs} ms`))
      })
      await this.#starting
    }
    if (this.#recovering !== undefined) await this.#recovering
    else if (this.#mode === 'fallback' && this.#shouldRetry()) await this.#resync()
    if (!this.#onRedis()) return false
    if (this.#redis.ready) return true
    this.#down(new Error(`Redis connection is ${this.#redis.client.status}`))
    return false
  }

  /** A method, not a comparison inline: the mode changes across an await. */
  #onRedis(): boolean {
    return this.#mode === 'redis'
  }

  #shouldRetry(): boolean {
    return this.#recovering !== undefined || (Date.now() >= this.#nextAttempt && this.#redis.ready)
  }

  #resync(): Promise<void> {
    this.#recovering ??= this.#recover().finally(() => {
      this.#recovering = undefined
    })
    return this.#recovering
  }

  /** Writes this instance's slots (and pause) to Redis, then takes from Redis again. */
  async #recover(): Promise<void> {
    let slots: LedgerSlot[] = []
    try {
      // Again if a take fell back while the slots were being written (a command on the old
      // connection timing out): its slot must reach Redis too.
      for (let pass = 0, seen = -1; pass < 3 && seen !== this.#localGrants; pass++) {
        seen = this.#localGrants
        const last = this.#last
        if (last === undefined) break
        slots = this.#slots = this.#slots.filter((s) => s.stamp > last.now - last.windowMs)
        if (slots.length > 0) await this.#timed(this.#redis.record(slots, last.now, last.windowMs), this.#timeoutMs * 4)
        if (this.#pausedUntil > last.now) await this.#timed(this.#redis.pause(this.#pausedUntil))
      }
      // A Redis restarted empty holds only what the instances back so far wrote: until the others
      // have written their slots too, taking from it would hand out theirs again. Until then (or
      // until what was heard has left the window) this instance keeps to its share alone.
      const last = this.#last
      const held = last === undefined ? undefined : this.#heard.heldAt(last.now, last.windowMs)
      if (last !== undefined && held !== undefined && this.#mode === 'fallback') {
        const shared = await this.#timed(this.#redis.snapshot(last.now, last.windowMs))
        if (shared.used < held) {
          this.#nextAttempt = Date.now() + this.#retryMs
          return
        }
      }
    } catch (err) {
      this.#down(err)
      return
    }
    const wasDown = this.#mode === 'fallback'
    this.#mode = 'redis'
    if (wasDown) {
      this.#log.warn(
        { code: 'HSG_BUDGET_REDIS_DOWN', recovered: true, outageMs: Date.now() - this.#downSince, slotsWritten: slots.length },
        "Redis is back: the shared budget holds this instance's grants again and takes go through Redis",
      )
    } else if (slots.length > 0) {
      this.#log.info({ slotsWritten: slots.length }, "reconnected to Redis: this instance's grants in the window written again")
    }
  }

  #down(err: unknown): void {
    this.#nextAttempt = Date.now() + this.#retryMs
    if (this.#mode === 'fallback') return
    this.#mode = 'fallback'
    this.#downSince = Date.now()
    this.#log.error(
      { code: 'HSG_BUDGET_REDIS_DOWN', reason: err instanceof Error ? err.message : String(err), expectedInstances: this.#instances },
      `Redis unreachable: this instance now grants at most 1/${this.#instances} of the budget on its own until Redis answers again`,
    )
  }

  /** Rejects after `ms`; the command may still complete in Redis, which only overcounts. */
  #timed<T>(promise: Promise<T>, ms = this.#timeoutMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms)
    })
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
  }
}
