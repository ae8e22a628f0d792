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
 * managed token), the gateway's own key, and what the upstream client sets itself. `accept-encoding`
 * is dropped so that bodies arrive as plain JSON the pipeline can cache and merge.
 */
const DROP_TO_UPSTREAM = new Set([
  'authorization',
  'cookie',
  'host',
  'content-length',
  'expect',
  'accept-encoding',
  'x-gateway-key',
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

function filter(headers: Readonly<HeaderMap>, drop: ReadonlySet<string>): HeaderMap {
  const named = connectionTokens(headers)
  const out: HeaderMap = {}
  for (const rawName in headers) {
    const value = headers[rawName]
    if (value === undefined) continue
    const name = rawName.toLowerCase()
    if (HOP_BY_HOP.has(name) || drop.has(name) || named.has(name)) continue
    out[name] = value
  }
  return out
}

export function headersForUpstream(appHeaders: Readonly<HeaderMap>): HeaderMap {
  return filter(appHeaders, DROP_TO_UPSTREAM)
}

export function headersForApp(upstreamHeaders: Readonly<HeaderMap>): HeaderMap {
  return filter(upstreamHeaders, DROP_TO_APP)
}
