import { createHash } from 'node:crypto'
import type { TwinError } from './errors.js'

/**
 * What the twin answers, with Hubstaff's headers: records are revalidated by ETag
 * (`max-age=0, private, must-revalidate`), lists are `no-cache`, and an `If-None-Match` that
 * still matches gets a 304 with no body, as Rails' conditional GET gives it.
 */

export interface TwinAnswer {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: Buffer
}

export type Headers = Readonly<Record<string, string | string[] | undefined>>

const JSON_TYPE = 'application/json; charset=utf-8'
export const RECORD_CACHE = 'max-age=0, private, must-revalidate'
export const LIST_CACHE = 'no-cache'
const EMPTY = Buffer.alloc(0)

export function etagOf(body: Buffer | string): string {
  return `W/"${createHash('md5').update(body).digest('hex')}"`
}

/** Weak comparison, as If-None-Match uses: `W/"x"` and `"x"` match, and `*` matches anything. */
function matches(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false
  const opaque = etag.replace(/^W\//, '')
  for (const line of [header].flat()) {
    for (const tag of line.split(',')) {
      const t = tag.trim()
      if (t === '*' || t.replace(/^W\//, '') === opaque) return true
    }
  }
  return false
}

function headerOf(headers: Headers, name: string): string | string[] | undefined {
  return headers[name] ?? headers[name.toLowerCase()] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1]
}

/** A JSON answer with its ETag, or the 304 a matching `If-None-Match` earns on a GET. */
export function jsonAnswer(status: number, text: string, cacheControl: string, request: { method: string; headers: Headers }): TwinAnswer {
  const body = Buffer.from(text)
  const etag = etagOf(body)
  const headers = { 'content-type': JSON_TYPE, etag, 'cache-control': cacheControl }
  if ((request.method === 'GET' || request.method === 'HEAD') && matches(headerOf(request.headers, 'if-none-match'), etag)) {
    return { status: 304, headers: { etag, 'cache-control': cacheControl }, body: EMPTY }
  }
  return { status, headers, body }
}

export function errorAnswer(error: TwinError): TwinAnswer {
  return { status: error.status, headers: { 'content-type': JSON_TYPE, 'cache-control': LIST_CACHE }, body: Buffer.from(JSON.stringify(error.body)) }
}

export function noContent(status = 204): TwinAnswer {
  return { status, headers: { 'cache-control': LIST_CACHE }, body: EMPTY }
}
