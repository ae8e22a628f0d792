import { GatewayError } from '../errors.js'

/**
 * The request guard's rules, free of any framework: what a request target may look like, which
 * methods reach Hubstaff, which Host names the gateway answers and which browser requests it takes.
 * Every /v2 request goes through these before anything is spent, with the managed token attached
 * only afterwards, so each rule errs on the side of refusing.
 */

/** Methods Hubstaff's API uses; OPTIONS is answered by the gateway's own CORS, never forwarded. */
export const V2_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'])
export const V2_ALLOW = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS'

/** What a target addresses: the API (forwarded with the token), the admin surface, or nothing. */
export type TargetKind = 'v2' | 'admin' | 'other'

/**
 * Nearly every request: `/v2/...` with nothing encoded, no dot, no backslash, up to the query or
 * the end. The class holds neither `/` nor `?`, so the match is linear and ends where the path does.
 */
const CLEAN_V2 = /^\/v2(?:\/[\w\-~!$&'()*+,;=:@]*)*(?:\?|$)/

/** A path decoded this many times and still changing is refused: nothing honest nests that deep. */
const MAX_DECODE_ROUNDS = 4

// Control characters are what this looks for.
// eslint-disable-next-line no-control-regex
const CONTROL_OR_BACKSLASH = /[\\\u0000-\u001f\u007f]/

function badPath(detail: string): GatewayError {
  return new GatewayError('HSG_REQUEST_BAD_PATH', detail)
}

/** Decodes until stable: `%252e%252e` is `%2e%2e` once and `..` twice, and some server may do both. */
export function decodeFully(path: string): string {
  let current = path
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    if (!current.includes('%')) return current
    let next: string
    try {
      next = decodeURIComponent(current)
    } catch {
      throw badPath(`The path ${JSON.stringify(path.slice(0, 200))} is not valid percent-encoding.`)
    }
    if (next === current) return current
    current = next
  }
  if (current.includes('%')) {
    throw badPath(`The path ${JSON.stringify(path.slice(0, 200))} is percent-encoded more than ${MAX_DECODE_ROUNDS - 1} times over.`)
  }
  return current
}

/** `..`, `.`, and the `..;x` form some servers read as `..`. */
function hasDotSegment(decoded: string): boolean {
  for (const segment of decoded.split('/')) {
    const semicolon = segment.indexOf(';')
    const name = semicolon === -1 ? segment : segment.slice(0, semicolon)
    if (name === '.' || name === '..') return true
  }
  return false
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix + '/')
}

/**
 * Classifies a raw request target (`request.raw.url`), or throws HSG_REQUEST_BAD_PATH for one that
 * is not origin-form, that holds dot segments, backslashes, control characters or a fragment once
 * decoded, or that reaches /v2 only through percent-encoding (`/v%32/...`): each of these could
 * mean another path to some server along the way than it means to the gateway.
 */
export function classifyTarget(raw: string): TargetKind {
  if (CLEAN_V2.test(raw)) return 'v2'
  if (raw.charCodeAt(0) !== 47) {
    throw badPath('The request target must be a path (origin-form, e.g. /v2/users/me), not an absolute URL or "*".')
  }
  const q = raw.indexOf('?')
  const path = q === -1 ? raw : raw.slice(0, q)
  if (path.includes('#')) throw badPath('The path holds a "#": fragments are never sent to a server.')
  const decoded = decodeFully(path)
  if (CONTROL_OR_BACKSLASH.test(decoded) || hasDotSegment(decoded)) {
    throw badPath(`The path ${JSON.stringify(path.slice(0, 200))} has dot segments, backslashes or control characters once decoded; send the path as Hubstaff documents it.`)
  }
  if (isUnder(decoded, '/v2')) {
    if (!isUnder(path, '/v2')) throw badPath('The /v2 prefix must not be percent-encoded.')
    return 'v2'
  }
  return isUnder(path, '/_gateway') ? 'admin' : 'other'
}

// ---- Host: DNS rebinding ----

/** The host name of a Host header: port dropped, lower case, an IPv6 literal kept in brackets. */
export function hostName(host: string): string {
  const lower = host.trim().toLowerCase()
  const name = lower.startsWith('[') ? lower.slice(0, lower.indexOf(']') + 1) : lower.replace(/:\d*$/, '')
  return name.endsWith('.') ? name.slice(0, -1) : name
}

export function isLoopbackName(name: string): boolean {
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) ||
    /^\[::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}\]$/.test(name)
  )
}

/** Listen addresses that stand for every interface rather than naming one. */
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '::0', '0:0:0:0:0:0:0:0'])

/**
 * The Host names this gateway answers /v2 requests for: loopback names, the address it listens
 * on when that names one interface, and `--allowed-hosts`. A web page whose own domain was
 * re-pointed at the gateway's address (DNS rebinding) sends its domain, which is none of these.
 */
export class HostNames {
  readonly #names: ReadonlySet<string>
  /** The last Host header allowed: apps send the same one on every request. */
  #last: string | undefined

  constructor(options: { listenHost: string; allowedHosts: readonly string[] }) {
    const names = new Set(options.allowedHosts.map(hostName))
    const listen = options.listenHost.includes(':') && !options.listenHost.startsWith('[') ? `[${options.listenHost}]` : options.listenHost
    if (!WILDCARDS.has(options.listenHost)) names.add(hostName(listen))
    this.#names = names
  }

  /** A request without Host (HTTP/1.0) comes from no browser: nothing to rebind. */
  allows(host: string | undefined): boolean {
    if (host === undefined || host === this.#last) return true
    const name = hostName(host)
    const ok = isLoopbackName(name) || this.#names.has(name)
    if (ok) this.#last = host
    return ok
  }
}

// ---- browsers: Origin and Sec-Fetch-Site ----

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** An origin of the gateway itself (the dashboard's page), whichever scheme a proxy in front added. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false
  const authority = origin.startsWith('http://') ? origin.slice(7) : origin.startsWith('https://') ? origin.slice(8) : undefined
  return authority !== undefined && authority.toLowerCase() === host.trim().toLowerCase()
}

/**
 * Whether a browser sent this request on behalf of a page of another site. Returns the request's
 * Origin when it is one of `allowedOrigins` (CORS answers name it), undefined for a request that
 * needs no CORS (no browser, or the gateway's own page), and throws HSG_REQUEST_CROSS_SITE for the
 * rest: a page on another site, including another port of localhost (`same-site` to a browser),
 * and the opaque `Origin: null` of sandboxed frames and local files.
 */
export function browserOrigin(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  allowedOrigins: ReadonlySet<string>,
): string | undefined {
  const origin = single(headers.origin)
  const site = single(headers['sec-fetch-site'])
  if (origin === undefined && site === undefined) return undefined
  if (origin !== undefined && allowedOrigins.has(origin)) return origin
  if (site === 'cross-site' || site === 'same-site') {
    throw new GatewayError(
      'HSG_REQUEST_CROSS_SITE',
      `A page of another site${origin === undefined ? '' : ` (${origin})`} may not use this gateway; to let a web app of yours call it, list its origin in --cors-origins.`,
    )
  }
  if (origin !== undefined && !sameOrigin(origin, single(headers.host))) {
    throw new GatewayError('HSG_REQUEST_CROSS_SITE', `Requests from the origin ${JSON.stringify(origin.slice(0, 200))} are not allowed; list it in --cors-origins to allow it.`)
  }
  return undefined
}
