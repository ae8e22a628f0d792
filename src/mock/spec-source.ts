import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fetch } from 'undici'
import { GatewayError } from '../errors.js'

/**
 * Where the mock's API description comes from, in order of preference: `--spec FILE|URL`, then
 * the official document cached in `<state-dir>/spec/` (what `hubstaff-gateway spec pull`
 * writes), then the spec bundled with the package.
 */
export type SpecOrigin = 'flag' | 'cached' | 'bundled'

export interface SpecSource {
  readonly origin: SpecOrigin
  /** The file path or URL, as logs and errors name it. */
  readonly location: string
  /** The document's bytes as read, served again at `/v2/docs`. */
  readonly raw: Buffer
  readonly contentType: string
  /** The parsed document when it is JSON; YAML is left to Prism's parser. */
  readonly document: Record<string, unknown> | undefined
}

/** The file `spec pull` writes and mock mode prefers over the bundled spec. */
export function cachedSpecPath(stateDir: string): string {
  return join(stateDir, 'spec', 'hubstaff-v2.swagger.json')
}

const BUNDLED_NAME = 'hubstaff-v2.openapi.json'

/** `spec/` sits at the package root, two levels above `src/mock/` and three above `dist/src/mock/`. */
export function bundledSpecPath(): string {
  const candidates = ['../../spec/', '../../../spec/'].map((dir) => fileURLToPath(new URL(dir + BUNDLED_NAME, import.meta.url)))
  return candidates.find((path) => existsSync(path)) ?? (candidates[0] as string)
}

const URL_TIMEOUT_MS = 30_000

/** A start-up error naming the source: the same words whether it came from `--spec` or the cache. */
export function specError(location: string, why: string): GatewayError {
  return new GatewayError(
    'HSG_CONFIG_INVALID',
    `invalid --spec ${JSON.stringify(location)}: ${why}; give an OpenAPI 3 or Swagger 2 document (JSON or YAML) as a file path or an http(s) URL`,
  )
}

async function fetchSpec(url: string): Promise<{ raw: Buffer; contentType: string | undefined }> {
  try {
    // fetch follows redirects, as a documentation URL may well answer with one.
    const answer = await fetch(url, { signal: AbortSignal.timeout(URL_TIMEOUT_MS), headers: { accept: 'application/json, application/yaml;q=0.9, */*;q=0.1' } })
    const raw = Buffer.from(await answer.arrayBuffer())
    if (!answer.ok) throw specError(url, `answered HTTP ${answer.status}`)
    return { raw, contentType: answer.headers.get('content-type') ?? undefined }
  } catch (err) {
    if (err instanceof GatewayError) throw err
    const cause = (err as Error & { cause?: Error }).cause
    throw specError(url, `cannot be fetched (${cause?.message ?? (err as Error).message})`)
  }
}

/** JSON is parsed here so that a broken file is named before Prism sees it; anything else may be YAML. */
export function parseSpecText(location: string, raw: Buffer): Record<string, unknown> | undefined {
  const text = raw.toString('utf8').replace(/^\uFEFF/, '')
  if (!/^\s*[{[]/.test(text)) {
    if (text.trim() === '') throw specError(location, 'is empty')
    return undefined
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw specError(location, `is not valid JSON (${(err as Error).message.replace(/,?\s*".*$/s, '')})`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw specError(location, 'is not a JSON object')
  const doc = value as Record<string, unknown>
  if (doc.openapi === undefined && doc.swagger === undefined) throw specError(location, 'has neither an "openapi" nor a "swagger" field')
  return doc
}

/** Reads one source; every failure names it. */
export async function readSpec(origin: SpecOrigin, location: string): Promise<SpecSource> {
  const isUrl = /^https?:\/\//i.test(location)
  let raw: Buffer
  let served: string | undefined
  if (isUrl) {
    const fetched = await fetchSpec(location)
    raw = fetched.raw
    served = fetched.contentType
  } else {
    try {
      raw = await readFile(location)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      throw specError(location, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? (err as Error).message})`)
    }
  }
  const document = parseSpecText(location, raw)
  const contentType = document !== undefined ? 'application/json; charset=utf-8' : (served ?? 'application/yaml; charset=utf-8')
  return { origin, location, raw, contentType, document }
}
