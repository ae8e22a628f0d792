import { basename, join } from 'node:path'
import { stat } from 'node:fs/promises'
import type { Logger } from 'pino'
import { GatewayError } from '../errors.js'
import type { GatewayRequest, GatewayResponse, Handler } from '../pipeline/types.js'
import type { HarEntry } from './har.js'
import { keyOfUrl, normalisePath, recordingKey } from './key.js'
import type { Redactor } from './redact.js'
import { replayAnswer } from './replay-answer.js'
import { CorruptRecording, fileNameFor, fileStamp, listHarFiles, OversizedRecording, readHarFile } from './store.js'

/** One recorded exchange, as replay finds it. */
interface Recorded {
  readonly file: string
  readonly index: number
  readonly entry: HarEntry
  readonly key: string
}

type FileState = { readonly stamp: string; readonly entries: readonly Recorded[] } | { readonly stamp: string; readonly corrupt: CorruptRecording }

export interface ReplayStatus {
  readonly dir: string
  /** HAR files read (corrupt ones included). */
  readonly files: number
  /** Recorded exchanges in them. */
  readonly entries: number
  /** Exchanges replayed at least once since the gateway started. */
  readonly used: number
  readonly unused: number
  /** Files that could not be read, and why. */
  readonly corrupt: readonly { file: string; reason: string }[]
}

export interface ReplayIndexOptions {
  readonly dir: string
  readonly redactor: Redactor
  readonly logger: Logger
  /** Largest file read, bytes (checked before reading); a larger one is set aside as an OversizedRecording. @default 67108864 */
  readonly maxBytes?: number
  /** A folder unchanged on disk is looked at again at most this often, ms (in-place edits do not touch its mtime). @default 2000 */
  readonly recheckMs?: number
  readonly now?: () => number
}

export type ReplayLookup =
  | { readonly kind: 'hit'; readonly entry: HarEntry; readonly file: string }
  | { readonly kind: 'corrupt'; readonly corrupt: CorruptRecording }
  | { readonly kind: 'miss'; readonly request: string }

/** Edit distance, for naming the recordings nearest to a request that has none. */
function distance(a: string, b: string): number {
  const x = a.slice(0, 200)
  const y = b.slice(0, 200)
  let row = Array.from({ length: y.length + 1 }, (_, i) => i)
  for (let i = 1; i <= x.length; i++) {
    const next = [i]
    for (let j = 1; j <= y.length; j++) {
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1))
    }
    row = next
  }
  return row[y.length] ?? 0
}

/** `POST /v2/x #abcd` → `POST /v2/x (body abcd)`: what a person reads in an error. */
function display(key: string): string {
  return key.replace(/ #([0-9a-f]+)$/, ' (body $1)')
}

/**
 * The recordings folder as replay sees it: every `*.har` file, indexed by request key. Files are
 * read again when the folder or a file changes (record-missing adds files while replay runs). A
 * file that cannot be read is set aside, named in the log once and in `/_gateway/status`, and the
 * requests that would have used it get an error naming it; the other recordings keep serving.
 */
export class ReplayIndex {
  readonly dir: string
  readonly #redactor: Redactor
  readonly #logger: Logger
  readonly #recheckMs: number
  readonly #maxBytes: number
  readonly #now: () => number
  #files = new Map<string, FileState>()
  #byKey = new Map<string, Recorded[]>()
  readonly #cursor = new Map<string, number>()
  readonly #used = new Set<string>()
  #dirStamp: string | undefined
  #checkedAt = -Infinity
  #loading: Promise<void> | undefined

  constructor(options: ReplayIndexOptions) {
    this.dir = options.dir
    this.#redactor = options.redactor
    this.#logger = options.logger
    this.#recheckMs = options.recheckMs ?? 2000
    this.#maxBytes = options.maxBytes ?? 64 * 1024 * 1024
    this.#now = options.now ?? Date.now
  }

  /** Reads what changed on disk since the last look; concurrent callers share one reading. */
  refresh(): Promise<void> {
    this.#loading ??= this.#refresh().finally(() => {
      this.#loading = undefined
    })
    return this.#loading
  }

  /** The request's next recorded answer: the nth identical request gets the nth recording, then the last again. */
  async lookup(request: Pick<GatewayRequest, 'method' | 'path' | 'query' | 'body'>): Promise<ReplayLookup> {
    await this.refresh()
    const redactor = this.#redactor
    const key = recordingKey(request.method, request.path, redactor.query(request.query), redactor.body(request.body))
    let recorded = this.#byKey.get(key)
    if (recorded === undefined || recorded.length === 0) {
      // The file this request's recording would be in, had the gateway written it.
      const path = join(this.dir, fileNameFor(key, request.method, normalisePath(request.path)))
      const own = this.#files.get(path)
      if (own !== undefined && 'corrupt' in own) {
        // Someone may just have fixed it in place, which leaves the folder's mtime alone.
        if ((await fileStamp(path)) === own.stamp) return { kind: 'corrupt', corrupt: own.corrupt }
        this.#checkedAt = -Infinity
        await this.refresh()
        recorded = this.#byKey.get(key)
        const now = this.#files.get(path)
        if (now !== undefined && 'corrupt' in now) return { kind: 'corrupt', corrupt: now.corrupt }
      }
    }
    if (recorded === undefined || recorded.length === 0) {
      return { kind: 'miss', request: display(key) }
    }
    const n = this.#cursor.get(key) ?? 0
    this.#cursor.set(key, n + 1)
    const chosen = recorded[Math.min(n, recorded.length - 1)] as Recorded
    this.#used.add(`${chosen.file}#${chosen.index}`)
    return { kind: 'hit', entry: chosen.entry, file: chosen.file }
  }

  /** Up to `count` recorded requests closest to `request` (a display string from a miss). */
  nearest(request: string, count = 3): { request: string; file: string }[] {
    const method = request.split(' ')[0]
    const candidates: { request: string; file: string; prefix: number }[] = []
    for (const [key, recorded] of this.#byKey) {
      const shown = display(key)
      const first = recorded[0]
      if (first === undefined) continue
      let prefix = 0
      while (prefix < shown.length && shown[prefix] === request[prefix]) prefix++
      candidates.push({ request: shown, file: basename(first.file), prefix })
    }
    // A big folder: the edit distance is only worth computing for those that share the longest start.
    const shortlist = candidates.sort((a, b) => b.prefix - a.prefix).slice(0, 50)
    return shortlist
      // Another method is a worse match than any spelling of the same one.
      .map((c) => ({ ...c, score: distance(request, c.request) + (c.request.split(' ')[0] === method ? 0 : 1000) }))
      .sort((a, b) => a.score - b.score || (a.request < b.request ? -1 : 1))
      .slice(0, count)
      .map(({ request: r, file }) => ({ request: r, file }))
  }

  corruptFiles(): { file: string; reason: string }[] {
    const out: { file: string; reason: string }[] = []
    for (const [file, state] of this.#files) if ('corrupt' in state) out.push({ file, reason: state.corrupt.reason })
    return out
  }

  status(): ReplayStatus {
    let entries = 0
    let used = 0
    for (const state of this.#files.values()) {
      if (!('entries' in state)) continue
      entries += state.entries.length
      for (const r of state.entries) if (this.#used.has(`${r.file}#${r.index}`)) used++
    }
    return { dir: this.dir, files: this.#files.size, entries, used, unused: entries - used, corrupt: this.corruptFiles() }
  }

  async #refresh(): Promise<void> {
    let dirStamp: string | undefined
    try {
      const s = await stat(this.dir)
      dirStamp = `${s.mtimeMs}`
    } catch {
      dirStamp = undefined
    }
    const now = this.#now()
    if (dirStamp === this.#dirStamp && now - this.#checkedAt < this.#recheckMs) return
    this.#dirStamp = dirStamp
    this.#checkedAt = now
    let paths: string[]
    try {
      paths = await listHarFiles(this.dir)
    } catch (err) {
      this.#logger.error({ code: 'HSG_REPLAY_CORRUPT', dir: this.dir, reason: (err as Error).message }, 'recordings folder unreadable')
      paths = []
    }
    const files = new Map<string, FileState>()
    let changed = paths.length !== this.#files.size
    for (const path of paths) {
      const stamp = (await fileStamp(path)) ?? 'gone'
      const before = this.#files.get(path)
      if (before !== undefined && before.stamp === stamp) {
        files.set(path, before)
        continue
      }
      changed = true
      for (const mark of [...this.#used]) if (mark.startsWith(`${path}#`)) this.#used.delete(mark)
      files.set(path, await this.#read(path, stamp))
    }
    if (!changed && [...files.keys()].every((p) => this.#files.has(p))) return
    const byKey = new Map<string, Recorded[]>()
    for (const state of files.values()) {
      if (!('entries' in state)) continue
      for (const recorded of state.entries) {
        const list = byKey.get(recorded.key)
        if (list === undefined) byKey.set(recorded.key, [recorded])
        else list.push(recorded)
      }
    }
    this.#files = files
    this.#byKey = byKey
  }

  async #read(path: string, stamp: string): Promise<FileState> {
    try {
      const entries = await readHarFile(path, this.#maxBytes)
      const recorded = entries.map((entry, index) => ({
        file: path,
        index,
        entry,
        key: keyOfUrl(entry.request.method, entry.request.url, entry.request.postData?.text),
      }))
      return { stamp, entries: recorded }
    } catch (err) {
      const corrupt = err instanceof CorruptRecording ? err : new CorruptRecording(path, `cannot be used (${(err as Error).message})`)
      const code = corrupt instanceof OversizedRecording ? 'HSG_REPLAY_TOO_LARGE' : 'HSG_REPLAY_CORRUPT'
      this.#logger.error({ code, file: path, reason: corrupt.reason }, `recording unreadable; its requests answer ${code}`)
      return { stamp, corrupt }
    }
  }
}

export interface ReplayTerminalOptions {
  /** What answers a request with no recording: the mock, or the recorder in front of Hubstaff. */
  readonly fallback?: Handler | undefined
}

/**
 * Replay mode's terminal: the recorded answer (`source: 'replay'`, no upstream call, no token),
 * else the fallback, else 404 `HSG_REPLAY_MISS` naming the nearest recordings.
 */
export function replayTerminal(index: ReplayIndex, options: ReplayTerminalOptions = {}): Handler {
  return async (request): Promise<GatewayResponse> => {
    const found = await index.lookup(request)
    if (found.kind === 'hit') return replayAnswer(found.entry, found.file)
    if (found.kind === 'corrupt' && found.corrupt instanceof OversizedRecording) {
      const { limit, size } = found.corrupt
      throw new GatewayError('HSG_REPLAY_TOO_LARGE', `${found.corrupt.message} Replay reads files up to --replay-max-bytes (${limit}); split the recording, or raise --replay-max-bytes.`, {
        extensions: { file: found.corrupt.file, size, limit },
      })
    }
    if (found.kind === 'corrupt') {
      throw new GatewayError('HSG_REPLAY_CORRUPT', `${found.corrupt.message} Fix or delete it (hubstaff-gateway recordings check lists every such file), or record it again.`, {
        extensions: { file: found.corrupt.file },
      })
    }
    if (options.fallback !== undefined) return options.fallback(request)
    const nearest = index.nearest(found.request)
    const corrupt = index.corruptFiles()
    const hint =
      nearest.length === 0
        ? ` The folder ${index.dir} holds no recordings.`
        : ` Nearest: ${nearest.map((n) => `${n.request} (${n.file})`).join('; ')}.`
    const unreadable = corrupt.length === 0 ? '' : ` ${corrupt.length} recording file(s) could not be read: ${corrupt.map((c) => basename(c.file)).join(', ')}.`
    throw new GatewayError('HSG_REPLAY_MISS', `No recording matches ${found.request}.${hint}${unreadable}`, { extensions: { nearest } })
  }
}
