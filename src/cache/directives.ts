import type { HeaderMap } from '../pipeline/types.js'

/** What an app's request asks of the cache (RFC 9111 §5.2.1 request directives). */
export interface RequestDirectives {
  /** `no-cache` (or `Pragma: no-cache`): go to Hubstaff, then refresh the entry. */
  readonly noCache: boolean
  /** `no-store`: answer from the cache if possible, but store nothing of this exchange. */
  readonly noStore: boolean
  /** `max-age=N`: accept an answer at most N seconds old (tightens the route's freshness). */
  readonly maxAge: number | undefined
  /** `only-if-cached`: never go to Hubstaff; 504 when nothing usable is stored. */
  readonly onlyIfCached: boolean
}

function text(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(',') : (value ?? '')
}

export function requestDirectives(headers: Readonly<HeaderMap>): RequestDirectives {
  let noCache = false
  let noStore = false
  let maxAge: number | undefined
  let onlyIfCached = false
  const cacheControl = text(headers['cache-control'])
  for (const part of cacheControl.split(',')) {
    const [rawName = '', rawValue] = part.split('=', 2)
    const name = rawName.trim().toLowerCase()
    if (name === 'no-cache') noCache = true
    else if (name === 'no-store') noStore = true
    else if (name === 'only-if-cached') onlyIfCached = true
    else if (name === 'max-age') {
      const value = (rawValue ?? '').trim().replace(/^"(.*)"$/, '$1')
      // RFC 9111 §1.2.2: an invalid delta-seconds is ignored; several max-ages keep the tightest.
      if (/^\d+$/.test(value)) maxAge = Math.min(maxAge ?? Infinity, Number(value))
    }
  }
  // RFC 9111 §5.4: Pragma counts only when the request has no Cache-Control.
  if (cacheControl.trim() === '' && /(^|,)\s*no-cache\s*(,|$)/i.test(text(headers.pragma))) noCache = true
  return { noCache, noStore, maxAge, onlyIfCached }
}
