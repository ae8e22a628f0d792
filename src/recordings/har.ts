import { STATUS_CODES } from 'node:http'
import type { HeaderMap } from '../pipeline/types.js'

/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), the format browser devtools, Polly.js
 * and Insomnia read. Objects are built field by field in one fixed order, so the same exchange is
 * always written as the same bytes and a re-recording diffs only where an answer changed.
 */

export interface HarNameValue {
  readonly name: string
  readonly value: string
}

export interface HarRequest {
  readonly method: string
  readonly url: string
  readonly httpVersion: string
  readonly cookies: readonly HarNameValue[]
  readonly headers: readonly HarNameValue[]
  readonly queryString: readonly HarNameValue[]
  readonly postData?: { readonly mimeType: string; readonly text: string }
  readonly headersSize: number
  readonly bodySize: number
}

export interface HarContent {
  readonly size: number
  readonly mimeType: string
  readonly text?: string
  readonly encoding?: string
}

export interface HarResponse {
  readonly status: number
  readonly statusText: string
  readonly httpVersion: string
  readonly cookies: readonly HarNameValue[]
  readonly headers: readonly HarNameValue[]
  readonly content: HarContent
  readonly redirectURL: string
  readonly headersSize: number
  readonly bodySize: number
}

export interface HarEntry {
  readonly startedDateTime: string
  readonly time: number
  readonly request: HarRequest
  readonly response: HarResponse
  readonly cache: Record<string, never>
  readonly timings: { readonly send: number; readonly wait: number; readonly receive: number }
}

export interface HarLog {
  readonly log: {
    readonly version: '1.2'
    readonly creator: { readonly name: string; readonly version: string }
    readonly entries: readonly HarEntry[]
  }
}

export const CREATOR = { name: 'hubstaff-gateway', version: '1' } as const

/** One exchange as the recorder saw it, after redaction. */
export interface Exchange {
  readonly method: string
  /** Absolute URL: the upstream origin, path and query as sent. */
  readonly url: string
  readonly requestHeaders: Readonly<HeaderMap>
  readonly requestBody: Buffer | undefined
  readonly status: number
  readonly responseHeaders: Readonly<HeaderMap>
  readonly responseBody: Buffer
  readonly startedAt: number
  readonly durationMs: number
}

/** Header pairs sorted by name (then value), names lower-case: repeated headers stay repeated. */
export function harHeaders(headers: Readonly<HeaderMap>): HarNameValue[] {
  const out: HarNameValue[] = []
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    for (const v of Array.isArray(value) ? value : [value]) out.push({ name: name.toLowerCase(), value: String(v) })
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
}

function headerValue(headers: Readonly<HeaderMap>, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/** Text when the bytes are UTF-8 (they round-trip), else base64 as HAR allows. */
export function bodyText(body: Buffer): { text: string; encoding?: 'base64' } {
  const text = body.toString('utf8')
  return Buffer.byteLength(text) === body.length && Buffer.from(text, 'utf8').equals(body) ? { text } : { text: body.toString('base64'), encoding: 'base64' }
}

export function harEntry(exchange: Exchange): HarEntry {
  const url = new URL(exchange.url)
  const queryString: HarNameValue[] = [...url.searchParams].map(([name, value]) => ({ name, value }))
  const requestType = headerValue(exchange.requestHeaders, 'content-type') ?? 'application/octet-stream'
  const responseType = headerValue(exchange.responseHeaders, 'content-type') ?? ''
  const reqBody = exchange.requestBody
  const content = bodyText(exchange.responseBody)
  const duration = Math.max(0, Math.round(exchange.durationMs))
  return {
    startedDateTime: new Date(exchange.startedAt).toISOString(),
    time: duration,
    request: {
      method: exchange.method.toUpperCase(),
      url: exchange.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: harHeaders(exchange.requestHeaders),
      queryString,
      ...(reqBody === undefined || reqBody.length === 0 ? {} : { postData: { mimeType: requestType, text: reqBody.toString('utf8') } }),
      headersSize: -1,
      bodySize: reqBody?.length ?? 0,
    },
    response: {
      status: exchange.status,
      statusText: STATUS_CODES[exchange.status] ?? '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: harHeaders(exchange.responseHeaders),
      content: {
        size: exchange.responseBody.length,
        mimeType: responseType,
        text: content.text,
        ...(content.encoding === undefined ? {} : { encoding: content.encoding }),
      },
      redirectURL: '',
      headersSize: -1,
      bodySize: exchange.responseBody.length,
    },
    cache: {},
    timings: { send: 0, wait: duration, receive: 0 },
  }
}

export function harLog(entries: readonly HarEntry[]): HarLog {
  return { log: { version: '1.2', creator: { ...CREATOR }, entries } }
}

/** The file's bytes: two-space JSON and a final newline, as a person would commit it. */
export function serialiseHar(log: HarLog): string {
  return JSON.stringify(log, null, 2) + '\n'
}

/** True when two entries record the same exchange, whenever and however fast it happened. */
export function sameExchange(a: HarEntry, b: HarEntry): boolean {
  return JSON.stringify([a.request, a.response]) === JSON.stringify([b.request, b.response])
}

/** RFC 9110 §5.1 field names, and values without the control characters Node refuses to send. */
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/** Why a recorded header cannot be sent as it is, or undefined when it can. */
function headerProblem(header: unknown): string | undefined {
  const { name, value } = (header ?? {}) as { name?: unknown; value?: unknown }
  if (typeof name !== 'string' || typeof value !== 'string') return 'a response header without a text name and value'
  if (!FIELD_NAME.test(name)) return `a response header name that is not valid HTTP (${JSON.stringify(name.slice(0, 40))})`
  if (!FIELD_VALUE.test(value)) return `a response header ${JSON.stringify(name)} whose value holds control characters`
  return undefined
}

/** Why a parsed JSON value is not a HAR log this gateway can replay, or undefined when it is. */
export function harProblem(value: unknown): string | undefined {
  const log = (value as { log?: unknown } | null)?.log as { entries?: unknown } | undefined
  if (typeof value !== 'object' || value === null || typeof log !== 'object' || log === null) return 'is not a HAR file (no "log" object)'
  if (!Array.isArray(log.entries)) return 'is not a HAR file ("log.entries" is not a list)'
  for (const [i, raw] of log.entries.entries()) {
    const entry = raw as Partial<HarEntry> | null
    const req = entry?.request
    const res = entry?.response
    if (typeof req?.method !== 'string' || typeof req.url !== 'string') return `entry ${i} has no request method and url`
    if (!URL.canParse(req.url)) return `entry ${i} has a request url that is not absolute`
    // 1xx are not answers: sent as one, they would leave the app waiting for the real one.
    if (typeof res?.status !== 'number' || !Number.isInteger(res.status) || res.status < 200 || res.status > 599) return `entry ${i} has no response status`
    if (res.headers !== undefined && !Array.isArray(res.headers)) return `entry ${i} has response headers that are not a list`
    for (const header of res.headers ?? []) {
      const problem = headerProblem(header)
      if (problem !== undefined) return `entry ${i} has ${problem}`
    }
    if (res.content !== undefined && res.content.text !== undefined && typeof res.content.text !== 'string') return `entry ${i} has a response body that is not text`
  }
  return undefined
}

/** The answer an entry holds: its status, headers (repeated ones as lists) and body bytes. */
export function entryAnswer(entry: HarEntry): { status: number; headers: HeaderMap; body: Buffer } {
  const headers: HeaderMap = {}
  for (const { name, value } of entry.response.headers ?? []) {
    const key = name.toLowerCase()
    const had = headers[key]
    headers[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value]
  }
  const content = entry.response.content as HarContent | undefined
  const text = content?.text ?? ''
  return { status: entry.response.status, headers, body: content?.encoding === 'base64' ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8') }
}
