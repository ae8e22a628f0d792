import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { GatewayError } from '../errors.js'
import { createRedisClient, LuaScript, whenReady } from '../redis-client.js'
import { parseStored, type StoredTokens, type TokenStore } from './store.js'

export interface RedisTokenStoreOptions {
  /**
   * An ioredis client (shared with other stores; its owner closes it), or a `redis://` URL: the
   * store then connects with createRedisClient and closes the connection in close().
   */
  readonly redis: Redis | string
  /** Prefix of every key, so several gateways (or test runs) can share one Redis. @default 'hsg:' */
  readonly prefix?: string
  /** How long to wait for another instance's exchange, ms. @default 20000 */
  readonly lockWaitMs?: number
  /** A lock not renewed for this long belongs to a dead instance and expires, ms. @default 5000 */
  readonly lockTtlMs?: number
  /** Pause between attempts to take a held lock, ms. @default 50 */
  readonly lockRetryMs?: number
  /** How long a read waits for the connection to open, ms. @default 2000 */
  readonly connectTimeoutMs?: number
  /** Called when a held lock was lost (not renewed in time, or taken over): the exclusion no longer holds. */
  readonly onLockCompromised?: (err: Error) => void
}

// The lock is released, and renewed, only by the instance whose random token it holds: a holder
// that outlived its TTL must never delete or extend the lock another instance has taken since.
const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)
const RENEW = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`)
// Sets the record unless the key already holds a token record at least as new (by refreshedAt; a
// record with one beats a record without, and on a tie the stored one stays). Compare and set in
// one step, so two instances offering their copies after a restart leave the newer one, in either
// order. An unreadable value is not overwritten (0): it is quarantined first. -1: not a record.
const OFFER = new LuaScript(`
local offered = tonumber(ARGV[2])
local current = redis.call('GET', KEYS[1])
if current then
  local ok, record = pcall(cjson.decode, current)
  if not ok or type(record) ~= 'table' or type(record.refreshToken) ~= 'string' or record.refreshToken == '' then return -1 end
  if offered == nil then return 0 end
  local held = record.refreshedAt
  if type(held) == 'number' and held >= offered then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`)
// Moves the value aside only if it is still the unreadable one the caller looked at.
const QUARANTINE = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
return 1
`)

/** What RedisTokenStore.inspect found. */
export type RedisTokenRead =
  | { readonly kind: 'tokens'; readonly tokens: StoredTokens }
  | { readonly kind: 'absent' }
  | { readonly kind: 'unreadable' }
  | { readonly kind: 'unreachable'; readonly error: Error }

/**
 * Rotated tokens in Redis (`--redis`), so N gateway instances on N machines share one refresh
 * token lineage: the tokens are one JSON key (the StoredTokens shape), and the lock that keeps two
 * instances from exchanging the same refresh token is SET NX PX with a random token, renewed while
 * held. Redis should persist (appendonly or RDB): a Redis restarted empty has forgotten the only
 * live refresh token. The gateway wraps this store in a MirroredTokenStore (layered-store.ts),
 * which keeps a copy in each instance's state dir and offers it back to a Redis that lost it.
 */
export class RedisTokenStore implements TokenStore {
  readonly location: string
  readonly client: Redis
  readonly #ownsClient: boolean
  readonly #key: string
  readonly #lockKey: string
  readonly #lockWaitMs: number
  readonly #ttlMs: number
  readonly #retryMs: number
  readonly #connectTimeoutMs: number
  readonly #onCompromised: (err: Error) => void

  constructor(options: RedisTokenStoreOptions) {
    this.#ownsClient = typeof options.redis === 'string'
    this.client = typeof options.redis === 'string' ? createRedisClient(options.redis) : options.redis
    const prefix = options.prefix ?? 'hsg:'
    this.#key = `${prefix}tokens`
    this.#lockKey = `${prefix}tokens:lock`
    const { host, port, db } = this.client.options
    // No password or user here: the location goes into log lines.
    this.location = `redis://${host ?? 'localhost'}:${port ?? 6379}/${db ?? 0} ${this.#key}`
    this.#lockWaitMs = options.lockWaitMs ?? 20_000
    this.#ttlMs = options.lockTtlMs ?? 5_000
    this.#retryMs = options.lockRetryMs ?? 50
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 2_000
    this.#onCompromised = options.onLockCompromised ?? (() => undefined)
  }

  async read(): Promise<StoredTokens | undefined> {
    const found = await this.inspect()
    switch (found.kind) {
      case 'tokens':
        return found.tokens
      case 'absent':
        return undefined
      case 'unreachable':
        throw new GatewayError('HSG_AUTH_STORE_UNREADABLE', `Cannot read the token store ${this.location}: ${found.error.message}`, { cause: found.error })
      case 'unreadable':
        throw new GatewayError(
          'HSG_AUTH_STORE_UNREADABLE',
          `The token store ${this.location} does not hold a valid token record; move it away and start with a new personal access token.`,
        )
    }
  }

  /**
   * What the key holds, telling apart the two ways a read fails: Redis did not answer
   * (`unreachable`: the record may be fine), or it holds something that is no token record.
   */
  async inspect(): Promise<RedisTokenRead> {
    let raw: string | null
    try {
      await whenReady(this.client, this.#connectTimeoutMs)
      raw = await this.client.get(this.#key)
    } catch (err) {
      return { kind: 'unreachable', error: err instanceof Error ? err : new Error(String(err)) }
    }
    if (raw === null) return { kind: 'absent' }
    const tokens = parseStored(raw)
    return tokens === undefined ? { kind: 'unreadable' } : { kind: 'tokens', tokens }
  }

  /**
   * Writes `tokens` unless Redis already holds a record at least as new (by `refreshedAt`), in one
   * atomic step. True when written. Throws when Redis does not answer. An unreadable value stays
   * (false): quarantine() moves it aside first.
   */
  async offer(tokens: StoredTokens): Promise<boolean> {
    await whenReady(this.client, this.#connectTimeoutMs)
    const written = await OFFER.run(this.client, [this.#key], [JSON.stringify(tokens), tokens.refreshedAt ?? ''])
    return written === 1
  }

  async write(tokens: StoredTokens): Promise<void> {
    await whenReady(this.client, this.#connectTimeoutMs)
    await this.client.set(this.#key, JSON.stringify(tokens))
  }

  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const token = randomBytes(16).toString('hex')
    const deadline = Date.now() + this.#lockWaitMs
    let lastError: unknown
    for (;;) {
      try {
        if ((await this.client.set(this.#lockKey, token, 'PX', this.#ttlMs, 'NX')) === 'OK') break
        lastError = undefined
      } catch (err) {
        lastError = err
      }
      const left = deadline - Date.now()
      if (left <= 0) {
        const why = lastError === undefined ? 'another gateway instance has held it' : `Redis did not answer (${(lastError as Error).message})`
        throw new GatewayError('HSG_AUTH_LOCK_TIMEOUT', `Could not take the token lock ${this.#lockKey} in ${this.#lockWaitMs / 1000} s: ${why}.`, {
          ...(lastError === undefined ? {} : { cause: lastError }),
        })
      }
      await sleep(Math.min(this.#retryMs, left))
    }
    const renewal = this.#keepRenewed(token)
    try {
      return await fn()
    } finally {
      renewal.stop()
      const released = await RELEASE.run(this.client, [this.#lockKey], [token]).catch(() => undefined)
      // 0: the key was no longer ours, so the section may have overlapped another instance's.
      if (released === 0) renewal.lost('it had expired or another instance held it when released')
    }
  }

  async quarantine(): Promise<string | undefined> {
    const aside = `${this.#key}.corrupt-${Date.now()}`
    try {
      const raw = await this.client.get(this.#key)
      // A read that failed because Redis was away leaves a good record where it is.
      if (raw === null || parseStored(raw) !== undefined) return undefined
      return (await QUARANTINE.run(this.client, [this.#key, aside], [raw])) === 1 ? aside : undefined
    } catch {
      return undefined
    }
  }

  async close(): Promise<void> {
    if (!this.#ownsClient) return
    await this.client.quit().catch(() => this.client.disconnect())
  }

  /** Extends the lock every third of its TTL while it is held; reports it lost once. */
  #keepRenewed(token: string): { stop(): void; lost(why: string): void } {
    let lastRenewed = Date.now()
    let lost = false
    const compromised = (why: string) => {
      if (lost) return
      lost = true
      clearInterval(timer)
      this.#onCompromised(new Error(`The token lock ${this.#lockKey} was lost while held: ${why}`))
    }
    const timer = setInterval(() => {
      RENEW.run(this.client, [this.#lockKey], [token, this.#ttlMs]).then(
        (renewed) => {
          if (renewed === 1) lastRenewed = Date.now()
          else compromised('it expired or another instance holds it')
        },
        (err: unknown) => {
          if (Date.now() - lastRenewed >= this.#ttlMs) compromised(`not renewed for ${this.#ttlMs} ms (${(err as Error).message})`)
        },
      )
    }, Math.max(10, Math.floor(this.#ttlMs / 3)))
    timer.unref()
    return { stop: () => clearInterval(timer), lost: compromised }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
