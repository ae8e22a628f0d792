import type { HeaderMap } from '../pipeline/types.js'

/**
 * What never goes into a recording, and what is left out because it changes on every exchange
 * (a recording should diff only where an answer changed). Redaction runs on the request the same
 * way at record and at replay time, so a redacted request still finds its recording.
 */

export const REDACTED = '[REDACTED]'

/** Credentials: dropped from requests and answers alike. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-gateway-key'])

/** Noise: different on every exchange, meaningless in a replay. Framing is recomputed when served. */
const VOLATILE_HEADERS = new Set([
  'date',
  'age',
  'x-request-id',
  'x-runtime',
  'x-amzn-trace-id',
  'cf-ray',
  'traceparent',
  'tracestate',
  'user-agent',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
])

/** JSON fields that hold credentials wherever they appear (token endpoint shapes, OAuth, OIDC). */
export const SECRET_FIELDS = new Set([
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'password',
  'accessToken',
  'refreshToken',
  'idToken',
  'clientSecret',
])

/** Query parameters that carry credentials in some clients. */
const SECRET_PARAMS = new Set(['access_token', 'refresh_token', 'id_token', 'token', 'client_secret', 'api_key'])

export interface RedactOptions {
  /**
   * Extra JSON fields to scrub from request and answer bodies: a bare name (`email`) at any depth,
   * or a dotted path from the root (`user.email`, `users.*.email`) where lists are walked through
   * and `*` matches any field.
   * @default []
   */
  readonly paths?: readonly string[]
}

export class Redactor {
  readonly #anywhere: Set<string>
  readonly #rooted: string[][]

  constructor(options: RedactOptions = {}) {
    const paths = options.paths ?? []
    this.#anywhere = new Set([...SECRET_FIELDS, ...paths.filter((p) => !p.includes('.'))])
    this.#rooted = paths.filter((p) => p.includes('.')).map((p) => p.split('.'))
  }

  headers(headers: Readonly<HeaderMap>): HeaderMap {
    const out: HeaderMap = {}
    for (const [raw, value] of Object.entries(headers)) {
      const name = raw.toLowerCase()
      // The gateway's own headers (a mock session's name, keys) are about this gateway, not Hubstaff.
      if (value === undefined || SECRET_HEADERS.has(name) || VOLATILE_HEADERS.has(name) || name.startsWith('x-gateway-')) continue
      out[name] = value
    }
    return out
  }

  /** The raw query with credential parameters' values replaced (everything else byte-for-byte). */
  query(query: string): string {
    if (query === '') return query
    return query
      .split('&')
      .map((part) => {
        const eq = part.indexOf('=')
        if (eq === -1) return part
        let name = part.slice(0, eq)
        try {
          name = decodeURIComponent(name.replaceAll('+', ' '))
        } catch {
          // not valid percent-encoding: compared as sent
        }
        return SECRET_PARAMS.has(name.replace(/\[\]$/, '')) ? `${part.slice(0, eq)}=${encodeURIComponent(REDACTED)}` : part
      })
      .join('&')
  }

  /** A JSON body with the secret and configured fields scrubbed; other bodies unchanged. */
  body(body: Buffer | undefined): Buffer | undefined {
    if (body === undefined || body.length === 0) return body
    const text = body.toString('utf8')
    if (!/^\s*[[{]/.test(text)) return body
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      return body
    }
    const { value: scrubbed, changed } = this.#walk(value, [])
    return changed ? Buffer.from(JSON.stringify(scrubbed)) : body
  }

  #matches(trail: readonly string[]): boolean {
    const last = trail[trail.length - 1]
    if (last !== undefined && this.#anywhere.has(last)) return true
    return this.#rooted.some((path) => path.length === trail.length && path.every((seg, i) => seg === '*' || seg === trail[i]))
  }

  #walk(value: unknown, trail: readonly string[]): { value: unknown; changed: boolean } {
    if (Array.isArray(value)) {
      let changed = false
      const items = value.map((item) => {
        const r = this.#walk(item, trail)
        changed ||= r.changed
        return r.value
      })
      return { value: items, changed }
    }
    if (value === null || typeof value !== 'object') return { value, changed: false }
    let changed = false
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) {
      const next = [...trail, key]
      if (inner !== null && this.#matches(next)) {
        out[key] = REDACTED
        changed = true
        continue
      }
      const r = this.#walk(inner, next)
      changed ||= r.changed
      out[key] = r.value
    }
    return { value: out, changed }
  }
}
