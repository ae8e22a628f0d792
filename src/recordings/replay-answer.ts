import { GatewayError } from '../errors.js'
import { headersForApp } from '../http/headers.js'
import type { GatewayResponse, HeaderMap } from '../pipeline/types.js'
import { entryAnswer, type HarEntry } from './har.js'
import { isWhitespace } from '../split/detect.js'

/** Statuses whose HTML body is a proxy's page in front of Hubstaff: one form of the blank reply. */
const GATEWAY_STATUSES = new Set([502, 503, 504, 524])

/**
 * A recorded answer as replay serves it. A recording is a file anyone could have written or
 * edited, served from the gateway's own origin (the dashboard's too), so it gets no more trust
 * than a live answer and a little less: its headers go through the filter live answers go
 * through, a `Location` may only point within `/v2` of the gateway, and only JSON bodies are
 * served, since Hubstaff's API answers nothing else and anything else (an HTML page with a script)
 * would run in the gateway's origin.
 */

/** Set again by the gateway when it serves the answer; recorded framing would be wrong for the bytes served. */
const FRAMING = new Set(['content-encoding'])

/** `application/json`, `application/problem+json`, `...; charset=utf-8`. */
const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i

/** Stands in for the gateway's origin while a recorded `Location` is resolved. */
const HERE = 'http://gateway.invalid'

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value
}


/**
 * A recorded `Location` as a path under `/v2` of the gateway, or undefined when it points anywhere
 * else. An absolute URL on the origin the exchange was recorded from is the same place seen from
 * Hubstaff's side, so it is kept as its path.
 */
export function replayLocation(value: string, recordedUrl: string): string | undefined {
  let recorded: URL
  let target: URL
  try {
    recorded = new URL(recordedUrl)
    target = /^[a-z][a-z0-9+.-]*:/i.test(value) ? new URL(value) : new URL(value, HERE)
  } catch {
    return undefined
  }
  if (target.origin !== recorded.origin && target.origin !== HERE) return undefined
  // The URL parser has resolved dot segments and backslashes: what is left is where a client goes.
  if (target.pathname !== '/v2' && !target.pathname.startsWith('/v2/')) return undefined
  return target.pathname + target.search
}

/**
 * The answer an entry holds, made safe to serve; HSG_REPLAY_NOT_JSON for a body that is not JSON
 * (with the recorded status when that was an error, so the app's error path is still taken).
 */
export function replayAnswer(entry: HarEntry, file: string): GatewayResponse {
  const { status, headers, body } = entryAnswer(entry)
  const served: HeaderMap = {}
  for (const [name, value] of Object.entries(headersForApp(headers))) if (!FRAMING.has(name)) served[name] = value
  const location = single(served.location)
  delete served.location
  if (location !== undefined) {
    const path = replayLocation(location, entry.request.url)
    if (path !== undefined) served.location = path
  }
  // HAR keeps the type in `content.mimeType` too; a file another tool wrote may have only that.
  const type = single(served['content-type']) ?? (entry.response.content?.mimeType || undefined)
  if (served['content-type'] === undefined && type !== undefined && JSON_TYPE.test(type)) served['content-type'] = type
  if (isWhitespace(body)) {
    // Nothing to run: blank replies (Hubstaff's 30-second cut) replay as recorded, minus a type that says otherwise.
    if (type !== undefined && !JSON_TYPE.test(type)) delete served['content-type']
    return { status, headers: served, body, source: 'replay', upstreamCalls: 0 }
  }
  if (type === undefined || !JSON_TYPE.test(type)) {
    // A proxy's error page in front of Hubstaff is the blank reply: served without its page (nothing
    // to run in the gateway's origin) it is still the blank reply the split cuts the range on.
    if (GATEWAY_STATUSES.has(status)) {
      delete served['content-type']
      return { status, headers: served, body: Buffer.alloc(0), source: 'replay', upstreamCalls: 0 }
    }
    throw new GatewayError(
      'HSG_REPLAY_NOT_JSON',
      `The recording ${file} holds a ${status} answer of type ${JSON.stringify(type ?? 'none')}; replay serves JSON answers only, as Hubstaff's API sends. Record it again, or fix its content type if the body is JSON.`,
      { ...(status >= 400 ? { status } : {}), extensions: { file, recordedStatus: status, contentType: type ?? null } },
    )
  }
  return { status, headers: served, body, source: 'replay', upstreamCalls: 0 }
}
