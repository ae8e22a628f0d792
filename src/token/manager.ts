import type { Logger } from 'pino'
import { GatewayError, isGatewayError } from '../errors.js'
import { TokenEndpointError, type ExchangeResult } from './exchange.js'
import { chooseRefreshToken, marginFor, mergeSeeds } from './policy.js'
import { seedHash, type StoredTokens, type TokenStore } from './store.js'

export { chooseRefreshToken } from './policy.js'

export type TokenState = 'empty' | 'ok' | 'degraded' | 'rejected'

export interface TokenStatus {
  readonly state: TokenState
  /** ISO time the access token expires, if one is held. */
  readonly expiresAt: string | null
  readonly refreshedAt: string | null
  /** Why the state is not ok: the code and a sentence that says how to fix it. */
  readonly reason: { code: string; detail: string } | null
  readonly refreshes: number
  readonly failures: number
}

export interface TokenManagerOptions {
  readonly store: TokenStore
  readonly exchange: (refreshToken: string) => Promise<ExchangeResult>
  /** The personal access token from flags or environment. */
  readonly seed?: string | undefined
  /** Refresh this long before expiry, ms. */
  readonly refreshMarginMs: number
  readonly logger: Logger
  readonly now?: () => number
  /** First and longest wait between failed exchanges, ms. @default {initialMs: 1000, maxMs: 60000} */
  readonly backoff?: { initialMs: number; maxMs: number }
  /** How often a rejected manager looks at the store again for a token written by someone else, ms. @default 2000 */
  readonly recheckMs?: number
  /** The longest wait a Retry-After of the token endpoint may impose, ms. @default one hour */
  readonly maxPauseMs?: number
}

const FIX =
  'Create a new personal access token at https://developer.hubstaff.com/personal_access_tokens and restart with HUBSTAFF_REFRESH_TOKEN=<token> (or run `hubstaff-gateway login`).'

/**
 * Holds the managed access token and keeps it fresh without ever exchanging a refresh token twice:
 * one exchange at a time in the process (single flight), one at a time across processes (the store's
 * lock, then a re-read: another process may already have rotated), and the rotated refresh token is
 * persisted before the new access token is handed out.
 */
export class TokenManager {
  readonly #store: TokenStore
  readonly #exchange: (refreshToken: string) => Promise<ExchangeResult>
  readonly #seed: string | undefined
  readonly #marginMs: number
  readonly #log: Logger
  readonly #now: () => number
  readonly #backoff: { initialMs: number; maxMs: number }
  readonly #recheckMs: number
  readonly #maxPauseMs: number

  #current: StoredTokens | undefined
  #state: TokenState = 'empty'
  #reason: { code: string; detail: string } | null = null
  #inflight: Promise<string> | undefined
  #timer: NodeJS.Timeout | undefined
  #failuresInARow = 0
  /** Epoch ms before which a degraded manager does not try the token endpoint again. */
  #retryAt = 0
  #lastRecheck = 0
  #rejectedRefreshToken: string | undefined
  #refreshes = 0
  #failures = 0
  #closed = false
  #marginWarned = false
  /** Tokens held lately, newest last: what recordings are scanned for (see knownSecrets). */
  readonly #recent: string[] = []

  constructor(options: TokenManagerOptions) {
    this.#store = options.store
    this.#exchange = options.exchange
    this.#seed = options.seed
    this.#marginMs = options.refreshMarginMs
    this.#log = options.logger
    this.#now = options.now ?? Date.now
    this.#backoff = options.backoff ?? { initialMs: 1000, maxMs: 60_000 }
    this.#recheckMs = options.recheckMs ?? 2000
    this.#maxPauseMs = options.maxPauseMs ?? 3600_000
  }

  /** Reads the store; never exchanges (the first request or the proactive timer does). */
  async init(): Promise<void> {
    let stored: StoredTokens | undefined
    try {
      stored = await this.#store.read()
    } catch (err) {
      const aside = await this.#store.quarantine()
      this.#log.error(
        { code: isGatewayError(err) ? err.code : 'HSG_AUTH_STORE_UNREADABLE', movedTo: aside },
        'token store unreadable; moved aside, starting from the configured personal access token',
      )
    }
    const choice = chooseRefreshToken(stored, this.#seed)
    if (choice === undefined) {
      this.#setState('empty', { code: 'HSG_AUTH_NO_TOKEN', detail: `No refresh token is known. ${FIX}` })
      return
    }
    if (stored !== undefined && choice.token === stored.refreshToken) {
      this.#current = stored
    } else {
      this.#current = { refreshToken: choice.token, seeds: choice.seeds }
    }
    this.#remember(this.#current)
    this.#setState('ok', null)
    this.#schedule()
  }

  /** True when a refresh token is known (from the seed or the store). */
  get hasToken(): boolean {
    return this.#current !== undefined
  }

  status(): TokenStatus {
    const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString())
    return {
      state: this.#state,
      expiresAt: iso(this.#current?.expiresAt),
      refreshedAt: iso(this.#current?.refreshedAt),
      reason: this.#reason,
      refreshes: this.#refreshes,
      failures: this.#failures,
    }
  }

  /** A valid access token, exchanging first when none is held or it has expired. */
  async accessToken(): Promise<string> {
    if (this.#state === 'rejected') await this.#recheckStore()
    // The access token in hand belongs to the refused lineage: sending it would cost a budget slot
    // and an upstream 401 per request, for an answer known in advance.
    if (this.#state === 'rejected') throw this.#error()
    const current = this.#current
    if (current === undefined) throw this.#error()
    const now = this.#now()
    if (current.accessToken !== undefined && current.expiresAt !== undefined && now < current.expiresAt) {
      if (now >= current.expiresAt - this.#marginFor(current) && this.#state === 'ok') {
        // Inside the margin: refresh in the background; the token in hand is still good.
        this.#refresh(undefined).catch(() => undefined)
      }
      return current.accessToken
    }
    this.#throwIfBackingOff(now)
    return this.#refresh(undefined)
  }

  /** Hubstaff answered 401 to `rejected`: get a different token, exchanging only if nobody has yet. */
  async refreshAfterRejection(rejected: string): Promise<string> {
    if (this.#state === 'rejected') await this.#recheckStore()
    if (this.#state === 'rejected') throw this.#error()
    if (this.#inflight !== undefined) return this.#inflight
    const current = this.#current?.accessToken
    if (current !== undefined && current !== rejected && this.#now() < (this.#current?.expiresAt ?? 0)) return current
    this.#throwIfBackingOff(this.#now())
    return this.#refresh(rejected)
  }

  /**
   * Every token value this process has held lately (refresh and access, the current ones and up to
   * 16 before them, and the seed): what must never be written anywhere. For scanning only; never log it.
   */
  knownSecrets(): ReadonlySet<string> {
    const out = new Set(this.#recent)
    if (this.#seed !== undefined) out.add(this.#seed)
    return out
  }

  #remember(tokens: StoredTokens): void {
    for (const value of [tokens.refreshToken, tokens.accessToken]) {
      if (value === undefined || this.#recent.includes(value)) continue
      this.#recent.push(value)
    }
    if (this.#recent.length > 32) this.#recent.splice(0, this.#recent.length - 32)
  }

  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
  }

  #refresh(rejected: string | undefined): Promise<string> {
    this.#inflight ??= this.#refreshLocked(rejected).finally(() => {
      this.#inflight = undefined
    })
    return this.#inflight
  }

  async #refreshLocked(rejected: string | undefined): Promise<string> {
    try {
      const token = await this.#store.withLock(() => this.#refreshUnderLock(rejected))
      this.#failuresInARow = 0
      this.#retryAt = 0
      this.#schedule()
      return token
    } catch (err) {
      return this.#onFailure(err, rejected)
    }
  }

  async #refreshUnderLock(rejected: string | undefined): Promise<string> {
    const stored = await this.#readUnlessBehind()
    // Another process (or this one before a restart) may have rotated while we waited for the lock.
    if (
      stored?.accessToken !== undefined &&
      stored.accessToken !== rejected &&
      stored.expiresAt !== undefined &&
      this.#now() < stored.expiresAt - this.#marginFor(stored) &&
      (this.#seed === undefined || stored.seeds.includes(seedHash(this.#seed)))
    ) {
      this.#adopt(stored, 'adopted')
      return stored.accessToken
    }
    const choice = chooseRefreshToken(stored ?? this.#current, this.#seed)
    if (choice === undefined) throw this.#error()

    let result: ExchangeResult
    try {
      result = await this.#exchange(choice.token)
    } catch (err) {
      if (err instanceof TokenEndpointError && err.kind === 'rejected') {
        // The store may have moved on under a process that did not take the lock (or an older
        // version): one more look before telling the user to act.
        const again = await this.#readUnlessBehind()
        if (again !== undefined && again.refreshToken !== choice.token) {
          try {
            result = await this.#exchange(again.refreshToken)
          } catch (err2) {
            // Remember which token was refused last, or the next recheck would take it for new.
            if (err2 instanceof TokenEndpointError && err2.kind === 'rejected') this.#rejectedRefreshToken = again.refreshToken
            throw err2
          }
          // The refused lineage's seeds stay in the history: a refused seed still in the
          // environment must not win over the store on every refresh and restart.
          return this.#persist(result, mergeSeeds(again.seeds, choice.seeds))
        }
        this.#rejectedRefreshToken = choice.token
      }
      throw err
    }
    return this.#persist(result, choice.seeds)
  }

  async #persist(result: ExchangeResult, seeds: readonly string[]): Promise<string> {
    const next: StoredTokens = {
      refreshToken: result.refreshToken,
      accessToken: result.accessToken,
      expiresAt: result.expiresAt,
      refreshedAt: this.#now(),
      seeds: [...seeds],
    }
    try {
      // The old refresh token is dead upstream: the new one goes to disk before anything uses
      // the new access token, so a crash from here on leaves a store that works.
      await this.#store.write(next)
    } catch (err) {
      // Keeping it in memory is all that is left; say loudly that a restart would lose it.
      this.#log.error({ err, code: 'HSG_AUTH_STORE_UNREADABLE', store: this.#store.location }, 'could not persist the rotated refresh token')
    }
    this.#refreshes++
    this.#adopt(next, 'refreshed')
    return result.accessToken
  }

  #adopt(tokens: StoredTokens, how: 'refreshed' | 'adopted'): void {
    this.#current = tokens
    this.#remember(tokens)
    this.#rejectedRefreshToken = undefined
    this.#setState('ok', null)
    this.#log.info({ expiresAt: new Date(tokens.expiresAt ?? 0).toISOString() }, `access token ${how}`)
  }

  /**
   * Records a failed refresh; answers with the token in hand when it is still valid (and is not
   * the one Hubstaff just refused), else throws.
   */
  #onFailure(err: unknown, rejected: string | undefined): string {
    this.#failures++
    if (err instanceof TokenEndpointError && err.kind === 'rejected') {
      this.#setState('rejected', {
        code: 'HSG_AUTH_REFRESH_REJECTED',
        detail:
          `Hubstaff rejected the refresh token (${err.oauthError ?? `status ${err.status}`}) of the token store ${this.#store.location}. ` +
          'A refresh token works once: another gateway process, or one started with another state dir (--state-dir), may have rotated it; ' +
          `start this gateway with that process's state dir, or ${FIX}`,
      })
      this.#log.error({ code: 'HSG_AUTH_REFRESH_REJECTED', status: err.status, oauthError: err.oauthError }, 'refresh token rejected')
      // A proactive refresh still pending would exchange the refused token again.
      clearTimeout(this.#timer)
      throw this.#error()
    }
    this.#failuresInARow++
    const delay = Math.min(this.#backoff.maxMs, this.#backoff.initialMs * 2 ** (this.#failuresInARow - 1))
    const wait = Math.max(delay, Math.min(this.#maxPauseMs, err instanceof TokenEndpointError ? (err.retryAfterMs ?? 0) : 0))
    const detail = err instanceof Error ? err.message : String(err)
    const code = isGatewayError(err) && err.code === 'HSG_AUTH_LOCK_TIMEOUT' ? err.code : 'HSG_AUTH_REFRESH_UNAVAILABLE'
    this.#setState('degraded', { code, detail: `Token refresh failed (${detail}); retrying in ${Math.ceil(wait / 1000)} s.` })
    this.#log.warn({ code, retryInMs: wait, attempt: this.#failuresInARow }, 'token refresh failed; will retry')
    this.#retryAt = this.#now() + wait
    this.#schedule(wait)
    // A transient failure while the current token is still valid costs the app nothing.
    const current = this.#current
    if (current?.accessToken !== undefined && current.accessToken !== rejected && current.expiresAt !== undefined && this.#now() < current.expiresAt) {
      return current.accessToken
    }
    throw this.#unavailable(wait, err)
  }

  /**
   * Requests that find no usable token do not each hit a token endpoint that just failed: until
   * the backoff (or its Retry-After) has passed they get 503 at once, unless an attempt is running.
   */
  #throwIfBackingOff(now: number): void {
    if (this.#state === 'degraded' && this.#inflight === undefined && now < this.#retryAt) throw this.#unavailable(this.#retryAt - now)
  }

  #unavailable(waitMs: number, cause?: unknown): GatewayError {
    const code = this.#reason?.code === 'HSG_AUTH_LOCK_TIMEOUT' ? 'HSG_AUTH_LOCK_TIMEOUT' : 'HSG_AUTH_REFRESH_UNAVAILABLE'
    return new GatewayError(code, this.#reason?.detail ?? 'Token refresh failed.', {
      ...(cause === undefined ? {} : { cause }),
      headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
    })
  }

  async #recheckStore(): Promise<void> {
    const now = this.#now()
    if (now - this.#lastRecheck < this.#recheckMs) return
    this.#lastRecheck = now
    const stored = await this.#readQuietly()
    if (stored !== undefined && stored.refreshToken !== this.#rejectedRefreshToken) {
      this.#log.info('token store holds a new refresh token; leaving the rejected state')
      this.#current = stored
      this.#remember(stored)
      this.#rejectedRefreshToken = undefined
      this.#setState('ok', null)
    }
  }

  /**
   * The store's tokens, unless this process holds a later rotation that it failed to write there:
   * the store's refresh token is then dead upstream and memory holds the only live one.
   */
  async #readUnlessBehind(): Promise<StoredTokens | undefined> {
    const stored = await this.#readQuietly()
    const mine = this.#current
    if (
      stored !== undefined &&
      mine?.refreshedAt !== undefined &&
      mine.refreshToken !== stored.refreshToken &&
      mine.refreshedAt > (stored.refreshedAt ?? -Infinity)
    ) {
      return undefined
    }
    return stored
  }

  async #readQuietly(): Promise<StoredTokens | undefined> {
    try {
      return await this.#store.read()
    } catch {
      return undefined
    }
  }

  #schedule(delayMs?: number): void {
    clearTimeout(this.#timer)
    if (this.#closed) return
    const expiresAt = this.#current?.expiresAt
    const wait = delayMs ?? (expiresAt === undefined || this.#current === undefined ? undefined : expiresAt - this.#marginFor(this.#current) - this.#now())
    if (wait === undefined) return
    this.#timer = setTimeout(() => {
      if (this.#state === 'rejected') return
      this.#refresh(undefined).catch(() => undefined)
    }, Math.max(1000, Math.min(wait, 2 ** 31 - 1)))
    this.#timer.unref()
  }

  /** The refresh margin for `tokens` (see marginFor), warning once when it had to be shortened. */
  #marginFor(tokens: StoredTokens): number {
    const { marginMs, lifeMs } = marginFor(this.#marginMs, tokens)
    if (marginMs < this.#marginMs && !this.#marginWarned) {
      this.#marginWarned = true
      this.#log.warn(
        { refreshMarginS: this.#marginMs / 1000, tokenLifeS: Math.round(lifeMs / 1000), usedS: Math.round(marginMs / 1000) },
        'refresh margin (--refresh-margin) is longer than half the access token life; using half the life',
      )
    }
    return marginMs
  }

  #setState(state: TokenState, reason: { code: string; detail: string } | null): void {
    this.#state = state
    this.#reason = reason
  }

  #error(): GatewayError {
    const reason = this.#reason
    if (this.#state === 'rejected' && reason !== null) return new GatewayError('HSG_AUTH_REFRESH_REJECTED', reason.detail)
    return new GatewayError('HSG_AUTH_NO_TOKEN', reason?.detail ?? `No refresh token is known. ${FIX}`)
  }
}
