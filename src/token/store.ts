import { sha256Hex } from '../digest.js'
import { mkdir, open, readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import lockfile from 'proper-lockfile'
import writeFileAtomic from 'write-file-atomic'
import { GatewayError } from '../errors.js'

/** What the token store holds. Every field is a secret or derived from one: the file is 0600. */
export interface StoredTokens {
  readonly refreshToken: string
  readonly accessToken?: string | undefined
  /** Epoch ms when the access token expires. */
  readonly expiresAt?: number | undefined
  /** Epoch ms of the exchange that produced these tokens. */
  readonly refreshedAt?: number | undefined
  /** Hashes of the personal access tokens this lineage was seeded from, newest last. */
  readonly seeds: readonly string[]
}

/**
 * Where rotated tokens live. `withLock` must exclude every other process that shares the store,
 * because exchanging the same refresh token twice locks one of them out.
 */
export interface TokenStore {
  read(): Promise<StoredTokens | undefined>
  write(tokens: StoredTokens): Promise<void>
  withLock<T>(fn: () => Promise<T>): Promise<T>
  /** Moves an unreadable store aside so that nothing is lost and a new lineage can start. */
  quarantine(): Promise<string | undefined>
  readonly location: string
}

export function seedHash(seed: string): string {
  return sha256Hex(seed)
}

export interface FileTokenStoreOptions {
  readonly stateDir: string
  /** How long to wait for another process's exchange, ms. @default 20000 */
  readonly lockWaitMs?: number
  /** A lock not refreshed for this long belongs to a dead process, ms. @default 5000 */
  readonly staleMs?: number
  readonly onLockCompromised?: (err: Error) => void
}

/** The embedded store: `tokens.json` (0600) and a lock file beside it in the state dir (0700). */
export class FileTokenStore implements TokenStore {
  readonly location: string
  readonly #dir: string
  readonly #lockPath: string
  readonly #lockWaitMs: number
  readonly #staleMs: number
  readonly #onCompromised: (err: Error) => void

  constructor(options: FileTokenStoreOptions) {
    this.#dir = options.stateDir
    this.location = join(options.stateDir, 'tokens.json')
    this.#lockPath = join(options.stateDir, 'tokens.lock')
    this.#lockWaitMs = options.lockWaitMs ?? 20_000
    this.#staleMs = options.staleMs ?? 5_000
    this.#onCompromised = options.onLockCompromised ?? (() => undefined)
  }

  async read(): Promise<StoredTokens | undefined> {
    let raw: string
    try {
      raw = await readFile(this.location, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new GatewayError('HSG_AUTH_STORE_UNREADABLE', `Cannot read the token store ${this.location}: ${(err as Error).message}`, { cause: err })
    }
    const parsed = parseStored(raw)
    if (parsed === undefined) {
      throw new GatewayError(
        'HSG_AUTH_STORE_UNREADABLE',
        `The token store ${this.location} is not a valid token file; move it away and start with a new personal access token.`,
      )
    }
    return parsed
  }

  async write(tokens: StoredTokens): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 })
    // write-file-atomic writes a temp file, fsyncs it and renames it over the old one; the
    // directory fsync makes the rename itself survive a power cut.
    await writeFileAtomic(this.location, JSON.stringify(tokens, null, 2) + '\n', { mode: 0o600, fsync: true })
    const dir = await open(this.#dir, 'r')
    try {
      await dir.sync()
    } finally {
      await dir.close()
    }
  }

  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 })
    let release: () => Promise<void>
    try {
      release = await lockfile.lock(this.#dir, {
        lockfilePath: this.#lockPath,
        realpath: false,
        stale: this.#staleMs,
        retries: { retries: Math.ceil(this.#lockWaitMs / 100), factor: 1, minTimeout: 100, maxTimeout: 100 },
        onCompromised: this.#onCompromised,
      })
    } catch (err) {
      throw new GatewayError(
        'HSG_AUTH_LOCK_TIMEOUT',
        `Another process has held the token lock ${this.#lockPath} for more than ${this.#lockWaitMs / 1000} s.`,
        { cause: err },
      )
    }
    try {
      return await fn()
    } finally {
      await release().catch(() => undefined)
    }
  }

  async quarantine(): Promise<string | undefined> {
    const aside = `${this.location}.corrupt-${Date.now()}`
    try {
      await rename(this.location, aside)
      return aside
    } catch {
      return undefined
    }
  }
}

/** The tokens in `raw`, or undefined when it is not a valid token record (shared by every TokenStore). */
export function parseStored(raw: string): StoredTokens | undefined {
  let data: unknown
  try {
    data = JSON.parse(raw)
  } catch {
    return undefined
  }
  if (data === null || typeof data !== 'object') return undefined
  const d = data as Record<string, unknown>
  if (typeof d.refreshToken !== 'string' || d.refreshToken === '') return undefined
  const optionalString = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)
  const optionalNumber = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
  return {
    refreshToken: d.refreshToken,
    accessToken: optionalString(d.accessToken),
    expiresAt: optionalNumber(d.expiresAt),
    refreshedAt: optionalNumber(d.refreshedAt),
    seeds: Array.isArray(d.seeds) ? d.seeds.filter((s): s is string => typeof s === 'string') : [],
  }
}
