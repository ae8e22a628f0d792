// An in-memory TokenStore for the token manager's tests, with a real async mutex for withLock and
// counters, plus the few helpers those tests share: JWT-shaped tokens, a settable clock, a stub
// token exchange, a silent or capturing logger.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino, type Logger } from 'pino'
import { GatewayError } from '../../src/errors.js'
import type { ExchangeResult } from '../../src/token/exchange.js'
import type { StoredTokens, TokenStore } from '../../src/token/store.js'

/** A FIFO async mutex: each holder runs alone, waiters go in arrival order. */
export class Mutex {
  #tail: Promise<void> = Promise.resolve()
  #held = 0
  #maxHeld = 0

  /** The most holders ever inside at once (1 when the mutex works). */
  get maxHeld(): number {
    return this.#maxHeld
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#tail
    let release!: () => void
    this.#tail = new Promise<void>((resolve) => {
      release = resolve
    })
    await previous
    this.#held++
    this.#maxHeld = Math.max(this.#maxHeld, this.#held)
    try {
      return await fn()
    } finally {
      this.#held--
      release()
    }
  }
}

export interface Deferred<T> {
  readonly promise: Promise<T>
  resolve(value: T): void
  reject(err: unknown): void
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (err: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/**
 * A fresh directory removed at teardown. Unlike t.testdir() its name is unique per run, so two
 * runs of the suite in one checkout (several people testing at once) never share lock files.
 */
export function tempDir(t: { teardown(fn: () => void): void }, prefix = 'hsg-token-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Waits until `cond` holds, polling; fails after `timeoutMs` (generous: the machine may be loaded). */
export async function until(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(5)
  }
}

/** Lets every already-queued promise callback run. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve))

export interface MemoryTokenStoreOptions {
  readonly initial?: StoredTokens | undefined
  /** Delay of every write before it lands, ms. */
  readonly writeDelayMs?: number
}

/** Implements TokenStore in memory; every read, write and lock is counted. */
export class MemoryTokenStore implements TokenStore {
  readonly location = 'memory:tokens.json'
  readonly mutex = new Mutex()
  data: StoredTokens | undefined
  reads = 0
  writes = 0
  locks = 0
  quarantines = 0
  /** Every write in order, as it landed. */
  readonly written: StoredTokens[] = []
  /** 'write-start', 'write-end', plus whatever tests push. */
  readonly events: string[] = []
  writeDelayMs: number
  /** When set, a write waits for it before it lands. */
  writeGate: Promise<void> | undefined
  /** When set, the store reads as unreadable (as a corrupt file would). */
  corrupt = false
  /** This many following writes fail. */
  failWrites = 0
  /** When set, withLock fails with this error instead of locking. */
  lockError: Error | undefined
  /** Runs after each read has taken its snapshot (before the caller sees it). */
  onRead: ((n: number) => void) | undefined

  constructor(options: MemoryTokenStoreOptions = {}) {
    this.data = options.initial
    this.writeDelayMs = options.writeDelayMs ?? 0
  }

  read(): Promise<StoredTokens | undefined> {
    this.reads++
    if (this.corrupt) {
      return Promise.reject(new GatewayError('HSG_AUTH_STORE_UNREADABLE', `The token store ${this.location} is not a valid token file.`))
    }
    const snapshot = this.data === undefined ? undefined : clone(this.data)
    this.onRead?.(this.reads)
    return Promise.resolve(snapshot)
  }

  async write(tokens: StoredTokens): Promise<void> {
    this.events.push('write-start')
    if (this.writeDelayMs > 0) await sleep(this.writeDelayMs)
    if (this.writeGate !== undefined) await this.writeGate
    if (this.failWrites > 0) {
      this.failWrites--
      this.events.push('write-failed')
      throw new Error('ENOSPC: no space left on device')
    }
    this.data = clone(tokens)
    this.written.push(clone(tokens))
    this.writes++
    this.events.push('write-end')
  }

  withLock<T>(fn: () => Promise<T>): Promise<T> {
    if (this.lockError !== undefined) return Promise.reject(this.lockError)
    this.locks++
    return this.mutex.run(fn)
  }

  quarantine(): Promise<string | undefined> {
    this.quarantines++
    // As the real stores: nothing stored, nothing moved aside.
    if (!this.corrupt && this.data === undefined) return Promise.resolve(undefined)
    this.corrupt = false
    this.data = undefined
    return Promise.resolve(`${this.location}.corrupt-test`)
  }
}

function clone(tokens: StoredTokens): StoredTokens {
  return { ...tokens, seeds: [...tokens.seeds] }
}

/** A JWT-shaped token (not signed: the gateway never verifies) whose `exp` is `expMs` rounded down to seconds. */
export function fakeJwt(expMs: number, extra: Record<string, unknown> = {}): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ exp: Math.floor(expMs / 1000), ...extra })}.c2ln`
}

/** A clock tests move by hand. Starts on a whole second so JWT `exp` round-trips exactly. */
export class Clock {
  t: number
  constructor(start = 1_700_000_000_000) {
    this.t = start
  }
  readonly now = (): number => this.t
  advance(ms: number): void {
    this.t += ms
  }
}

export type ExchangeBehaviour = (refreshToken: string, call: number) => ExchangeResult | Promise<ExchangeResult>

export interface StubExchangeOptions {
  /** Lifetime of the access tokens it issues, ms. @default one hour */
  readonly ttlMs?: number
  /** Delay before every answer, ms. */
  readonly delayMs?: number
}

/**
 * Stands in for exchangeRefreshToken. By default it behaves like Hubstaff: each call issues
 * `access-<n>` (JWT-shaped) and rotates to `refresh-<n>`. Set `behaviour` to fail or vary it.
 */
export class StubExchange {
  readonly calls: string[] = []
  /** Exchanges that have answered (resolved or thrown). */
  settled = 0
  behaviour: ExchangeBehaviour | undefined
  gate: Promise<void> | undefined
  readonly #clock: () => number
  readonly #ttlMs: number
  readonly #delayMs: number
  #issued = 0

  constructor(clock: () => number, options: StubExchangeOptions = {}) {
    this.#clock = clock
    this.#ttlMs = options.ttlMs ?? 3600_000
    this.#delayMs = options.delayMs ?? 0
  }

  /** What Hubstaff would answer for a good token. */
  issue(): ExchangeResult {
    const n = ++this.#issued
    const expiresAt = Math.floor((this.#clock() + this.#ttlMs) / 1000) * 1000
    return { accessToken: fakeJwt(expiresAt, { n }), refreshToken: `refresh-${n}`, expiresAt }
  }

  readonly fn = async (refreshToken: string): Promise<ExchangeResult> => {
    const call = this.calls.push(refreshToken)
    try {
      if (this.#delayMs > 0) await sleep(this.#delayMs)
      if (this.gate !== undefined) await this.gate
      return this.behaviour === undefined ? this.issue() : await this.behaviour(refreshToken, call)
    } finally {
      this.settled++
    }
  }
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}

/** A logger whose lines (parsed) land in `lines`. */
export function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = []
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string) {
        lines.push(JSON.parse(line) as Record<string, unknown>)
      },
    },
  )
  return { logger, lines }
}
