// The mock terminal without HTTP around it: what the mock itself answers (the twin first, Prism for
// what it does not cover), with no cache, split or budget stage in front. Requests are
// GatewayRequests, as the pipeline hands them over.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv, type ValidateFunction } from 'ajv'
import formats from 'ajv-formats'
import { pino } from 'pino'
import { ANONYMOUS } from '../../src/apps.js'
import { loadMock, type PreparedMock } from '../../src/mock/load.js'
import { mockTerminal } from '../../src/mock/terminal.js'
import { MockMode } from '../../src/mock/mock-mode.js'
import type { GatewayResponse, Handler } from '../../src/pipeline/types.js'

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
  /** The mock as the gateway holds it (sessions, fixtures); undefined for Prism alone. */
  readonly mode: MockMode | undefined
  request(method: string, pathAndQuery: string, options?: { headers?: Record<string, string>; body?: unknown }): Promise<MockAnswer>
  get(pathAndQuery: string, headers?: Record<string, string>): Promise<MockAnswer>
}

export interface MockClientOptions {
  readonly spec?: string
  readonly stateDir: string
  readonly seed?: string
  /** false: Prism alone, without the twin in front (what Prism itself does with the description). @default true */
  readonly twin?: boolean
  readonly fixtures?: string
  readonly now?: () => number
  readonly blankAfter?: number
}

/** The mock terminal as the gateway runs it (the twin first, Prism for the rest), or Prism alone. */
export async function mockClient(options: MockClientOptions): Promise<MockClient> {
  const logger = pino({ level: 'silent' })
  let prepared: PreparedMock
  let handler: Handler
  let mode: MockMode | undefined
  if (options.twin === false) {
    prepared = await loadMock({ spec: options.spec, stateDir: options.stateDir, logger })
    handler = mockTerminal(prepared, options.seed === undefined ? {} : { seed: options.seed })
  } else {
    mode = new MockMode({
      spec: options.spec,
      stateDir: options.stateDir,
      logger,
      fixtures: options.fixtures,
      blankAfter: options.blankAfter,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.now === undefined ? {} : { now: options.now }),
    })
    prepared = (await mode.load()).prepared
    handler = mode.terminal
  }
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
  return { prepared, mode, request, get: (pathAndQuery, headers) => request('GET', pathAndQuery, { headers }) }
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

/**
 * Fields the official document gets wrong, each checked against what Hubstaff answers: required
 * times that are null while there is nothing to tell (a job site never visited, a member whose
 * client never reported), and a time of day the document calls a date-time.
 */
const NULL_WHEN_NOTHING_TO_TELL = new Set(['JobSite.last_visited_at', 'OrganizationMember.last_client_activity'])
const TIME_OF_DAY = new Set(['AttendanceSchedule.start_time'])

/**
 * The Swagger 2 document as JSON Schema the way Hubstaff answers it. Swagger 2 has no null, yet
 * Hubstaff answers null for a value it does not have: an optional property may be null. Its
 * generator also drops `is_array` from entity references (`rules`, `time_off_request_days` are
 * lists of the referenced record): a referenced record may come as a list of it.
 */
export function asHubstaffAnswers(doc: Doc): void {
  const walk = (node: unknown, owner: string): void => {
    if (typeof node !== 'object' || node === null) return
    const schema = node as Record<string, unknown>
    const properties = schema.properties as Record<string, Record<string, unknown>> | undefined
    if (typeof properties === 'object' && properties !== null) {
      const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : [])
      for (const [name, original] of Object.entries(properties)) {
        walk(original, '')
        let property: Record<string, unknown> = original
        if (TIME_OF_DAY.has(`${owner}.${name}`)) property = { type: 'string' }
        if (typeof property.$ref === 'string') property = { anyOf: [property, { type: 'array', items: { $ref: property.$ref } }] }
        if (!required.has(name) || NULL_WHEN_NOTHING_TO_TELL.has(`${owner}.${name}`)) property = { anyOf: [property, { type: 'null' }] }
        properties[name] = property
      }
    }
    for (const [key, value] of Object.entries(schema)) if (key !== 'properties') walk(value, '')
  }
  for (const [name, definition] of Object.entries((doc.definitions ?? {}) as Record<string, unknown>)) walk(definition, name)
  walk(doc.paths, '')
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

/** Where path parameters and date ranges come from: ids of the model, and "today". */
export interface Place {
  /** Path parameter values by name (`organization_id`); 1001 for any other. */
  readonly ids?: Readonly<Record<string, number>>
  /** Epoch ms: ranges are the day before the day of it. @default 2026-08-04 */
  readonly now?: number
}

const DAY = 86_400_000

/** A value that passes the parameter's own rules: dates inside one day, integers 1001 or the model's ids. */
function valueFor(param: { readonly name: string; readonly schema?: SchemaLike } & SchemaLike, place: Place = {}): string {
  const schema = param.schema ?? param
  const end = /\[stop\]$/.test(param.name) ? 'stop' : 'start'
  const today = Math.floor((place.now ?? Date.parse('2026-08-04T12:00:00Z')) / DAY) * DAY
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
  if (schema.format === 'date-time' || (schema.format === undefined && /\[(start|stop)\]$/.test(param.name))) return end === 'stop' ? `${day(today)}T00:00:00Z` : `${day(today - DAY)}T00:00:00Z`
  if (schema.format === 'date') return end === 'stop' ? day(today) : day(today - DAY)
  if (schema.type === 'array') return valueFor({ name: param.name, schema: schema.items ?? {} }, place)
  if (Array.isArray(schema.enum)) return String(schema.enum[0])
  const id = place.ids?.[param.name]
  if (id !== undefined) return String(id)
  if (schema.type === 'integer' || schema.type === 'number') return '1001'
  if (schema.type === 'boolean') return 'true'
  return 'x'
}

/** Every GET operation of a spec as a request that satisfies its path and required query parameters. */
export function everyGet(doc: Doc, place: Place = {}): { path: string; url: string; paged: boolean }[] {
  const out: { path: string; url: string; paged: boolean }[] = []
  for (const [path, item] of Object.entries(doc.paths)) {
    const op = item.get
    if (op === undefined) continue
    const params = parameters(doc, path, op)
    const url = path.replace(/\{([^}]+)\}/g, (_m, name: string) => valueFor(params.find((p) => p.name === name && p.in === 'path') ?? { name, type: 'integer' }, place))
    const query = new URLSearchParams()
    for (const p of params) if (p.in === 'query' && p.required === true) query.append(p.name, valueFor(p, place))
    out.push({ path, url: query.size === 0 ? url : `${url}?${query.toString()}`, paged: params.some((p) => p.name === 'page_limit') })
  }
  return out
}

/** Ids of the model's first organization, project, task, team and client, and of the app's own user. */
export async function modelIds(mock: Pick<MockClient, 'get'>, headers: Record<string, string> = {}): Promise<Record<string, number>> {
  const first = async (url: string, key: string): Promise<number> => {
    const list = (await mock.get(url, headers)).json()[key] as { id: number }[] | undefined
    const id = list?.[0]?.id
    if (id === undefined) throw new Error(`the model has no ${key} at ${url}`)
    return id
  }
  const user_id = ((await mock.get('/v2/users/me', headers)).json().user as { id: number }).id
  const organization_id = await first('/v2/organizations', 'organizations')
  return {
    user_id,
    organization_id,
    project_id: await first(`/v2/organizations/${organization_id}/projects`, 'projects'),
    task_id: await first(`/v2/organizations/${organization_id}/tasks`, 'tasks'),
    team_id: await first(`/v2/organizations/${organization_id}/teams`, 'teams'),
    client_id: await first(`/v2/organizations/${organization_id}/clients`, 'clients'),
  }
}
