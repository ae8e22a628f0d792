import { appendFile, mkdir, open } from 'node:fs/promises'
import { join } from 'node:path'
import lockfile from 'proper-lockfile'
import writeFileAtomic from 'write-file-atomic'
import { GatewayError } from '../errors.js'
import type { BudgetSnapshot, BudgetStore, TakeRequest, TakeResult } from './store.js'
import { RollingWindow } from './window.js'

/** A budget store in this process's memory only (tests, and the fallback when Redis is away). */
export class MemoryBudgetStore implements BudgetStore {
  readonly kind: string = 'memory'
  protected window = new RollingWindow()

  take(request: TakeRequest): Promise<TakeResult> {
    return Promise.resolve(this.window.take(request))
  }

  freeTimes(now: number, windowMs: number, count: number, app?: string): Promise<number[]> {
    return Promise.resolve(this.window.freeTimes(now, windowMs, count, app))
  }

  snapshot(now: number, windowMs: number): Promise<BudgetSnapshot> {
    return Promise.resolve(this.window.snapshot(now, windowMs))
  }

  pause(until: number): Promise<void> {
    this.window.pause(until)
    return Promise.resolve()
  }

  /** The stamps in the window (used to hand them to Redis when it comes back). */
  entries(): { stamp: number; app: string | undefined }[] {
    return this.window.entries()
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}

export interface FileBudgetStoreOptions {
  readonly stateDir: string
  readonly windowMs: number
  readonly now?: () => number
  /** Called when the ledger cannot be written; the grant stands (memory is right), but a restart would forget it. */
  readonly onWriteError?: (err: unknown) => void
  /** Called once at open when the ledger held lines it could not read (they are skipped). */
  readonly onDamaged?: (skipped: number) => void
  /** The longest pause honoured from the log (one written before the cap existed may say a year), ms. */
  readonly maxPauseMs?: number
  /** Called when another process took the ledger lock from under this one (it was held past `stale`). */
  readonly onLockCompromised?: (err: Error) => void
}

const NEWLINE = 0x0a

/**
 * The embedded ledger, shared by every gateway process on one state dir: `budget.log` holds every
 * grant, and each take is one step under a lock file (proper-lockfile, as the token store): read
 * what other processes appended since, decide on the whole window, append, release. So two
 * processes on one state dir never grant more than one budget together, and a restart (or
 * kill -9) mid-window does not grant a fresh budget. Reads for headers and status follow the log
 * without the lock. The log is compacted, atomically and under the lock, when it holds many more
 * lines than the window; the others notice the new file and read it whole.
 *
 * Line format: `<epoch ms>[ <app>]` per grant, `P <epoch ms>` for a pause. Unparsable lines (a
 * torn last line after a crash) are skipped.
 */
export class FileBudgetStore extends MemoryBudgetStore {
  override readonly kind = 'file'
  readonly path: string
  readonly #dir: string
  readonly #lockPath: string
  readonly #windowMs: number
  readonly #now: () => number
  readonly #onWriteError: (err: unknown) => void
  readonly #onCompromised: (err: Error) => void
  readonly #maxPauseMs: number
  /** Bytes of the log already in the window, and which file (inode) they were read from. */
  #offset = 0
  #ino = -1
  #lines = 0
  #skipped = 0
  /** One locked batch at a time in this process (proper-lockfile is not reentrant). */
  #chain: Promise<void> = Promise.resolve()
  readonly #waiting: { fn: () => unknown; resolve: (value: unknown) => void; reject: (err: unknown) => void }[] = []
  /** The lines of the batch running under the lock, written once it is done. */
  #lines_: string[] | undefined
  /** Reading the log and changing the window, one at a time: two reads from one offset would count its lines twice. */
  #state: Promise<unknown> = Promise.resolve()
  #following: Promise<void> | undefined

  private constructor(options: FileBudgetStoreOptions) {
    super()
    this.#dir = options.stateDir
    this.path = join(options.stateDir, 'budget.log')
    this.#lockPath = `${this.path}.lock`
    this.#windowMs = options.windowMs
    this.#now = options.now ?? Date.now
    this.#onWriteError = options.onWriteError ?? (() => undefined)
    this.#onCompromised = options.onLockCompromised ?? (() => undefined)
    this.#maxPauseMs = options.maxPauseMs ?? Infinity
  }

  static async open(options: FileBudgetStoreOptions): Promise<FileBudgetStore> {
    const store = new FileBudgetStore(options)
    await mkdir(options.stateDir, { recursive: true, mode: 0o700 })
    await store.#follow(false)
    if (store.#skipped > 0) options.onDamaged?.(store.#skipped)
    return store
  }

  override take(request: TakeRequest): Promise<TakeResult> {
    return this.#locked(() => {
      // The caller read its clock before waiting for the lock (behind the other process, or a
      // loaded event loop), but #follow has already dropped the other process's stamps by this
      // clock: deciding at the caller's older time would miss them and grant past the limit, and
      // stamping that time would free the slot early by the wait. Decide and stamp at the grant.
      const now = Math.max(request.now, this.#now())
      const result = this.window.take({ ...request, now })
      if (result.granted) {
        const app = request.app === undefined ? '' : ` ${request.app.replace(/\s+/g, '_')}`
        this.#append(Array.from({ length: request.cost }, () => `${now}${app}\n`).join(''))
      }
      return result
    })
  }

  override pause(until: number): Promise<void> {
    return this.#locked(() => {
      this.window.pause(until)
      this.#append(`P ${until}\n`)
    })
  }

  override async freeTimes(now: number, windowMs: number, count: number, app?: string): Promise<number[]> {
    await this.#followQuietly()
    return super.freeTimes(now, windowMs, count, app)
  }

  override async snapshot(now: number, windowMs: number): Promise<BudgetSnapshot> {
    await this.#followQuietly()
    return super.snapshot(now, windowMs)
  }

  override async close(): Promise<void> {
    await this.#chain
  }

  /**
   * Runs `fn` holding the ledger lock, on a window that has every line of the log. The steps that
   * arrive while one batch holds the lock run together under the next one, and their lines go to
   * the log in one write before any of them resolves: one lock and one append per batch, not per
   * request.
   */
  #locked<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({ fn, resolve: resolve as (value: unknown) => void, reject })
      this.#chain = this.#chain.then(() => this.#runBatch())
    })
  }

  async #runBatch(): Promise<void> {
    const batch = this.#waiting.splice(0)
    if (batch.length === 0) return
    let release: () => Promise<void>
    try {
      release = await lockfile.lock(this.#dir, {
        lockfilePath: this.#lockPath,
        realpath: false,
        stale: 10_000,
        // About 30 s of retries: gateways on one state dir take turns in milliseconds, so only a
        // process stuck while holding the lock (and not yet stale) keeps another out that long.
        retries: { retries: 3000, factor: 1, minTimeout: 5, maxTimeout: 20 },
        onCompromised: this.#onCompromised,
      })
    } catch (err) {
      const error = new GatewayError('HSG_BUDGET_LOCK_TIMEOUT', `Another process has held the budget ledger lock ${this.#lockPath} for too long; nothing was sent to Hubstaff.`, {
        cause: err,
        headers: { 'retry-after': '1' },
      })
      for (const step of batch) step.reject(error)
      return
    }
    const done: { ok: boolean; value: unknown }[] = []
    try {
      await this.#serial(async () => {
        await this.#follow(true)
        this.#lines_ = []
        for (const step of batch) {
          try {
            done.push({ ok: true, value: step.fn() })
          } catch (err) {
            done.push({ ok: false, value: err })
          }
        }
        const lines = this.#lines_.join('')
        this.#lines_ = undefined
        if (lines !== '') await this.#write(lines)
      })
    } catch (err) {
      while (done.length < batch.length) done.push({ ok: false, value: err })
    } finally {
      await release().catch(() => undefined)
    }
    batch.forEach((step, i) => {
      const outcome = done[i] ?? { ok: false, value: new Error('budget ledger step lost') }
      if (outcome.ok) step.resolve(outcome.value)
      else step.reject(outcome.value)
    })
  }

  async #followQuietly(): Promise<void> {
    this.#following ??= this.#serial(() => this.#follow(false))
      .catch(() => undefined)
      .finally(() => {
        this.#following = undefined
      })
    await this.#following
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#state.catch(() => undefined).then(fn)
    this.#state = run
    return run
  }

  /**
   * Reads what was appended since the last read (all of it when the file was replaced: a
   * compaction, or a ledger moved aside). A line without its newline is a writer mid-append, or,
   * under the lock, one that died mid-append: then it is ended, so the next line starts on its own.
   */
  async #follow(locked: boolean): Promise<void> {
    let handle
    const unreadable = (err: unknown) =>
      new GatewayError('HSG_BUDGET_LEDGER_DAMAGED', `Cannot read the budget ledger ${this.path}: ${(err as Error).message}. Move it aside (the gateway then starts a new one).`, { cause: err })
    try {
      handle = await open(this.path, 'r')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw unreadable(err)
      if (this.#ino !== -1) this.#restart(-1)
      return
    }
    try {
      const stat = await handle.stat()
      if (!stat.isFile()) throw unreadable(new Error('not a file'))
      const { ino, size } = stat
      if (ino !== this.#ino || size < this.#offset) this.#restart(ino)
      if (size === this.#offset) return
      const tail = Buffer.alloc(size - this.#offset)
      const { bytesRead } = await handle.read(tail, 0, tail.length, this.#offset)
      const whole = tail.lastIndexOf(NEWLINE, bytesRead - 1) + 1
      this.#apply(tail.subarray(0, whole).toString('utf8'))
      this.#offset += whole
      if (locked && whole < bytesRead) {
        this.#skipped++
        await appendFile(this.path, '\n', { mode: 0o600 })
        this.#offset += bytesRead - whole + 1
      }
    } finally {
      await handle.close()
    }
  }

  #restart(ino: number): void {
    this.window = new RollingWindow()
    this.#offset = 0
    this.#lines = 0
    this.#ino = ino
  }

  #apply(text: string): void {
    const now = this.#now()
    const cutoff = now - this.#windowMs
    for (const line of text.split('\n')) {
      if (line === '') continue
      this.#lines++
      const pause = /^P (\d+)$/.exec(line)
      if (pause) {
        this.window.pause(Math.min(Number(pause[1]), now + this.#maxPauseMs))
        continue
      }
      const grant = /^(\d+)(?: (\S+))?$/.exec(line)
      if (grant === null) this.#skipped++
      // A stamp from the future can only be damage; it would never leave the window.
      else if (Number(grant[1]) > cutoff && Number(grant[1]) <= now + this.#windowMs) this.window.add(Number(grant[1]), grant[2])
    }
  }

  /** Under the lock: the lines join the batch's one write. */
  #append(lines: string): void {
    this.#lines_?.push(lines)
  }

  /** Under the lock: appends, or rewrites the log as the window once it has grown well past it. */
  async #write(lines: string): Promise<void> {
    try {
      const count = lines.split('\n').length - 1
      if (this.#lines + count > Math.max(2048, this.window.used * 4)) {
        await this.#compact()
        return
      }
      await appendFile(this.path, lines, { mode: 0o600 })
      this.#offset += Buffer.byteLength(lines)
      this.#lines += count
      // A first append creates the file: this is the one the offset counts in.
      if (this.#ino === -1) this.#ino = (await open(this.path, 'r').then(async (h) => h.stat().finally(() => h.close()))).ino
    } catch (err) {
      this.#onWriteError(err)
    }
  }

  async #compact(): Promise<void> {
    const snapshot = this.window.snapshot(this.#now(), this.#windowMs)
    const lines = this.window.entries().map((e) => `${e.stamp}${e.app === undefined ? '' : ` ${e.app}`}\n`)
    if (snapshot.pausedUntil > 0) lines.push(`P ${snapshot.pausedUntil}\n`)
    const text = lines.join('')
    await mkdir(this.#dir, { recursive: true, mode: 0o700 })
    await writeFileAtomic(this.path, text, { mode: 0o600 })
    const handle = await open(this.path, 'r')
    try {
      this.#ino = (await handle.stat()).ino
    } finally {
      await handle.close()
    }
    this.#offset = Buffer.byteLength(text)
    this.#lines = lines.length
  }
}
