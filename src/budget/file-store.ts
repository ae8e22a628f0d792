import { appendFile, mkdir, readFile } from 'node:fs/promises'
import { GatewayError } from '../errors.js'
import { join } from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import type { BudgetSnapshot, BudgetStore, TakeRequest, TakeResult } from './store.js'
import { RollingWindow } from './window.js'

/** A budget store in this process's memory only (tests, and the fallback when Redis is away). */
export class MemoryBudgetStore implements BudgetStore {
  readonly kind: string = 'memory'
  protected readonly window = new RollingWindow()

  take(request: TakeRequest): Promise<TakeResult> {
    return Promise.resolve(this.window.take(request))
  }

  freeTimes(now: number, windowMs: number, count: number): Promise<number[]> {
    return Promise.resolve(this.window.freeTimes(now, windowMs, count))
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
}

/**
 * The embedded ledger: the window in memory, every grant appended to `budget.log` in the state
 * dir before the request goes upstream, so a restart (or kill -9) mid-window does not grant a
 * fresh budget. Appends made in one tick share one write; the log is compacted, atomically, when
 * it holds many more lines than the window.
 *
 * Line format: `<epoch ms>[ <app>]` per grant, `P <epoch ms>` for a pause. Unparsable lines (a
 * torn last line after a crash) are skipped.
 */
export class FileBudgetStore extends MemoryBudgetStore {
  override readonly kind = 'file'
  readonly path: string
  readonly #dir: string
  readonly #windowMs: number
  readonly #now: () => number
  readonly #onWriteError: (err: unknown) => void
  #pending: string[] = []
  /** The scheduled write that will carry the pending lines. */
  #flush: Promise<void> | undefined
  /** Writes run one after another, so a compaction never races an append. */
  #chain: Promise<void> = Promise.resolve()
  #linesWritten = 0

  private constructor(options: FileBudgetStoreOptions) {
    super()
    this.#dir = options.stateDir
    this.path = join(options.stateDir, 'budget.log')
    this.#windowMs = options.windowMs
    this.#now = options.now ?? Date.now
    this.#onWriteError = options.onWriteError ?? (() => undefined)
  }

  static async open(options: FileBudgetStoreOptions): Promise<FileBudgetStore> {
    const store = new FileBudgetStore(options)
    await mkdir(options.stateDir, { recursive: true, mode: 0o700 })
    let text = ''
    try {
      text = await readFile(store.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new GatewayError('HSG_BUDGET_LEDGER_DAMAGED', `Cannot read the budget ledger ${store.path}: ${(err as Error).message}. Move it aside (the gateway then starts a new one).`, { cause: err })
      }
    }
    const now = store.#now()
    const cutoff = now - options.windowMs
    // A kill -9 in the middle of an append leaves a torn last line: end it, so the next append
    // starts a line of its own instead of gluing onto it.
    if (text !== '' && !text.endsWith('\n')) store.#pending.push('\n')
    let skipped = 0
    for (const line of text.split('\n')) {
      const pause = /^P (\d+)$/.exec(line)
      if (pause) {
        store.window.pause(Number(pause[1]))
        continue
      }
      const grant = /^(\d+)(?: (\S+))?$/.exec(line)
      if (grant === null && line !== '') skipped++
      // A stamp from the future can only be damage; it would never leave the window.
      if (grant && Number(grant[1]) > cutoff && Number(grant[1]) <= now + options.windowMs) store.window.add(Number(grant[1]), grant[2])
    }
    store.#linesWritten = text === '' ? 0 : text.split('\n').length
    if (skipped > 0) options.onDamaged?.(skipped)
    return store
  }

  override async take(request: TakeRequest): Promise<TakeResult> {
    const result = this.window.take(request)
    if (result.granted) {
      const app = request.app === undefined ? '' : ` ${request.app.replace(/\s+/g, '_')}`
      await this.#append(Array.from({ length: request.cost }, () => `${request.now}${app}\n`).join(''))
    }
    return result
  }

  override async pause(until: number): Promise<void> {
    this.window.pause(until)
    await this.#append(`P ${until}\n`)
  }

  override async close(): Promise<void> {
    await this.#chain
  }

  #append(lines: string): Promise<void> {
    this.#pending.push(lines)
    if (this.#flush === undefined) {
      this.#flush = this.#chain.then(() => this.#write())
      this.#chain = this.#flush
    }
    return this.#flush
  }

  async #write(): Promise<void> {
    const chunk = this.#pending.join('')
    this.#pending = []
    this.#flush = undefined
    try {
      this.#linesWritten += chunk.split('\n').length - 1
      if (this.#linesWritten > Math.max(2048, this.window.used * 4)) await this.#compact()
      else await appendFile(this.path, chunk, { mode: 0o600 })
    } catch (err) {
      this.#onWriteError(err)
    }
  }

  /** Rewrites the log as just the window: the grants still counting and the pause. */
  async #compact(): Promise<void> {
    const snapshot = this.window.snapshot(this.#now(), this.#windowMs)
    const lines = this.window.entries().map((e) => `${e.stamp}${e.app === undefined ? '' : ` ${e.app}`}\n`)
    if (snapshot.pausedUntil > 0) lines.push(`P ${snapshot.pausedUntil}\n`)
    await mkdir(this.#dir, { recursive: true, mode: 0o700 })
    await writeFileAtomic(this.path, lines.join(''), { mode: 0o600 })
    this.#linesWritten = lines.length
  }
}
