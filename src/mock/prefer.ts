import { GatewayError } from '../errors.js'

/**
 * The preferences Prism's own server reads, with the same names and the same query-string
 * fallback (`__code`, `__example`, `__dynamic`, `__seed`, used when the request has no Prefer
 * header at all), so that what works against `prism mock` works against the gateway's mock.
 */
export interface MockPreferences {
  /** `code=404`: answer with that status's example from the spec. */
  readonly code?: number
  /** `example=empty`: answer with the named example. */
  readonly example?: string
  /** `dynamic=true`: generate data from the schemas instead of the static examples. */
  readonly dynamic?: boolean
  /** `seed=...`: another fixed seed for dynamic data. */
  readonly seed?: string
}

const NAMES = ['code', 'example', 'dynamic', 'seed'] as const
type Name = (typeof NAMES)[number]

function bad(detail: string): GatewayError {
  return new GatewayError('HSG_MOCK_BAD_PREFER', `${detail} (mock mode reads Prefer: code=<status>, example=<name>, dynamic=true|false, seed=<text>).`)
}

/** RFC 7240: `token[=value]` pairs separated by commas, each with optional `;` parameters, values maybe quoted. */
function fromHeader(header: string): Partial<Record<Name, string>> {
  const found: Partial<Record<Name, string>> = {}
  for (const preference of header.split(',')) {
    const [pair = ''] = preference.split(';')
    const eq = pair.indexOf('=')
    const name = (eq === -1 ? pair : pair.slice(0, eq)).trim().toLowerCase()
    if (!(NAMES as readonly string[]).includes(name)) continue
    const value = eq === -1 ? '' : pair.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1')
    found[name as Name] ??= value
  }
  return found
}

function fromQuery(query: URLSearchParams): Partial<Record<Name, string>> {
  const found: Partial<Record<Name, string>> = {}
  for (const name of NAMES) {
    const value = query.get(`__${name}`)
    if (value !== null) found[name] = value
  }
  return found
}

export function parseMockPreferences(header: string | string[] | undefined, query: URLSearchParams): MockPreferences {
  const text = Array.isArray(header) ? header.join(',') : header
  const raw = text !== undefined && text.trim() !== '' ? fromHeader(text) : fromQuery(query)
  const prefs: { -readonly [K in keyof MockPreferences]: MockPreferences[K] } = {}
  if (raw.code !== undefined) {
    if (!/^[1-5]\d\d$/.test(raw.code)) throw bad(`code=${JSON.stringify(raw.code)} is not an HTTP status`)
    prefs.code = Number(raw.code)
  }
  if (raw.dynamic !== undefined) {
    if (raw.dynamic !== 'true' && raw.dynamic !== 'false') throw bad(`dynamic=${JSON.stringify(raw.dynamic)} is neither true nor false`)
    prefs.dynamic = raw.dynamic === 'true'
  }
  if (raw.example !== undefined) {
    if (raw.example === '') throw bad('example= names no example')
    prefs.example = raw.example
  }
  if (raw.seed !== undefined) {
    if (raw.seed === '') throw bad('seed= is empty')
    prefs.seed = raw.seed
  }
  return prefs
}

/**
 * The preferences that choose the mock's answer, as one spelling for the cache key: names in a
 * fixed order, values unquoted and percent-encoded (no spaces). Others, `wait=` above all (it only
 * says how long to queue for budget), are left out so they never split the key.
 */
export function answerPreferences(header: string | string[] | undefined): string {
  const text = Array.isArray(header) ? header.join(',') : header
  if (text === undefined || text.trim() === '') return ''
  const found = fromHeader(text)
  const parts: string[] = []
  for (const name of NAMES) {
    const value = found[name]
    if (value !== undefined) parts.push(`${name}=${encodeURIComponent(value)}`)
  }
  return parts.join(',')
}

/** `Preference-Applied` (RFC 7240 §3) for the preferences that shaped the answer. */
export function preferenceApplied(prefs: MockPreferences): string | undefined {
  const parts: string[] = []
  if (prefs.code !== undefined) parts.push(`code=${prefs.code}`)
  if (prefs.example !== undefined) parts.push(`example=${JSON.stringify(prefs.example)}`)
  if (prefs.dynamic !== undefined) parts.push(`dynamic=${prefs.dynamic}`)
  if (prefs.seed !== undefined) parts.push(`seed=${JSON.stringify(prefs.seed)}`)
  return parts.length === 0 ? undefined : parts.join(', ')
}
