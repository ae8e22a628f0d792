import { createHash } from 'node:crypto'
import type { GatewayResponse, HeaderMap } from '../pipeline/types.js'
import { Entry, unpackHeaders } from './store.js'

/** The validators of a conditional GET (RFC 9110 §13.1); undefined when it has none. */
export interface Validators {
  readonly ifNoneMatch: string | undefined
  /** Epoch ms. */
  readonly ifModifiedSince: number | undefined
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value
}

export function validatorsOf(headers: Readonly<HeaderMap>): Validators | undefined {
  const ifNoneMatch = one(headers['if-none-match'])
  const since = one(headers['if-modified-since'])
  const ifModifiedSince = since === undefined ? undefined : Date.parse(since)
  if (ifNoneMatch === undefined && (ifModifiedSince === undefined || Number.isNaN(ifModifiedSince))) return undefined
  return { ifNoneMatch, ifModifiedSince: ifModifiedSince !== undefined && !Number.isNaN(ifModifiedSince) ? ifModifiedSince : undefined }
}

/** A strong validator of a body, for answers Hubstaff sent without one (lists). */
export function bodyEtag(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`
}

/** The answer with an ETag: Hubstaff's own, or one made from its body (only 200s with a body). */
export function withEtag(response: GatewayResponse): GatewayResponse {
  if (response.status !== 200 || response.headers.etag !== undefined || response.body.length === 0) return response
  return { ...response, headers: { ...response.headers, etag: bodyEtag(response.body) } }
}

/** Weak comparison (§8.8.3.2), as If-None-Match uses it: `W/"x"` matches `"x"`, and `*` anything. */
export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  const opaque = etag.replace(/^W\//, '')
  return ifNoneMatch.split(',').some((candidate) => {
    const c = candidate.trim()
    return c === '*' || c.replace(/^W\//, '') === opaque
  })
}

/**
 * Whether the stored answer satisfies the validators (§13.2.2: If-None-Match wins over
 * If-Modified-Since). Without a Last-Modified, its Date, then the time it was stored, stand for
 * when it last changed, as RFC 9111 §4.3.2 lets a cache do.
 */
export function notModified(validators: Validators, headers: Readonly<HeaderMap>, body: Buffer, storedAt: number): boolean {
  if (validators.ifNoneMatch !== undefined) return etagMatches(validators.ifNoneMatch, one(headers.etag) ?? bodyEtag(body))
  if (validators.ifModifiedSince === undefined) return false
  const stamp = Date.parse(one(headers['last-modified']) ?? one(headers.date) ?? '')
  const changedAt = Number.isNaN(stamp) ? storedAt : stamp
  return changedAt <= validators.ifModifiedSince + 999
}

/** What a 304 keeps of the answer it stands for (RFC 9110 §15.4.5), plus the cache's own headers. */
const KEPT_ON_304 = ['cache-control', 'content-location', 'date', 'etag', 'expires', 'vary', 'last-modified', 'age', 'cache-status']

export function notModifiedAnswer(answer: GatewayResponse): GatewayResponse {
  const headers: HeaderMap = {}
  for (const name of KEPT_ON_304) if (answer.headers[name] !== undefined) headers[name] = answer.headers[name]
  if (headers.etag === undefined && answer.body.length > 0) headers.etag = bodyEtag(answer.body)
  return { ...answer, status: 304, headers, body: Buffer.alloc(0) }
}

/**
 * The held entry made fresh again, when Hubstaff's 304 vouches for it (its ETag, or the app's
 * validator it answered, names the entry's); undefined when the 304 was for another version.
 */
export function revalidated(held: Entry, response: GatewayResponse, validators: Validators, now: number, ttlMs: number): Entry | undefined {
  const headers = unpackHeaders(held.headerText)
  const vouched = one(response.headers.etag) ?? validators.ifNoneMatch
  const etag = one(headers.etag)
  if (ttlMs <= 0 || vouched === undefined || etag === undefined || !etagMatches(vouched, etag)) return undefined
  return new Entry(held.body, headers, now, now + ttlMs)
}
