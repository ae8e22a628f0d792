import type { Logger } from 'pino'
import { GatewayError } from '../errors.js'
import type { RedisTokenStore } from './redis-store.js'
import type { StoredTokens, TokenStore } from './store.js'

export interface MirroredTokenStoreOptions {
  /** The shared record and the lock every instance takes: the source of truth while Redis holds it. */
  readonly shared: RedisTokenStore
  /** This instance's copy, in its own state dir: a FileTokenStore (tokens.json, 0600, atomic writes). */
  readonly mirror: TokenStore
  readonly logger: Logger
  /** Pause between attempts to give Redis a copy it failed to take, ms. @default 1000 */
  readonly retryMs?: number
}

/**
 * The token store for `--redis`: Redis, with a write-through copy in each instance's state dir, so
 * a Redis restarted without its data does not lose the refresh token lineage (Hubstaff rotates the
 * refresh token at every exchange, so the seed is long dead by then).
 *
 * - `write` goes to Redis and to the local mirror; it fails only when both fail. A copy Redis did
 *   not take is offered again until it does.
 * - `read` answers the newer of the two (by `refreshedAt`; a record beats none). When this
 *   instance's copy is newer than Redis's (or Redis has none), it is written back to Redis, and
 *   when Redis's is newer the mirror learns it. A Redis that does not answer is no error: the
 *   mirror is the answer, so an outage never gets anything quarantined.
 * - Whenever the connection becomes ready (again), the mirror is offered to Redis, so instances
 *   that never refreshed learn the lineage from whichever instance still holds it.
 * - Offers are compare-and-set in Redis: an older copy never overwrites a newer record. The
 *   comparison is by wall-clock `refreshedAt`, so instances' clocks should roughly agree.
 * - `withLock` is Redis's: it excludes every instance, and times out with HSG_AUTH_LOCK_TIMEOUT
 *   while Redis is away.
 */
export class MirroredTokenStore implements TokenStore {
  readonly location: string
  readonly #shared: RedisTokenStore
  readonly #mirror: TokenStore
  readonly #log: Logger
  readonly #retryMs: number
  /** Mirror writes and quarantines, one at a time: a late copy must not land over a newer one. */
  #mirrorQueue: Promise<unknown> = Promise.resolve()
  #restoring: Promise<boolean> | undefined
  #retryTimer: NodeJS.Timeout | undefined
  #closed = false
  readonly #onReady = () => void this.#restoreOrRetry()

  constructor(options: MirroredTokenStoreOptions) {
    this.#shared = options.shared
    this.#mirror = options.mirror
    this.#log = options.logger
    this.#retryMs = options.retryMs ?? 1000
    this.location = `${this.#shared.location} (mirrored in ${this.#mirror.location})`
    // Every (re)connection: a Redis restarted empty learns the lineage back from whichever
    // instance holds it, even one that is idle.
    this.#shared.client.on('ready', this.#onReady)
  }

  async read(): Promise<StoredTokens | undefined> {
    const [remote, local] = await Promise.all([this.#shared.inspect(), this.#readMirror()])
    switch (remote.kind) {
      case 'unreachable':
        // Redis away: this instance's copy is the best there is, and the outage is no reason to
        // call the store unreadable (the manager would quarantine).
        return local
      case 'unreadable': {
        if (local === undefined) {
          throw new GatewayError(
            'HSG_AUTH_STORE_UNREADABLE',
            `The token store ${this.#shared.location} does not hold a valid token record, and this instance has no copy; move it away and start with a new personal access token.`,
          )
        }
        const movedTo = await this.#shared.quarantine()
        this.#log.error(
          { code: 'HSG_AUTH_STORE_UNREADABLE', store: this.#shared.location, movedTo },
          "the token record in Redis was unreadable: moved aside, and this instance's copy written in its place",
        )
        await this.#offer(local)
        return local
      }
      case 'absent':
        if (local !== undefined) await this.#offer(local)
        return local
      case 'tokens': {
        const shared = remote.tokens
        if (local !== undefined && isNewer(local, shared)) {
          await this.#offer(local)
          return local
        }
        if (local === undefined || !same(local, shared)) await this.#mirrorIfNewer(shared)
        return shared
      }
    }
  }

  async write(tokens: StoredTokens): Promise<void> {
    const [shared, mirror] = await Promise.allSettled([this.#shared.write(tokens), this.#serially(() => this.#mirror.write(tokens))])
    if (shared.status === 'rejected' && mirror.status === 'rejected') {
      throw new GatewayError(
        'HSG_AUTH_STORE_UNREADABLE',
        `Could not write the tokens to ${this.#shared.location} (${message(shared.reason)}) nor to ${this.#mirror.location} (${message(mirror.reason)}).`,
        { cause: shared.reason },
      )
    }
    if (shared.status === 'rejected') {
      this.#log.warn(
        { code: 'HSG_AUTH_STORE_UNREADABLE', store: this.#shared.location, reason: message(shared.reason) },
        'rotated refresh token not written to Redis: kept in the local mirror, and written to Redis as soon as it answers',
      )
      this.#scheduleRestore()
    }
    if (mirror.status === 'rejected') {
      this.#log.warn(
        { code: 'HSG_AUTH_STORE_UNREADABLE', store: this.#mirror.location, reason: message(mirror.reason) },
        'rotated refresh token not written to the local mirror: only Redis holds it',
      )
    }
  }

  withLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.#shared.withLock(fn)
  }

  /** Moves an unreadable Redis record aside (the mirror moves its own unreadable file aside when read). */
  quarantine(): Promise<string | undefined> {
    return this.#shared.quarantine()
  }

  /**
   * Offers this instance's copy to Redis, which takes it unless it holds one at least as new.
   * Resolves true when Redis answered (whether it took the copy or not), false when it did not.
   */
  restore(): Promise<boolean> {
    this.#restoring ??= (async () => {
      const local = await this.#readMirror()
      if (local === undefined) return true
      return this.#offer(local)
    })().finally(() => {
      this.#restoring = undefined
    })
    return this.#restoring
  }

  async close(): Promise<void> {
    this.#closed = true
    clearTimeout(this.#retryTimer)
    this.#shared.client.off('ready', this.#onReady)
    // Not waiting for an offer in flight: with Redis away it could wait for a connection that the
    // client's owner is about to close; the copy stays in the mirror for the next start.
    await this.#mirrorQueue
    await this.#shared.close()
  }

  async #restoreOrRetry(): Promise<void> {
    if (this.#closed) return
    if (!(await this.restore())) this.#scheduleRestore()
  }

  #scheduleRestore(): void {
    if (this.#closed || this.#retryTimer !== undefined) return
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined
      void this.#restoreOrRetry()
    }, this.#retryMs)
    this.#retryTimer.unref()
  }

  /** True when Redis answered; a copy it did not take for lack of an answer is offered again later. */
  async #offer(tokens: StoredTokens): Promise<boolean> {
    let written: boolean
    try {
      written = await this.#shared.offer(tokens)
    } catch (err) {
      this.#scheduleRestore()
      this.#log.debug({ reason: message(err) }, 'Redis did not answer; the local token copy will be offered again')
      return false
    }
    if (written) {
      this.#log.warn(
        { store: this.#shared.location, refreshedAt: tokens.refreshedAt === undefined ? null : new Date(tokens.refreshedAt).toISOString() },
        "Redis lacked the newest token record (restarted without its data?): this instance's copy written back",
      )
    }
    return true
  }

  /** The mirror's record; an unreadable mirror is moved aside (nothing is lost) and counts as none. */
  async #readMirror(): Promise<StoredTokens | undefined> {
    try {
      return await this.#mirror.read()
    } catch {
      return this.#serially(async () => {
        // Looked at again in the queue: a write may have replaced the file meanwhile.
        try {
          return await this.#mirror.read()
        } catch (err) {
          const movedTo = await this.#mirror.quarantine()
          this.#log.error(
            { code: 'HSG_AUTH_STORE_UNREADABLE', store: this.#mirror.location, movedTo, reason: message(err) },
            'local token mirror unreadable: moved aside; Redis holds the record',
          )
          return undefined
        }
      })
    }
  }

  /** Copies Redis's record to the mirror unless the mirror has meanwhile got a newer one. */
  async #mirrorIfNewer(tokens: StoredTokens): Promise<void> {
    try {
      await this.#serially(async () => {
        const local = await this.#mirror.read().catch(() => undefined)
        if (local !== undefined && (isNewer(local, tokens) || same(local, tokens))) return
        await this.#mirror.write(tokens)
      })
    } catch (err) {
      this.#log.warn({ code: 'HSG_AUTH_STORE_UNREADABLE', store: this.#mirror.location, reason: message(err) }, 'could not copy the token record to the local mirror')
    }
  }

  #serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#mirrorQueue.then(fn)
    this.#mirrorQueue = run.catch(() => undefined)
    return run
  }
}

/** True when `a` comes from a later exchange than `b`; a record with a time beats one without. */
function isNewer(a: StoredTokens, b: StoredTokens): boolean {
  return (a.refreshedAt ?? -Infinity) > (b.refreshedAt ?? -Infinity)
}

function same(a: StoredTokens, b: StoredTokens): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
