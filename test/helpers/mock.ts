// The mock terminal without HTTP around it: what the mock itself answers, with no cache or budget
// stage in front. Requests are GatewayRequests, as the pipeline hands them over.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv, type ValidateFunction } from 'ajv'
import formats from 'ajv-formats'
import { pino } from 'pino'
import { ANONYMOUS } from '../../src/apps.js'
import { loadMock, type PreparedMock } from '../../src/mock/load.js'
import { mockTerminal } from '../../src/mock/terminal.js'
import type { GatewayResponse } from '../../src/pipeline/types.js'

export const BUNDLED_SPEC = fileURLToPath(new URL('../../spec/hubstaff-v2.openapi.json', import.meta.url))
/** The official Swagger document, kept outside the project (never copied into it). */
export const OFFICIAL_SPEC = fileURLToPath(new URL('../../../shared/hubstaff/hubstaff-v2.swagger.json', import.meta.url))
export const NO_OFFICIAL_SPEC = existsSync(OFFICIAL_SPEC) ? false : `${OFFICIAL_SPEC} is absent (it lives beside the project, not in it): skipped`

export interface MockAnswer extends GatewayResponse {
  readonly text: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read as loose JSON; the assertions check their shape
  json(): any
}

export interface MockClient {
  readonly prepared: PreparedMock
  request(method: string, pathAndQuery: string, options?: { headers?: Record<string, string>; body?: unknown }): Promise<MockAnswer>
  get(pathAndQuery: string, headers?: Record<string, string>): Promise<MockAnswer>
}

export async function mockClient(options: { spec?: string; stateDir: string; seed?: string }): Promise<MockClient> {
  const prepared = await loadMock({ spec: options.spec, stateDir: options.stateDir, logger: pino({ level: 'silent' }) })
  const handler = mockTerminal(prepared, options.seed === undefined ? {} : { seed: options.seed })
  let n = 0
  const request: MockClient['request'] = async (method, pathAndQuery, { headers = {}, body } = {}) => {
    const q = pathAndQuery.indexOf('?')
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))
    const answer = await handler({
      id: `t-${++n}`,
      method,
      path: q === -1 ? pathAndQuery : pathAndQuery.slice(0, q),
      query: q === -1 ? '' : pathAndQuery.slice(q + 1),
      headers: payload === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: payload,
      signal: new AbortController().signal,
      app: ANONYMOUS,
    })
    const text = answer.body.toString('utf8')
    return Object.assign(answer, { text, json: () => JSON.parse(text) })
  }
  return { prepared, request, get: (pathAndQuery, headers) => request('GET', pathAndQuery, { headers }) }
}

interface SchemaLike {
  readonly type?: string
  readonly format?: string
  readonly enum?: readonly unknown[]
  readonly items?: SchemaLike
}
interface Param extends SchemaLike {
  readonly name: string
  readonly in: string
  readonly required?: boolean
  readonly schema?: SchemaLike
  readonly $ref?: string
}
interface DocOperation {
  readonly parameters?: Param[]
  readonly responses: Record<string, { readonly schema?: unknown }>
}
/** An OpenAPI 3 or Swagger 2 document, as far as these tests read it. */
export type Doc = { readonly paths: Record<string, Record<string, DocOperation> & { parameters?: Param[] }> } & Record<string, unknown>

export function readDoc(path: string): Doc {
  return JSON.parse(readFileSync(path, 'utf8')) as Doc
}

const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'])

/**
 * The official document has a few `type`s that are not JSON Schema types (`"Array[String]"`, and
 * `"s"` with format `"g"`). It declares nothing usable there, so those properties are left
 * unconstrained; the places are returned so that a test can say what it did not check.
 */
export function dropUnusableTypes(doc: Doc): string[] {
  const dropped: string[] = []
  const walk = (node: unknown, at: string): void => {
    if (typeof node !== 'object' || node === null) return
    const schema = node as Record<string, unknown>
    if (typeof schema.type === 'string' && !JSON_TYPES.has(schema.type) && at.includes('/properties/')) {
      dropped.push(`${at}: ${JSON.stringify(schema.type)}`)
      delete schema.type
      delete schema.format
    }
    for (const [key, value] of Object.entries(schema)) walk(value, `${at}/${key}`)
  }
  walk(doc, '#')
  return dropped
}

/** A validator for schemas inside `doc`, addressed by JSON pointer (so `$ref`s resolve against it). */
export function schemaValidator(doc: Doc): (pointer: string[]) => ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true })
  // CommonJS seen from ESM: the plugin is the module's `default` export.
  formats.default(ajv)
  ajv.addSchema(doc, 'doc')
  return (pointer) => {
    const ref = 'doc#/' + pointer.map((p) => encodeURIComponent(p.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/')
    const validate = ajv.getSchema(ref)
    if (validate === undefined) throw new Error(`no schema at ${ref}`)
    return validate
  }
}

/** Parameters of a GET operation, OpenAPI 3 (`schema`) or Swagger 2 (inline `type`) alike. */
function parameters(doc: Doc, path: string, op: DocOperation): Param[] {
  const deref = (p: Param): Param =>
    typeof p.$ref === 'string' ? (p.$ref.slice(2).split('/').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], doc) as Param) : p
  return [...(doc.paths[path]?.parameters ?? []), ...(op.parameters ?? [])].map(deref)
}

/** A value that passes the parameter's own rules: dates inside one day, integers 1001. */
function valueFor(param: { readonly name: string; readonly schema?: SchemaLike } & SchemaLike): string {
  const schema = param.schema ?? param
  const end = /\[stop\]$/.test(param.name) ? 'stop' : 'start'
  if (schema.format === 'date-time' || (schema.format === undefined && /\[(start|stop)\]$/.test(param.name))) return end === 'stop' ? '2026-08-04T00:00:00Z' : '2026-08-03T00:00:00Z'
  if (schema.format === 'date') return end === 'stop' ? '2026-08-04' : '2026-08-03'
  if (schema.type === 'array') return valueFor({ name: param.name, schema: schema.items ?? {} })
  if (Array.isArray(schema.enum)) return String(schema.enum[0])
  if (schema.type === 'integer' || schema.type === 'number') return '1001'
  if (schema.type === 'boolean') return 'true'
  return 'x'
}

/** Every GET operation of a spec as a request that satisfies its path and required query parameters. */
export function everyGet(doc: Doc): { path: string; url: string; paged: boolean }[] {
  const out: { path: string; url: string; paged: boolean }[] = []
  for (const [path, item] of Object.entries(doc.paths)) {
    const op = item.get
    if (op === undefined) continue
    const params = parameters(doc, path, op)
    const url = path.replace(/\{([^}]+)\}/g, (_m, name: string) => valueFor(params.find((p) => p.name === name && p.in === 'path') ?? { name, type: 'integer' }))
    const query = new URLSearchParams()
    for (const p of params) if (p.in === 'query' && p.required === true) query.append(p.name, valueFor(p))
    out.push({ path, url: query.size === 0 ? url : `${url}?${query.toString()}`, paged: params.some((p) => p.name === 'page_limit') })
  }
  return out
}
