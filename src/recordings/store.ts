import { createHash } from 'node:crypto'
import { mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises'
import { basename, join } from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { harProblem, type HarEntry, type HarLog } from './har.js'
import { FileQueues } from './queue.js'

/**
 * Recordings on disk: one HAR file per request key, named `<method>_<path>_<hash>.har` so that a
 * person can find a request's file and no key can name a file outside the folder. Writes replace
 * the whole file atomically (temp file, fsync, rename), so a crash leaves the old file or the new
 * one, never half of one.
 */

export const HAR_EXTENSION = '.har'

/** `GET /v2/projects/7/tasks` + key → `get_v2_projects_7_tasks_1a2b3c4d5e6f.har`: only [a-z0-9_]. */
export function fileNameFor(key: string, method: string, path: string): string {
  const slug = `${method}_${path}`
    .toLowerCase()
    .replace(/%[0-9a-f]{2}/g, '_')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 80)
    .replace(/_+$/, '')
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 12)
  return `${slug}_${hash}${HAR_EXTENSION}`
}

/** A recording that cannot be used: the file and why, for errors, logs and `recordings check`. */
export class CorruptRecording extends Error {
  readonly file: string
  readonly reason: string
  constructor(file: string, reason: string) {
    super(`The recording ${file} ${reason}.`)
    this.name = 'CorruptRecording'
    this.file = file
    this.reason = reason
  }
}

/** A recording larger than replay reads (`--replay-max-bytes`): set aside unread. */
export class OversizedRecording extends CorruptRecording {
  readonly size: number
  readonly limit: number
  constructor(file: string, size: number, limit: number) {
    super(file, `is ${size} bytes, more than the ${limit} replay reads`)
    this.name = 'OversizedRecording'
    this.size = size
    this.limit = limit
  }
}

/** The entries of a HAR file's text; a CorruptRecording naming the file when it is not one. */
export function parseHar(file: string, text: string): HarEntry[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    const why = (err as Error).message.replace(/,?\s*".*$/s, '').replace(/\s+/g, ' ')
    throw new CorruptRecording(file, text.trim() === '' ? 'is empty' : `is not valid JSON (${why})`)
  }
  const problem = harProblem(value)
  if (problem !== undefined) throw new CorruptRecording(file, problem)
  return [...(value as HarLog).log.entries]
}

/** The file's size is checked before it is read: a huge file costs several times its size once parsed. */
export async function readHarFile(file: string, maxBytes = Infinity): Promise<HarEntry[]> {
  let text: string
  try {
    const { size } = await stat(file)
    if (size > maxBytes) throw new OversizedRecording(file, size, maxBytes)
    text = await readFile(file, 'utf8')
  } catch (err) {
    if (err instanceof CorruptRecording) throw err
    throw new CorruptRecording(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  }
  return parseHar(file, text)
}

/** The HAR files directly in `dir` (temp files of an interrupted write end otherwise and are ignored), sorted. */
export async function listHarFiles(dir: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  return names
    .filter((n) => n.endsWith(HAR_EXTENSION) && !n.startsWith('.'))
    .sort()
    .map((n) => join(dir, n))
}

/** write-file-atomic writes `<name>.har.<number>` and renames it; a killed write leaves it behind. */
const TEMP_FILE = /^[^.][^/]*\.har\.\d+$/

export function isTempFile(name: string): boolean {
  return TEMP_FILE.test(name)
}

/** The temp files of interrupted writes directly in `dir`, sorted. */
export async function listTempFiles(dir: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  return names
    .filter(isTempFile)
    .sort()
    .map((n) => join(dir, n))
}

/**
 * Deletes what interrupted writes left in `dir` (none is a recording: the rename never happened),
 * returning the files and bytes removed. Run when the gateway opens the folder, before it writes.
 */
export async function removeTempFiles(dir: string): Promise<{ files: string[]; bytes: number }> {
  const removed: string[] = []
  let bytes = 0
  for (const file of await listTempFiles(dir)) {
    try {
      const { size } = await stat(file)
      await unlink(file)
      removed.push(file)
      bytes += size
    } catch (err) {
      // Gone already (another process cleaned it): nothing left to do.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
  return { files: removed, bytes }
}

/** Modification time and size, or undefined when the file is gone. */
export async function fileStamp(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path)
    return `${s.mtimeMs}:${s.size}`
  } catch {
    return undefined
  }
}

export class RecordingStore {
  readonly dir: string
  /** Writes to one file are queued behind each other; different files are written in parallel. */
  readonly #queues = new FileQueues()
  readonly #maxBytes: number
  #made = false

  /** `maxBytes`: a file larger than this is not read back (it is rewritten afresh). @default Infinity */
  constructor(dir: string, options: { maxBytes?: number } = {}) {
    this.dir = dir
    this.#maxBytes = options.maxBytes ?? Infinity
  }

  pathOf(name: string): string {
    // The name comes from fileNameFor, but a file name is never trusted to stay inside the folder.
    if (basename(name) !== name || name.startsWith('.')) throw new Error(`not a recording file name: ${JSON.stringify(name)}`)
    return join(this.dir, name)
  }

  /** The entries already in a file, or [] when it is missing or unreadable (it is about to be replaced). */
  async existing(name: string): Promise<HarEntry[]> {
    try {
      return await readHarFile(this.pathOf(name), this.#maxBytes)
    } catch {
      return []
    }
  }

  /** Replaces the file with `text`, atomically and durably; queued behind earlier writes to it. */
  write(name: string, text: string): Promise<void> {
    const path = this.pathOf(name)
    return this.#queues.run(name, () => this.#write(path, text))
  }

  /** Resolves once every queued write has finished. */
  async flush(): Promise<void> {
    await this.#queues.idle()
  }

  async #write(path: string, text: string): Promise<void> {
    if (!this.#made) {
      await mkdir(this.dir, { recursive: true })
      this.#made = true
    }
    await writeFileAtomic(path, text, { fsync: true, mode: 0o644 })
    // The rename is durable only once the folder itself is synced.
    const dir = await open(this.dir, 'r')
    try {
      await dir.sync()
    } finally {
      await dir.close()
    }
  }
}
