import { V2_ALLOW } from './guard.js'

/**
 * CORS, answered by the gateway itself for the origins the user listed (`--cors-origins`): the
 * upstream's own CORS headers speak of Hubstaff's origin, not of the gateway's, and a preflight
 * sent upstream would carry the managed token. Origins are matched exactly; the answer names the
 * origin, never `*`, and no credentials are allowed (the gateway drops cookies anyway).
 */

/** Headers a browser may read from an answer besides the CORS-safelisted ones. */
const EXPOSED = 'Cache-Status, RateLimit, RateLimit-Policy, Retry-After, ETag, Link, X-Gateway-Source, X-Gateway-Split'

/** Asked for by apps of every kind; more are allowed when a preflight names them. */
const BASE_REQUEST_HEADERS = ['content-type', 'authorization', 'prefer', 'cache-control', 'if-none-match', 'x-gateway-key', 'x-gateway-session']

const TOKEN = /^[!#$%&'*+\-.^_`|~\w]+$/

/** Seconds a browser may keep a preflight's answer. */
export const PREFLIGHT_MAX_AGE = 600

/** The preflight answer for an allowed origin. */
export function preflightHeaders(origin: string, requested: string | undefined, privateNetwork: boolean): Record<string, string> {
  const names = new Set(BASE_REQUEST_HEADERS)
  for (const name of (requested ?? '').split(',')) {
    const trimmed = name.trim().toLowerCase()
    if (TOKEN.test(trimmed)) names.add(trimmed)
  }
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': V2_ALLOW.replace(', OPTIONS', ''),
    'access-control-allow-headers': [...names].join(', '),
    'access-control-max-age': String(PREFLIGHT_MAX_AGE),
    // Chrome's Private Network Access asks before a public page may call a loopback address.
    ...(privateNetwork ? { 'access-control-allow-private-network': 'true' } : {}),
    vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
  }
}

/** Headers for an answer to an allowed origin's request. */
export function answerHeaders(origin: string): Record<string, string> {
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSED }
}

/** `Vary` with `Origin` added once: the answer's CORS headers depend on it. */
export function varyWithOrigin(vary: string | number | string[] | undefined): string {
  if (vary === undefined || vary === '') return 'Origin'
  const text = Array.isArray(vary) ? vary.join(', ') : String(vary)
  return /(^|,)\s*(origin|\*)\s*(,|$)/i.test(text) ? text : `${text}, Origin`
}
