import { createHash } from 'node:crypto'
import { parseQuery, routeText } from '../cache/key.js'

/**
 * The key a recording is matched on: method, normalised path and query (the cache's spelling, so
 * `user_ids[]=1&user_ids[]=2` and `user_ids=1,2` are one request), and for writes a hash of the
 * body (JSON compared by value, not by spacing or key order).
 */

const READS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Percent-escapes in one case and no trailing slash: `/v2/Users%2f` and `/v2/Users%2F/` are one path. */
export function normalisePath(path: string): string {
  const cased = path.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase())
  return cased.length > 1 && cased.endsWith('/') ? cased.replace(/\/+$/, '') || '/' : cased
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key])
  return out
}

/** A short hash of a body: canonical JSON when it parses, the bytes otherwise; '' when there is none. */
export function bodyHash(body: Buffer | string | undefined): string {
  if (body === undefined || body.length === 0) return ''
  const text = typeof body === 'string' ? body : body.toString('utf8')
  let canonical: string | Buffer = body
  try {
    canonical = JSON.stringify(sortKeys(JSON.parse(text)))
  } catch {
    // not JSON: the bytes as sent
  }
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16)
}

/** `GET /v2/projects?page_limit=2` or `POST /v2/projects/7/tasks #<body hash>`. */
export function recordingKey(method: string, path: string, query: string, body: Buffer | string | undefined): string {
  const upper = method.toUpperCase()
  const route = `${upper} ${routeText(normalisePath(path), parseQuery(query))}`
  if (READS.has(upper)) return route
  const hash = bodyHash(body)
  return hash === '' ? route : `${route} #${hash}`
}

/** The key of a recorded request, read back from its absolute URL. */
export function keyOfUrl(method: string, url: string, body: string | undefined): string {
  const parsed = new URL(url)
  return recordingKey(method, parsed.pathname, parsed.search.replace(/^\?/, ''), body)
}
