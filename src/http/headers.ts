import type { HeaderMap } from '../pipeline/types.js'

// RFC 9110 §7.6.1: connection-specific fields never cross a proxy.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

/**
 * Headers an app sends that must not reach Hubstaff: its own credentials (the gateway sends the
 * managed token) and what the upstream client sets itself. `accept-encoding`
 * is dropped so that bodies arrive as plain JSON the pipeline can cache and merge.
 */
const DROP_TO_UPSTREAM = new Set([
  'authorization',
  'cookie',
  'host',
  'content-length',
  'expect',
  'accept-encoding',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
])

/**
 * Headers from Hubstaff that must not reach an app: framing (recomputed by the gateway) and
 * cookies, which would tie an app to a session of the managed identity.
 */
const DROP_TO_APP = new Set(['content-length', 'set-cookie'])

/**
 * The gateway's own headers (`X-Gateway-Key`, `X-Gateway-Admin-Key`, `X-Gateway-Session`, ...) are
 * for the gateway: one sent upstream would be logged there and written into recordings.
 */
const GATEWAY_PREFIX = 'x-gateway-'

/** The one gateway header the pipeline itself reads: mock mode's session. Dropped before Hubstaff. */
export const SESSION_HEADER = 'x-gateway-session'

/** Upstream CORS headers speak for Hubstaff's origin; the gateway answers CORS itself. */
const CORS_PREFIX = 'access-control-'

const NONE: ReadonlySet<string> = new Set()

function connectionTokens(headers: Readonly<HeaderMap>): ReadonlySet<string> {
  const value = headers.connection
  // Runs on every request: most have no Connection header, or a bare keep-alive.
  if (value === undefined || value === 'keep-alive') return NONE
  const list = Array.isArray(value) ? value.join(',') : (value ?? '')
  return new Set(
    list
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  )
}

function filter(headers: Readonly<HeaderMap>, drop: ReadonlySet<string>, dropPrefix: string, keep: string | undefined): HeaderMap {
  const named = connectionTokens(headers)
  const out: HeaderMap = {}
  for (const rawName in headers) {
    const value = headers[rawName]
    if (value === undefined) continue
    const name = rawName.toLowerCase()
    if (HOP_BY_HOP.has(name) || drop.has(name) || named.has(name)) continue
    if (name.startsWith(dropPrefix) && name !== keep) continue
    out[name] = value
  }
  return out
}

/**
 * What of an app's headers may go towards Hubstaff. `keepSession` is for the pipeline's request,
 * which the mock reads; the upstream terminal filters again without it, so nothing named
 * `X-Gateway-*` reaches the wire.
 */
export function headersForUpstream(appHeaders: Readonly<HeaderMap>, options: { keepSession?: boolean } = {}): HeaderMap {
  return filter(appHeaders, DROP_TO_UPSTREAM, GATEWAY_PREFIX, options.keepSession === true ? SESSION_HEADER : undefined)
}

export function headersForApp(upstreamHeaders: Readonly<HeaderMap>): HeaderMap {
  return filter(upstreamHeaders, DROP_TO_APP, CORS_PREFIX, undefined)
}

/** The last filter before the wire: the request as the pipeline built it, minus any `X-Gateway-*`. */
export function withoutGatewayHeaders(headers: Readonly<HeaderMap>): Readonly<HeaderMap> {
  let out: HeaderMap | undefined
  for (const name in headers) {
    if (name.toLowerCase().startsWith(GATEWAY_PREFIX)) {
      out ??= { ...headers }
      delete out[name]
    }
  }
  return out ?? headers
}
