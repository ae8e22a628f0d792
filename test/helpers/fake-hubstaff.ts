// A fake Hubstaff (account.hubstaff.com token endpoint + api.hubstaff.com/v2) for end-to-end tests.
// Plain node:http on purpose: it must not share a framework, or its bugs, with the gateway.
// Faithfulness matters more than convenience: strict refresh-token rotation, cursor pagination,
// the error envelope and the cache headers all behave as the real service documents.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import {
  activitiesBetween,
  createStore,
  dailyActivitiesBetween,
  DAY_MS,
  FAKE_DATA,
  filterIds,
  newTask,
  notesBetween,
  organizationProjects,
  paginate,
  projectTasks,
  related,
  updateTask,
  type FakeRecord,
  type FakeStore,
  type TaskChanges,
} from './fake-hubstaff-data.js'

import { BlankReply, sendBlank, type FakeBlank } from './fake-hubstaff-blank.js'
import { ApiError, dayParam, fail, invalid, notFound, parseQuery, Query, timeParam } from './fake-hubstaff-query.js'

export { FAKE_DATA } from './fake-hubstaff-data.js'
export { FAKE_BLANK_FORMS, type FakeBlank, type FakeBlankForm } from './fake-hubstaff-blank.js'

export interface FakeHubstaffOptions {
  accessTokenTtl?: number
  now?: () => number
  tokenDelayMs?: number
  rateLimit?: { limit: number; windowMs: number }
  pageLimitDefault?: number
}
export interface FakeHubstaffStats {
  exchanges: number
  rejectedExchanges: number
  reuse: number
  apiRequests: number
  unauthorized: number
  rateLimited: number
  /** Blank replies given (the `blank` knob). */
  blanks: number
}
export interface RecordedRequest {
  method: string
  path: string
  query: string
  headers: Record<string, string | string[] | undefined>
  body: string
}
export type FakeFailure = undefined | { status: number; body?: string } | 'reset' | 'hang'
export type FakeApiFailure = undefined | { status: number; body?: string; contentType?: string } | 'reset' | 'hang'
export interface FakeHubstaff {
  readonly origin: string
  readonly stats: FakeHubstaffStats
  readonly requests: RecordedRequest[]
  readonly issuedTokens: string[]
  issueRefreshToken(): string
  revokeAll(): void
  expireAccessTokens(): void
  tokenEndpointFailure: FakeFailure
  apiFailure: FakeApiFailure
  apiDelayMs: number
  /** Settable: blank replies to long date ranges (see FakeBlank). */
  blank: FakeBlank
  /** Settable: delay before the token endpoint answers (starts at options.tokenDelayMs). */
  tokenDelayMs: number
  close(): Promise<void>
}

const JSON_TYPE = 'application/json; charset=utf-8'
const ISSUER = 'https://account.hubstaff.com'
const SCOPE = 'openid hubstaff:read hubstaff:write'
// Doorkeeper's wording for every unusable refresh token: unknown, revoked and rotated look alike.
const INVALID_GRANT = {
  error: 'invalid_grant',
  error_description:
    'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
}
const RATE_LIMITED = { code: 'rate_limit', error: 'Rate limit exceeded', error_code: 13000 }
const UNAUTHORIZED = { code: 'unauthorized', error: 'Unauthorized' }
const NOT_FOUND = { code: 'not_found', error: 'Could not find record' }

/** Doorkeeper keeps a refresh token and the access token issued with it on one record. */
type RefreshRecord = { state: 'valid' | 'rotated' | 'revoked'; accessToken?: string }
type AccessRecord = { expMs: number; valid: boolean }

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return
  res.writeHead(status, body === '' ? headers : { 'content-type': JSON_TYPE, ...headers })
  res.end(body)
}

/** Plays a failure knob; false when none is set. A knob's body may be HTML, JSON or empty, labelled as a proxy would. */
function injectFailure(req: IncomingMessage, res: ServerResponse, failure: FakeApiFailure, fallback: object): boolean {
  if (failure === undefined) return false
  if (failure === 'reset') req.socket.resetAndDestroy()
  if (failure === 'reset' || failure === 'hang') return true
  const text = failure.body ?? JSON.stringify(fallback)
  const type = failure.contentType ?? (text === '' ? undefined : /^\s*[[{]/.test(text) ? JSON_TYPE : 'text/html; charset=utf-8')
  send(res, failure.status, text, {
    ...(type === undefined ? {} : { 'content-type': type }),
    ...(failure.status === 429 ? { 'retry-after': '1' } : {}),
  })
  return true
}

function clientGone(res: ServerResponse): boolean {
  const socket = res.socket
  return res.destroyed || socket === null || socket.destroyed || !socket.writable
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

export async function startFakeHubstaff(options: FakeHubstaffOptions = {}): Promise<FakeHubstaff> {
  const ttl = options.accessTokenTtl ?? 3600
  const clock = options.now ?? Date.now
  const store = createStore()
  const dispatch = createRoutes(store, options.pageLimitDefault ?? 100, (spanMs, limit) => {
    const blank = fake.blank
    if (blank === undefined || spanMs <= blank.overMs) return
    if (blank.smallPagesPass !== undefined && limit <= blank.smallPagesPass) return
    throw new BlankReply(blank.form)
  })
  const refreshTokens = new Map<string, RefreshRecord>()
  const accessTokens = new Map<string, AccessRecord>()
  const admitted: number[] = [] // times of /v2 requests inside the rolling rate-limit window
  const timers = new Set<NodeJS.Timeout>()
  let closed = false

  // Tracked so close() can cancel them: a pending delay must not keep the test process alive.
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(void timers.delete(timer)), ms)
      timers.add(timer)
    })

  const mintRefreshToken = (accessToken?: string): string => {
    const token = randomBytes(32).toString('base64url')
    refreshTokens.set(token, accessToken === undefined ? { state: 'valid' } : { state: 'valid', accessToken })
    fake.issuedTokens.push(token)
    return token
  }

  const mintAccessToken = (): string => {
    const iat = Math.floor(clock() / 1000)
    const exp = iat + ttl
    const payload = { iss: ISSUER, sub: String(FAKE_DATA.meUserId), iat, exp, jti: randomUUID(), scope: SCOPE }
    // A 2048-bit RS256 signature is 256 bytes; nobody can verify it, but lengths stay realistic.
    const token = `${b64json({ alg: 'RS256', typ: 'JWT' })}.${b64json(payload)}.${randomBytes(256).toString('base64url')}`
    accessTokens.set(token, { expMs: exp * 1000, valid: true })
    fake.issuedTokens.push(token)
    return token
  }

  async function tokenEndpoint(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    await sleep(fake.tokenDelayMs)
    if (injectFailure(req, res, fake.tokenEndpointFailure, { error: 'server_error', error_description: 'Fake token endpoint failure' })) return
    const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
    const form = new URLSearchParams(isForm ? body : '')
    const presented = form.get('refresh_token') ?? ''
    if (form.get('grant_type') !== 'refresh_token' || presented === '') {
      send(res, 400, JSON.stringify({ error: 'invalid_request', error_description: 'The request is missing a required parameter.' }))
      return
    }
    // Rotation commits only if the answer can still be delivered: a client killed while waiting
    // never saw the new pair, so its stored refresh token must keep working.
    if (clientGone(res)) return
    const record = refreshTokens.get(presented)
    if (record?.state !== 'valid') {
      fake.stats.rejectedExchanges++
      if (record?.state === 'rotated') fake.stats.reuse++
      send(res, 401, JSON.stringify(INVALID_GRANT))
      return
    }
    record.state = 'rotated'
    const paired = record.accessToken === undefined ? undefined : accessTokens.get(record.accessToken)
    if (paired) paired.valid = false
    const accessToken = mintAccessToken()
    const refreshToken = mintRefreshToken(accessToken)
    fake.stats.exchanges++
    const answer = { access_token: accessToken, refresh_token: refreshToken, expires_in: ttl, token_type: 'bearer' }
    send(res, 200, JSON.stringify(answer), { 'cache-control': 'no-store', pragma: 'no-cache' })
  }

  /** Counts admitted requests only, so a client hammering through a 429 does not extend its own lockout. */
  function retryAfterSeconds(now: number): number | undefined {
    const limit = options.rateLimit
    if (limit === undefined) return undefined
    while (admitted.length > 0 && (admitted[0] ?? 0) <= now - limit.windowMs) admitted.shift()
    if (admitted.length < limit.limit) {
      admitted.push(now)
      return undefined
    }
    return Math.max(1, Math.ceil(((admitted[0] ?? now) + limit.windowMs - now) / 1000))
  }

  function authorized(req: IncomingMessage): boolean {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')
    const record = match?.[1] === undefined ? undefined : accessTokens.get(match[1])
    return record !== undefined && record.valid && clock() < record.expMs
  }

  async function api(req: IncomingMessage, res: ServerResponse, path: string, query: string, body: string): Promise<void> {
    const method = req.method ?? 'GET'
    fake.stats.apiRequests++
    fake.requests.push({ method, path, query, headers: { ...req.headers }, body })
    await sleep(fake.apiDelayMs)
    // An outage sits in front of the API (load balancer, CDN), so it preempts rate limit and auth.
    if (injectFailure(req, res, fake.apiFailure, { code: 'server_error', error: 'Fake upstream failure', error_code: 15000 })) return
    const retryAfter = retryAfterSeconds(clock())
    if (retryAfter !== undefined) {
      fake.stats.rateLimited++
      send(res, 429, JSON.stringify(RATE_LIMITED), { 'retry-after': String(retryAfter) })
      return
    }
    if (!authorized(req)) {
      fake.stats.unauthorized++
      send(res, 401, JSON.stringify(UNAUTHORIZED))
      return
    }
    try {
      const reply = dispatch(method, path, query, body, clock())
      if (reply.kind === 'empty') return send(res, 204, '')
      const text = JSON.stringify(reply.body)
      if (reply.kind === 'list') return send(res, 200, text, { 'cache-control': 'no-cache' })
      // Rails' Rack::ETag + ConditionalGet: single records carry a weak ETag and honour If-None-Match.
      const etag = `W/"${createHash('md5').update(text).digest('hex')}"`
      const headers = { etag, 'cache-control': 'max-age=0, private, must-revalidate' }
      if (method === 'GET' && req.headers['if-none-match'] === etag) return send(res, 304, '', headers)
      send(res, 200, text, headers)
    } catch (err) {
      if (err instanceof ApiError) return send(res, err.status, JSON.stringify(err.body))
      if (err instanceof BlankReply) {
        fake.stats.blanks++
        return sendBlank(res, err.form)
      }
      send(res, 500, JSON.stringify({ code: 'server_error', error: `fake-hubstaff bug: ${String(err)}`, error_code: 15000 }))
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/'
    const q = rawUrl.indexOf('?')
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q)
    const query = q === -1 ? '' : rawUrl.slice(q + 1)
    const body = await readBody(req)
    if (path === '/access_tokens' && req.method === 'POST') return tokenEndpoint(req, res, body)
    if (path === '/v2' || path.startsWith('/v2/')) return api(req, res, path, query, body)
    send(res, 404, JSON.stringify(NOT_FOUND))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // The client went away mid-request; there is nobody left to answer.
      if (!res.headersSent) res.destroy()
    })
  })
  server.on('clientError', (_err, socket) => socket.destroy())
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  const fake: FakeHubstaff = {
    origin: `http://127.0.0.1:${port}`,
    stats: { exchanges: 0, rejectedExchanges: 0, reuse: 0, apiRequests: 0, unauthorized: 0, rateLimited: 0, blanks: 0 },
    requests: [],
    issuedTokens: [],
    tokenEndpointFailure: undefined,
    apiFailure: undefined,
    apiDelayMs: 0,
    blank: undefined,
    tokenDelayMs: options.tokenDelayMs ?? 0,
    issueRefreshToken: () => mintRefreshToken(),
    revokeAll() {
      for (const record of refreshTokens.values()) record.state = 'revoked'
      for (const record of accessTokens.values()) record.valid = false
    },
    expireAccessTokens() {
      for (const record of accessTokens.values()) record.valid = false
    },
    async close() {
      if (closed) return
      closed = true
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      const done = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections() // includes hung requests, which server.close() alone would wait for
      await done
    },
  }
  return fake
}

// ---- /v2 routing: Grape-like parameter validation (400 before 404), envelopes, cursor pagination.

type Reply = { kind: 'record' | 'list'; body: object } | { kind: 'empty' }
type Handler = (id: number, q: Query, body: string, now: number) => Reply

const STALE = { code: 'stale_object', error: 'The record has been modified. Please refresh and try again.', error_code: 11003 }

function jsonObject(body: string): Record<string, unknown> {
  let value: unknown = {}
  try {
    if (body.trim() !== '') value = JSON.parse(body)
  } catch {
    throw invalid('The request body is not valid JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('The request body must be an object')
  return value as Record<string, unknown>
}

function assigneeIds(data: Record<string, unknown>): number[] | undefined {
  const raw = data.assignee_ids ?? (data.assignee_id === undefined ? undefined : [data.assignee_id])
  if (raw !== undefined && (!Array.isArray(raw) || !raw.every((id) => Number.isInteger(id)))) throw invalid('assignee_ids is invalid')
  return raw as number[] | undefined
}

function summaryOf(data: Record<string, unknown>, required: boolean): string | undefined {
  if (data.summary === undefined && !required) return undefined
  if (typeof data.summary !== 'string' || data.summary.trim() === '') throw invalid('summary is missing or empty')
  return data.summary
}

/** Called by ranged lists once the request is valid: may throw a BlankReply. */
type BlankCheck = (spanMs: number, pageLimit: number) => void

function createRoutes(store: FakeStore, pageLimitDefault: number, blankCheck: BlankCheck) {
  const record = (key: string, value: FakeRecord | undefined): Reply => ({ kind: 'record', body: { [key]: value ?? fail(notFound()) } })
  const organization = (id: number): number => (store.organizations.has(id) ? id : fail(notFound()))
  const project = (id: number): number => (store.projects.has(id) ? id : fail(notFound()))
  const list = (key: string, records: readonly FakeRecord[], q: Query, includable: readonly string[], spanMs?: number): Reply => {
    const limit = q.int('page_limit') ?? pageLimitDefault
    if (limit < 1) throw invalid('page_limit is invalid')
    const include = q.list('include')
    if (include.some((name) => !includable.includes(name))) throw invalid('include does not have a valid value')
    if (spanMs !== undefined) blankCheck(spanMs, limit)
    const { page, nextId } = paginate(records, q.int('page_start_id') ?? 0, limit)
    const body: Record<string, unknown> = { [key]: page }
    for (const name of include) body[name] = related(store, name, page)
    if (nextId !== undefined) body.pagination = { next_page_start_id: nextId }
    return { kind: 'list', body }
  }
  const byActivityFilters = (q: Query, records: FakeRecord[]): FakeRecord[] =>
    ['user', 'project', 'task'].reduce((kept, name) => filterIds(kept, `${name}_id`, q.ints(`${name}_ids`)), records)

  const routes: Array<[string, RegExp, Handler]> = [
    ['GET', /^\/v2\/users\/me$/, () => record('user', store.users.get(FAKE_DATA.meUserId))],
    ['GET', /^\/v2\/users\/(\d+)$/, (id) => record('user', store.users.get(id))],
    ['GET', /^\/v2\/organizations$/, (_, q) => list('organizations', [...store.organizations.values()], q, [])],
    ['GET', /^\/v2\/organizations\/(\d+)$/, (id) => record('organization', store.organizations.get(id))],
    ['GET', /^\/v2\/organizations\/(\d+)\/members$/, (id, q) => {
      const roles = q.list('membership_roles')
      const members = filterIds(store.members.get(organization(id)) ?? [], 'user_id', q.ints('user_ids'))
      return list('members', members.filter((m) => roles.length === 0 || roles.includes(String(m.membership_role))), q, ['users', 'projects'])
    }],
    ['GET', /^\/v2\/organizations\/(\d+)\/projects$/, (id, q) => {
      const status = q.string('status') ?? 'active'
      if (!['active', 'archived', 'all'].includes(status)) throw invalid('status does not have a valid value')
      const projects = filterIds(organizationProjects(store, organization(id), status), 'id', q.ints('project_ids'))
      return list('projects', projects, q, ['clients'])
    }],
    ['GET', /^\/v2\/projects\/(\d+)$/, (id) => record('project', store.projects.get(id))],
    ['GET', /^\/v2\/projects\/(\d+)\/tasks$/, (id, q) => {
      const statuses = q.list('status')
      const tasks = filterIds(projectTasks(store, project(id)), 'assignee_ids', q.ints('user_ids'))
      return list('tasks', tasks.filter((t) => statuses.length === 0 || statuses.includes(t.status)), q, ['users'])
    }],
    ['POST', /^\/v2\/projects\/(\d+)\/tasks$/, (id, _, body, now) => {
      const data = jsonObject(body)
      const summary = summaryOf(data, true) ?? ''
      return record('task', newTask(store, project(id), summary, assigneeIds(data) ?? [], now))
    }],
    ['GET', /^\/v2\/tasks\/(\d+)$/, (id) => record('task', store.tasks.get(id))],
    ['PUT', /^\/v2\/tasks\/(\d+)$/, (id, _, body, now) => {
      const data = jsonObject(body)
      if (!Number.isInteger(data.lock_version)) throw invalid('lock_version is missing')
      const status = data.status as TaskChanges['status']
      if (status !== undefined && status !== 'active' && status !== 'completed') throw invalid('status does not have a valid value')
      const changes = { summary: summaryOf(data, false), status, assigneeIds: assigneeIds(data) }
      const task = store.tasks.get(id) ?? fail(notFound())
      if (data.lock_version !== task.lock_version) throw new ApiError(422, STALE)
      updateTask(task, changes, now)
      return record('task', task)
    }],
    ['DELETE', /^\/v2\/tasks\/(\d+)$/, (id) => (store.tasks.delete(id) ? { kind: 'empty' } : fail(notFound()))],
    ['GET', /^\/v2\/organizations\/(\d+)\/activities$/, (id, q, _, now) => {
      const start = timeParam(q, 'start')
      const stop = timeParam(q, 'stop')
      if (stop <= start) throw invalid('time_slot[stop] must be after time_slot[start]')
      if (stop - start > 7 * DAY_MS) throw invalid('time_slot range must not exceed 7 days')
      const all = organization(id) === FAKE_DATA.organizationId ? activitiesBetween(start, stop, now) : []
      return list('activities', byActivityFilters(q, all), q, ['users', 'projects', 'tasks'], stop - start)
    }],
    ['GET', /^\/v2\/organizations\/(\d+)\/activities\/daily$/, (id, q, _, now) => {
      const first = dayParam(q, 'start')
      const last = dayParam(q, 'stop')
      if (last < first) throw invalid('date[stop] must not be before date[start]')
      if (last - first + 1 > 31) throw invalid('date range must not exceed 31 days')
      const all = organization(id) === FAKE_DATA.organizationId ? dailyActivitiesBetween(first, last, now) : []
      return list('daily_activities', byActivityFilters(q, all), q, ['users', 'projects', 'tasks'], (last - first + 1) * DAY_MS)
    }],
    ['GET', /^\/v2\/organizations\/(\d+)\/notes$/, (id, q, _, now) => {
      const start = timeParam(q, 'start')
      const stop = timeParam(q, 'stop')
      if (stop <= start) throw invalid('time_slot[stop] must be after time_slot[start]')
      if (stop - start > 31 * DAY_MS) throw invalid('time_slot range must not exceed 31 days')
      const all = organization(id) === FAKE_DATA.organizationId ? notesBetween(start, stop, now) : []
      return list('notes', byActivityFilters(q, all), q, ['users', 'projects', 'tasks'], stop - start)
    }],
  ]

  return (method: string, path: string, rawQuery: string, body: string, now: number): Reply => {
    const q = new Query(parseQuery(rawQuery))
    for (const [routeMethod, pattern, handler] of routes) {
      const match = pattern.exec(path)
      if (match !== null && routeMethod === method) return handler(Number(match[1] ?? 0), q, body, now)
    }
    throw notFound()
  }
}
