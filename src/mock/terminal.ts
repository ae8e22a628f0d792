import type { IHttpRequest, IHttpResponse } from '@stoplight/prism-http'
import { GatewayError } from '../errors.js'
import type { GatewayRequest, GatewayResponse, HeaderMap, Handler } from '../pipeline/types.js'
import { shapeList, shapeRecord } from './envelope.js'
import type { PreparedMock } from './load.js'
import type { Operation } from './operations.js'
import { parseMockPreferences, preferenceApplied } from './prefer.js'
import { askPrism, createPrism, mockConfig, preparedAnswer } from './prism.js'

/**
 * The simulated organization, asked after Prism found the request valid: an answer from the model,
 * or undefined when it does not cover the operation (Prism's answer is given then).
 */
export interface TwinAnswerer {
  /** Throws when the request names a session badly; runs before anything else looks at it. */
  check(request: GatewayRequest): void
  answer(request: GatewayRequest): GatewayResponse | undefined
}

export interface MockTerminalOptions {
  /**
   * Seed of `Prefer: dynamic=true` data when the request names none. Each request mixes in its
   * method, path and query (paging left out), so runs repeat and pages of one list agree.
   * @default 'hubstaff-gateway'
   */
  readonly seed?: string
  /** The twin: answers valid requests that ask for no `Prefer` answer. @default none (Prism answers all) */
  readonly twin?: TwinAnswerer
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])
const NO_BODY = new Set([204, 205, 304])

/** Prism takes one string per header; repeated headers are joined as HTTP joins them. */
function prismHeaders(request: GatewayRequest): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value
  // The HTTP layer dropped Content-Length; Prism uses it to tell an empty body from a missing one.
  if (request.body !== undefined) out['content-length'] = String(request.body.length)
  return out
}

function prismQuery(query: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const key of new Set(query.keys())) {
    const all = query.getAll(key)
    out[key] = all.length === 1 ? (all[0] as string) : all
  }
  return out
}

/** JSON bodies are parsed for Prism's validation; one that does not parse is passed as text and refused there. */
function requestBody(request: GatewayRequest): unknown {
  if (request.body === undefined) return undefined
  const text = request.body.toString('utf8')
  const type = request.headers['content-type']
  if (/json/i.test(Array.isArray(type) ? type.join() : (type ?? 'application/json'))) {
    try {
      return JSON.parse(text) as unknown
    } catch {
      return text
    }
  }
  return text
}

/** Prism's choice among operations that all match the path: the most literal path wins (`/users/me` over `/users/{id}`). */
function mostConcrete(operations: readonly Operation[]): Operation | undefined {
  const literal = (op: Operation) => op.path.split('/').filter((s) => !s.includes('{')).length
  return [...operations].sort((a, b) => literal(b) - literal(a))[0]
}

function pagingLeftOut(query: URLSearchParams): string {
  const kept = new URLSearchParams()
  for (const [key, value] of query) if (key !== 'page_start_id' && key !== 'page_limit' && !key.startsWith('__')) kept.append(key, value)
  return kept.toString()
}

function serialise(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0)
  return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))
}

/**
 * The mock as the pipeline's terminal, on operations prepared at start-up. Prism in-process checks
 * every request against the description as Hubstaff would (a bad one gets the description's 400);
 * a valid one is answered by the twin when it covers the operation, by Prism's static example
 * otherwise, and a `Prefer: code=`/`example=`/`dynamic=` answer always by Prism. Answers say
 * `source: 'mock'` and cost no upstream call; the gateway's stages in front of it (cache, split)
 * see them as they would see Hubstaff's.
 */
export function mockTerminal(prepared: PreparedMock, options: MockTerminalOptions = {}): Handler {
  const prism = createPrism()
  const baseSeed = options.seed ?? 'hubstaff-gateway'
  const { source, operations } = prepared
  const twin = options.twin

  return async (request: GatewayRequest): Promise<GatewayResponse> => {
    twin?.check(request)
    const method = request.method.toLowerCase()
    if ((method === 'get' || method === 'head') && /^\/v2\/docs\/?$/.test(request.path)) {
      return { status: 200, headers: { 'content-type': source.contentType }, body: source.raw, source: 'mock', upstreamCalls: 0 }
    }
    const candidates = operations.candidates(request.path)
    const sameMethod = (m: string) => mostConcrete(candidates.filter((op) => op.method.toLowerCase() === m))
    // HEAD is GET without the body (RFC 9110 §9.3.2), which the HTTP layer drops.
    const operation = sameMethod(method) ?? (method === 'head' ? sameMethod('get') : undefined)
    if (operation === undefined || !HTTP_METHODS.has(method)) {
      if (candidates.length === 0) {
        throw new GatewayError('HSG_MOCK_NO_ROUTE', `The mock's spec (${source.location}) has no operation for ${request.path}.`)
      }
      const allowed = [...new Set(candidates.map((op) => op.method.toUpperCase()))].join(', ')
      throw new GatewayError('HSG_MOCK_NO_ROUTE', `The mock's spec has no ${request.method} operation for ${request.path}; it has ${allowed}.`, {
        status: 405,
        headers: { allow: allowed },
      })
    }

    const query = new URLSearchParams(request.query)
    const prefs = parseMockPreferences(request.headers.prefer, query)
    const dynamic = prefs.dynamic ?? false
    const written = requestBody(request)
    const input: IHttpRequest = {
      method: operation.method.toLowerCase() as IHttpRequest['method'],
      url: { path: request.path, query: prismQuery(query) },
      headers: prismHeaders(request),
      body: written,
    }
    const config = mockConfig({
      dynamic,
      ...(dynamic ? { seed: `${prefs.seed ?? baseSeed} ${request.method} ${request.path}?${pagingLeftOut(query)}` } : {}),
      ...(prefs.code === undefined ? {} : { code: prefs.code }),
      ...(prefs.example === undefined ? {} : { exampleKey: prefs.example }),
    })
    const { listKey, idParam, refusal, valid } = operations.info(operation)
    const plain = prefs.code === undefined && prefs.example === undefined && !dynamic
    const checked = written === undefined && !dynamic && valid?.(request.path, input.url.query ?? {}, input.headers ?? {}) === true
    let asked: { output: IHttpResponse; valid: boolean } | undefined
    if (twin !== undefined && plain) {
      // Writes and requests the precompiled check does not settle are validated by Prism itself.
      if (!checked) asked = await askPrism(prism, input, operation, config, refusal)
      if (checked || asked?.valid === true) {
        const answer = twin.answer(request)
        if (answer !== undefined) return answer
      }
    }
    // A valid request whose static answer Prism gave before needs nothing more of Prism.
    const known = checked ? preparedAnswer(operation, config, input.headers?.accept ?? '') : undefined
    const output = known ?? asked?.output ?? (await askPrism(prism, input, operation, config, refusal)).output

    let body = output.body
    const ok = output.statusCode >= 200 && output.statusCode < 300
    if (ok && typeof body === 'object' && body !== null && !Array.isArray(body)) {
      const record = body as Record<string, unknown>
      if ((method === 'get' || method === 'head') && listKey !== undefined && Array.isArray(record[listKey])) body = shapeList(record, listKey, query, { dynamic })
      else {
        const last = idParam === undefined ? undefined : request.path.split('/').pop()
        const pathId = last !== undefined && /^\d+$/.test(last) ? Number(last) : undefined
        body = shapeRecord(record, pathId, method === 'get' || method === 'head' ? undefined : written)
      }
    }

    const headers: HeaderMap = {}
    for (const [name, value] of Object.entries(output.headers ?? {})) headers[name.toLowerCase()] = String(value)
    const applied = preferenceApplied(prefs)
    if (applied !== undefined) {
      headers['preference-applied'] = applied
      // The gateway's cache keys on these preferences; other caches must too.
      headers.vary = 'Prefer'
    }
    if (NO_BODY.has(output.statusCode)) {
      delete headers['content-type']
      return { status: output.statusCode, headers, body: Buffer.alloc(0), source: 'mock', upstreamCalls: 0 }
    }
    return { status: output.statusCode, headers, body: serialise(body), source: 'mock', upstreamCalls: 0 }
  }
}
