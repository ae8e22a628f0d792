import { mkdir, readFile, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fetch } from 'undici'
import writeFileAtomic from 'write-file-atomic'
import { cachedSpecPath, parseSpecText } from './spec-source.js'

/**
 * `hubstaff-gateway spec pull`: Hubstaff's own API description, `<upstream>/v2/docs`, copied into
 * the state dir where mock mode prefers it over the bundled spec. The ETag (and Last-Modified) of
 * the copy are kept beside it, so a second pull asks "changed since?" and a 304 keeps the file.
 */

export interface PullOptions {
  readonly upstream: string
  readonly stateDir: string
  /** @default 30000 */
  readonly timeoutMs?: number
}

export interface PullResult {
  readonly outcome: 'downloaded' | 'unchanged'
  readonly url: string
  readonly path: string
  readonly bytes: number
  readonly etag: string | undefined
}

interface Validators {
  readonly url: string
  readonly etag?: string
  readonly lastModified?: string
}

/** Where the validators of the cached copy are kept. */
export function validatorsPath(stateDir: string): string {
  return `${cachedSpecPath(stateDir)}.etag.json`
}

async function readValidators(path: string): Promise<Validators | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Partial<Validators>
    return typeof value.url === 'string' ? (value as Validators) : undefined
  } catch {
    return undefined
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

export async function pullSpec(options: PullOptions): Promise<PullResult> {
  const url = `${options.upstream}/v2/docs`
  const path = cachedSpecPath(options.stateDir)
  const metaPath = validatorsPath(options.stateDir)
  const held = (await exists(path)) ? await readValidators(metaPath) : undefined
  const conditional: Record<string, string> = {}
  // Validators of a copy from another upstream say nothing about this one.
  if (held?.url === url) {
    if (held.etag !== undefined) conditional['if-none-match'] = held.etag
    if (held.lastModified !== undefined) conditional['if-modified-since'] = held.lastModified
  }
  let answer
  try {
    answer = await fetch(url, {
      headers: { accept: 'application/json', ...conditional },
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    })
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause
    throw new Error(`spec pull: ${url} cannot be reached (${cause?.message ?? (err as Error).message}); the cached copy is unchanged`)
  }
  const raw = Buffer.from(await answer.arrayBuffer())
  if (answer.status === 304 && Object.keys(conditional).length > 0) {
    return { outcome: 'unchanged', url, path, bytes: (await stat(path)).size, etag: held?.etag }
  }
  if (!answer.ok) throw new Error(`spec pull: ${url} answered HTTP ${answer.status}; the cached copy is unchanged`)
  let document: Record<string, unknown> | undefined
  try {
    document = parseSpecText(url, raw)
  } catch (err) {
    throw new Error(`spec pull: ${url} did not answer an API description (${(err as Error).message.replace(/^invalid --spec "[^"]*": /, '').replace(/;.*$/, '')}); the cached copy is unchanged`)
  }
  if (document === undefined) throw new Error(`spec pull: ${url} did not answer JSON; the cached copy is unchanged`)
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  await writeFileAtomic(path, raw, { fsync: true })
  const etag = answer.headers.get('etag') ?? undefined
  const lastModified = answer.headers.get('last-modified') ?? undefined
  const validators: Validators = { url, ...(etag === undefined ? {} : { etag }), ...(lastModified === undefined ? {} : { lastModified }) }
  await writeFileAtomic(metaPath, JSON.stringify(validators, null, 2) + '\n')
  return { outcome: 'downloaded', url, path, bytes: raw.length, etag }
}
