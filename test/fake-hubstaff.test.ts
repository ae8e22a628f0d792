// Proves the fake Hubstaff behaves as the facts describe, so later end-to-end failures point at the
// gateway and not at its test double.
import t from 'tap'
import { request as httpRequest } from 'node:http'
import { request } from 'undici'
import { FAKE_DATA, startFakeHubstaff, type FakeHubstaff, type FakeHubstaffOptions } from './helpers/fake-hubstaff.js'

// A Friday, noon UTC: the working day is half elapsed.
const FRIDAY_NOON = Date.UTC(2026, 2, 13, 12, 0, 0)
const ORG = FAKE_DATA.organizationId

interface Clock {
  ms: number
}

async function start(t: { teardown(fn: () => unknown): void }, options: FakeHubstaffOptions = {}): Promise<{ fake: FakeHubstaff; clock: Clock }> {
  const clock = { ms: FRIDAY_NOON }
  const fake = await startFakeHubstaff({ now: () => clock.ms, ...options })
  t.teardown(() => fake.close())
  return { fake, clock }
}

async function exchange(fake: FakeHubstaff, refreshToken: string, form?: string, contentType = 'application/x-www-form-urlencoded') {
  const body = form ?? new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString()
  const res = await request(`${fake.origin}/access_tokens`, { method: 'POST', headers: { 'content-type': contentType }, body })
  const text = await res.body.text()
  const isJson = String(res.headers['content-type']).startsWith('application/json')
  return { status: res.statusCode, headers: res.headers, text, json: isJson ? JSON.parse(text) : undefined }
}

async function call(fake: FakeHubstaff, path: string, token: string | undefined, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers }
  if (token !== undefined) headers.authorization = `Bearer ${token}`
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  const res = await request(`${fake.origin}${path}`, { method: (init.method ?? 'GET') as 'GET', headers, body: init.body })
  const text = await res.body.text()
  const isJson = String(res.headers['content-type']).startsWith('application/json')
  return { status: res.statusCode, headers: res.headers, text, json: isJson ? JSON.parse(text) : undefined }
}

async function login(fake: FakeHubstaff): Promise<{ access: string; refresh: string }> {
  const res = await exchange(fake, fake.issueRefreshToken())
  return { access: res.json.access_token, refresh: res.json.refresh_token }
}

function decodeJwtPart(token: string, index: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8'))
}

/** Posts to the token endpoint and abandons the connection after `abandonAfterMs`, like a killed process. */
function abandonedExchange(fake: FakeHubstaff, refreshToken: string, abandonAfterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const body = `grant_type=refresh_token&refresh_token=${refreshToken}`
    const req = httpRequest(`${fake.origin}/access_tokens`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    req.on('error', () => resolve())
    req.end(body)
    setTimeout(() => {
      req.destroy()
      resolve()
    }, abandonAfterMs)
  })
}

interface ActivityRow {
  id: number
  time_slot: string
  user_id: number
  keyboard: number
  mouse: number
  overall: number
  tracked: number
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

void t.test('token exchange answers a JWT-shaped access token and an opaque refresh token', async (t) => {
  const { fake } = await start(t, { accessTokenTtl: 120 })
  const seed = fake.issueRefreshToken()
  const res = await exchange(fake, seed)
  t.equal(res.status, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  t.same(Object.keys(res.json).sort(), ['access_token', 'expires_in', 'refresh_token', 'token_type'])
  t.equal(res.json.expires_in, 120)
  t.equal(res.json.token_type, 'bearer')
  t.notMatch(res.json.refresh_token, /\./, 'refresh token is opaque')
  const parts = String(res.json.access_token).split('.')
  t.equal(parts.length, 3)
  t.match(parts[2], /^[A-Za-z0-9_-]+$/)
  t.same(decodeJwtPart(res.json.access_token, 0), { alg: 'RS256', typ: 'JWT' })
  const payload = decodeJwtPart(res.json.access_token, 1)
  t.match(payload, { iss: 'https://account.hubstaff.com', sub: String(FAKE_DATA.meUserId), scope: 'openid hubstaff:read hubstaff:write' })
  t.equal(payload.iat, FRIDAY_NOON / 1000)
  t.equal(payload.exp, FRIDAY_NOON / 1000 + 120)
  t.type(payload.jti, 'string')
  t.same(fake.issuedTokens, [seed, res.json.access_token, res.json.refresh_token])
  t.match(fake.stats, { exchanges: 1, rejectedExchanges: 0, reuse: 0 })
})

void t.test('strict rotation: old refresh tokens are rejected and counted as reuse, paired access tokens die', async (t) => {
  const { fake } = await start(t)
  const seed = fake.issueRefreshToken()
  const first = await exchange(fake, seed)
  const again = await exchange(fake, seed)
  t.equal(again.status, 401)
  t.equal(again.json.error, 'invalid_grant')
  t.match(again.json.error_description, /invalid, expired, revoked/)
  t.match(fake.stats, { exchanges: 1, rejectedExchanges: 1, reuse: 1 })

  // Seeds have no paired access token, so the first access token survives its seed's rotation.
  t.equal((await call(fake, '/v2/users/me', first.json.access_token)).status, 200)
  const second = await exchange(fake, first.json.refresh_token)
  t.equal(second.status, 200)
  const old = await call(fake, '/v2/users/me', first.json.access_token)
  t.equal(old.status, 401, 'the access token issued with a rotated refresh token is revoked')
  t.same(old.json, { code: 'unauthorized', error: 'Unauthorized' })
  t.equal((await call(fake, '/v2/users/me', second.json.access_token)).status, 200)
  t.equal((await exchange(fake, first.json.refresh_token)).status, 401)
  t.match(fake.stats, { exchanges: 2, rejectedExchanges: 2, reuse: 2, unauthorized: 1 })
})

void t.test('bad exchange requests', async (t) => {
  const { fake } = await start(t)
  const seed = fake.issueRefreshToken()
  const wrongGrant = await exchange(fake, seed, `grant_type=password&refresh_token=${seed}`)
  t.equal(wrongGrant.status, 400)
  t.equal(wrongGrant.json.error, 'invalid_request')
  t.equal((await exchange(fake, seed, 'grant_type=refresh_token')).status, 400)
  const asJson = await exchange(fake, seed, JSON.stringify({ grant_type: 'refresh_token', refresh_token: seed }), 'application/json')
  t.equal(asJson.status, 400, 'the body must be form-encoded')
  const unknown = await exchange(fake, 'never-issued')
  t.equal(unknown.status, 401)
  t.equal(unknown.json.error, 'invalid_grant')
  t.match(fake.stats, { exchanges: 0, rejectedExchanges: 1, reuse: 0 })
  t.equal((await exchange(fake, seed)).status, 200, 'rejected requests did not consume the seed')
})

void t.test('access tokens expire by the injected clock; expireAccessTokens and revokeAll', async (t) => {
  const { fake, clock } = await start(t, { accessTokenTtl: 60 })
  const { access, refresh } = await login(fake)
  clock.ms += 59_000
  t.equal((await call(fake, '/v2/users/me', access)).status, 200)
  clock.ms += 1_000
  t.equal((await call(fake, '/v2/users/me', access)).status, 401, 'expired at exp')

  const next = await exchange(fake, refresh)
  t.equal((await call(fake, '/v2/users/me', next.json.access_token)).status, 200)
  fake.expireAccessTokens()
  t.equal((await call(fake, '/v2/users/me', next.json.access_token)).status, 401)
  const afterExpiry = await exchange(fake, next.json.refresh_token)
  t.equal(afterExpiry.status, 200, 'refresh tokens survive expireAccessTokens')

  fake.revokeAll()
  t.equal((await call(fake, '/v2/users/me', afterExpiry.json.access_token)).status, 401)
  const revoked = await exchange(fake, afterExpiry.json.refresh_token)
  t.equal(revoked.status, 401)
  t.equal(revoked.json.error, 'invalid_grant')
  t.equal(fake.stats.reuse, 0, 'a revoked token is not reuse')
  t.equal((await call(fake, '/v2/users/me', undefined)).status, 401, 'no Authorization header')
  t.equal((await call(fake, '/v2/users/me', 'garbage')).status, 401)
  t.equal(fake.stats.unauthorized, 5)
})

void t.test('rotation commits only when the answer is delivered', async (t) => {
  const { fake } = await start(t, { tokenDelayMs: 150 })
  const seed = fake.issueRefreshToken()
  await abandonedExchange(fake, seed, 30)
  await sleep(300)
  t.match(fake.stats, { exchanges: 0, rejectedExchanges: 0 }, 'the abandoned exchange did not happen')
  const [a, b] = await Promise.all([exchange(fake, seed), exchange(fake, seed)])
  t.same([a.status, b.status].sort(), [200, 401], 'two racing exchanges: one wins, one is locked out')
  t.match(fake.stats, { exchanges: 1, rejectedExchanges: 1, reuse: 1 })
})

void t.test('token endpoint failure knob', async (t) => {
  const { fake } = await start(t)
  const seed = fake.issueRefreshToken()
  fake.tokenEndpointFailure = { status: 503 }
  const unavailable = await exchange(fake, seed)
  t.equal(unavailable.status, 503)
  t.type(unavailable.json.error, 'string')
  fake.tokenEndpointFailure = { status: 502, body: '<html>Bad Gateway</html>' }
  const html = await exchange(fake, seed)
  t.equal(html.status, 502)
  t.match(html.headers['content-type'], /^text\/html/)
  t.equal(html.text, '<html>Bad Gateway</html>')
  fake.tokenEndpointFailure = 'reset'
  await t.rejects(exchange(fake, seed), 'the connection is reset')
  fake.tokenEndpointFailure = undefined
  t.equal((await exchange(fake, seed)).status, 200, 'failures did not rotate the token')
  t.equal(fake.stats.exchanges, 1)
})

void t.test('hang never answers; close() ends hung requests and pending delays', async (t) => {
  const fake = await startFakeHubstaff({ tokenDelayMs: 60_000 })
  fake.apiFailure = 'hang'
  let settled = false
  const outcome = (p: Promise<unknown>): Promise<unknown> =>
    p.then(
      (value) => ((settled = true), value),
      (err: unknown) => ((settled = true), err),
    )
  const hung = outcome(call(fake, '/v2/users/me', 'any'))
  const delayed = outcome(exchange(fake, fake.issueRefreshToken()))
  await sleep(150)
  t.equal(settled, false, 'no answer yet')
  const started = Date.now()
  await fake.close()
  t.ok(Date.now() - started < 1000, 'close() does not wait for hung requests')
  t.type(await hung, Error, 'the hung request fails when the fake closes')
  t.type(await delayed, Error, 'so does the delayed exchange')
  t.equal(fake.stats.apiRequests, 1)
  t.equal(fake.stats.exchanges, 0)
})

void t.test('cursor pagination walk over projects', async (t) => {
  const { fake } = await start(t)
  const { access } = await login(fake)
  const ids: number[] = []
  const cursors: number[] = []
  let path = `/v2/organizations/${ORG}/projects`
  for (;;) {
    const res = await call(fake, path, access)
    t.equal(res.status, 200)
    t.equal(res.headers['cache-control'], 'no-cache')
    t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
    t.equal(res.headers.etag, undefined, 'lists carry no ETag')
    ids.push(...res.json.projects.map((p: { id: number }) => p.id))
    if (res.json.pagination === undefined) {
      t.notOk('pagination' in res.json, 'the last page has no pagination key')
      break
    }
    cursors.push(res.json.pagination.next_page_start_id)
    path = `/v2/organizations/${ORG}/projects?page_start_id=${res.json.pagination.next_page_start_id}`
  }
  t.same(cursors, [20101, 20201])
  t.equal(ids.length, FAKE_DATA.activeProjectCount)
  t.same(ids, [...ids].sort((a, b) => a - b))
  t.equal(new Set(ids).size, ids.length)
  t.equal(ids[0], FAKE_DATA.firstProjectId)

  const inclusive = await call(fake, `/v2/organizations/${ORG}/projects?page_start_id=20150&page_limit=10`, access)
  t.equal(inclusive.json.projects[0].id, 20150, 'page_start_id is inclusive')
  t.equal(inclusive.json.pagination.next_page_start_id, 20160)
  const beyond = await call(fake, `/v2/organizations/${ORG}/projects?page_start_id=99999999`, access)
  t.same(beyond.json, { projects: [] })
  t.equal((await call(fake, `/v2/organizations/${ORG}/projects?status=archived`, access)).json.projects.length, 5)
  t.equal((await call(fake, `/v2/organizations/${ORG}/projects?status=all&page_limit=1000`, access)).json.projects.length, 255)
  for (const bad of ['status=bogus', 'page_limit=0', 'page_limit=abc', 'page_start_id=-1', 'include=bogus']) {
    const res = await call(fake, `/v2/organizations/${ORG}/projects?${bad}`, access)
    t.equal(res.status, 400, bad)
    t.equal(res.json.code, 'invalid_params', bad)
  }
})

void t.test('pageLimitDefault option', async (t) => {
  const { fake } = await start(t, { pageLimitDefault: 50 })
  const { access } = await login(fake)
  const res = await call(fake, `/v2/organizations/${ORG}/projects`, access)
  t.equal(res.json.projects.length, 50)
  t.equal(res.json.pagination.next_page_start_id, FAKE_DATA.firstProjectId + 50)
})

void t.test('single records: envelope, ETag and conditional GET', async (t) => {
  const { fake } = await start(t)
  const { access } = await login(fake)
  const me = await call(fake, '/v2/users/me', access)
  t.equal(me.status, 200)
  t.match(me.json, { user: { id: FAKE_DATA.meUserId, name: String, email: String, status: 'active', time_zone: String } })
  t.match(me.json.user.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
  t.match(me.headers.etag, /^W\/"[0-9a-f]+"$/)
  t.equal(me.headers['cache-control'], 'max-age=0, private, must-revalidate')
  t.equal(me.headers['content-type'], 'application/json; charset=utf-8')
  const etag = String(me.headers.etag)
  const notModified = await call(fake, '/v2/users/me', access, { headers: { 'if-none-match': etag } })
  t.equal(notModified.status, 304)
  t.equal(notModified.text, '')
  t.equal((await call(fake, '/v2/users/5002', access)).json.user.id, 5002)
  t.match((await call(fake, `/v2/organizations/${ORG}`, access)).json, { organization: { id: ORG, status: 'active' } })
  t.match((await call(fake, '/v2/projects/20001', access)).json, { project: { id: 20001, status: 'active', type: 'project' } })
  t.match((await call(fake, '/v2/tasks/200011', access)).json, { task: { id: 200011, project_id: 20001, lock_version: 0 } })
  const orgs = await call(fake, '/v2/organizations', access)
  t.same(orgs.json.organizations.map((o: { id: number }) => o.id), [ORG, FAKE_DATA.otherOrganizationId])
})

void t.test('unknown paths and ids answer 404 with the error envelope', async (t) => {
  const { fake } = await start(t)
  const { access } = await login(fake)
  const paths = [
    '/v2/nope',
    '/v2/users/1',
    '/v2/organizations/999',
    '/v2/organizations/999/projects',
    '/v2/organizations/999/members',
    '/v2/projects/1',
    '/v2/projects/1/tasks',
    '/v2/tasks/1',
    '/nope',
  ]
  for (const path of paths) {
    const res = await call(fake, path, access)
    t.equal(res.status, 404, path)
    t.same(res.json, { code: 'not_found', error: 'Could not find record' }, path)
  }
  t.equal((await call(fake, '/v2/users/me', access, { method: 'DELETE' })).status, 404, 'unrouted method')
})

void t.test('members with include=users; both array parameter forms', async (t) => {
  const { fake } = await start(t)
  const { access } = await login(fake)
  const page = await call(fake, `/v2/organizations/${ORG}/members?include=users&page_limit=2`, access)
  t.equal(page.json.members.length, 2)
  t.match(page.json.members[0], { id: Number, user_id: 5001, membership_role: 'owner', membership_status: 'active' })
  t.same(page.json.users.map((u: { id: number }) => u.id), [5001, 5002], 'only users referenced on the page')
  t.type(page.json.pagination.next_page_start_id, 'number')

  const forms = ['user_ids=5002,5004', 'user_ids[]=5002&user_ids[]=5004', 'user_ids%5B%5D=5002&user_ids%5B%5D=5004']
  for (const form of forms) {
    const res = await call(fake, `/v2/organizations/${ORG}/members?${form}`, access)
    t.same(res.json.members.map((m: { user_id: number }) => m.user_id), [5002, 5004], form)
    t.notOk('users' in res.json, 'no side-load without include')
  }
  const projects = await call(fake, `/v2/organizations/${ORG}/projects?project_ids[]=20003&project_ids[]=20001`, access)
  t.same(projects.json.projects.map((p: { id: number }) => p.id), [20001, 20003])
  t.equal((await call(fake, `/v2/organizations/${ORG}/members?user_ids=abc`, access)).status, 400)
})

void t.test('every /v2 request is recorded exactly as received', async (t) => {
  const { fake } = await start(t)
  const { access } = await login(fake)
  const query = 'project_ids%5B%5D=20001&project_ids[]=20002&page_limit=1'
  await call(fake, `/v2/organizations/${ORG}/projects?${query}`, access, { headers: { 'x-extra': 'yes' } })
  await call(fake, '/v2/projects/20001/tasks', undefined, { method: 'POST', body: '{"summary":"x"}' })
  t.equal(fake.requests.length, 2)
  t.match(fake.requests[0], { method: 'GET', path: `/v2/organizations/${ORG}/projects`, query, body: '' })
  t.equal(fake.requests[0]?.headers.authorization, `Bearer ${access}`)
  t.equal(fake.requests[0]?.headers['x-extra'], 'yes')
  t.match(fake.requests[1], { method: 'POST', path: '/v2/projects/20001/tasks', query: '', body: '{"summary":"x"}' })
  t.match(fake.stats, { apiRequests: 2, unauthorized: 1 })
})

void t.test('tasks: create, update with lock_version, delete', async (t) => {
  const { fake } = await start(t)
  const { access } = await login(fake)
  const listed = await call(fake, '/v2/projects/20001/tasks', access)
  t.same(listed.json.tasks.map((task: { id: number }) => task.id), [200011, 200012, 200013])

  t.equal((await call(fake, '/v2/projects/20001/tasks', access, { method: 'POST', body: '{}' })).json.code, 'invalid_params')
  t.equal((await call(fake, '/v2/projects/20001/tasks', access, { method: 'POST', body: '{nope' })).status, 400)
  t.equal((await call(fake, '/v2/projects/1/tasks', access, { method: 'POST', body: '{"summary":"x"}' })).status, 404)
  const created = await call(fake, '/v2/projects/20001/tasks', access, { method: 'POST', body: JSON.stringify({ summary: 'Write tests', assignee_ids: [5002] }) })
  t.equal(created.status, 200)
  t.match(created.json.task, { id: FAKE_DATA.firstCreatedTaskId, summary: 'Write tests', project_id: 20001, lock_version: 0, assignee_ids: [5002], status: 'active' })
  t.equal((await call(fake, '/v2/projects/20001/tasks', access)).json.tasks.length, 4, 'visible in later lists')
  t.equal((await call(fake, '/v2/projects/20001/tasks?user_ids[]=5002', access)).json.tasks.at(-1).id, FAKE_DATA.firstCreatedTaskId)

  const taskPath = `/v2/tasks/${FAKE_DATA.firstCreatedTaskId}`
  t.equal((await call(fake, taskPath, access, { method: 'PUT', body: '{"summary":"y"}' })).status, 400, 'lock_version is required')
  const stale = await call(fake, taskPath, access, { method: 'PUT', body: '{"lock_version":3,"summary":"y"}' })
  t.equal(stale.status, 422)
  t.equal(stale.json.code, 'stale_object')
  t.type(stale.json.error, 'string')
  const updated = await call(fake, taskPath, access, { method: 'PUT', body: '{"lock_version":0,"summary":"y","status":"completed"}' })
  t.equal(updated.status, 200)
  t.match(updated.json.task, { summary: 'y', lock_version: 1, status: 'completed', completed_at: String })
  t.equal((await call(fake, taskPath, access, { method: 'PUT', body: '{"lock_version":0}' })).status, 422, 'a second writer with the old version loses')
  t.equal((await call(fake, taskPath, access)).json.task.summary, 'y')
  t.equal((await call(fake, '/v2/tasks/1', access, { method: 'PUT', body: '{"lock_version":0}' })).status, 404)

  const deleted = await call(fake, taskPath, access, { method: 'DELETE' })
  t.equal(deleted.status, 204)
  t.equal(deleted.text, '')
  t.equal((await call(fake, taskPath, access)).status, 404)
  t.equal((await call(fake, taskPath, access, { method: 'DELETE' })).status, 404)
})

void t.test('activities: deterministic 10-minute slots in working hours, validated ranges', async (t) => {
  const { fake } = await start(t)
  const { access } = await login(fake)
  const range = 'time_slot[start]=2026-03-09T00:00:00Z&time_slot[stop]=2026-03-14T00:00:00Z'
  const walk = async (): Promise<ActivityRow[]> => {
    const all: ActivityRow[] = []
    let cursor = 0
    for (;;) {
      const res = await call(fake, `/v2/organizations/${ORG}/activities?${range}&page_limit=500&page_start_id=${cursor}`, access)
      t.equal(res.status, 200)
      all.push(...res.json.activities)
      if (res.json.pagination === undefined) return all
      cursor = res.json.pagination.next_page_start_id
    }
  }
  const activities = await walk()
  // Monday to Thursday: 48 slots x 5 users; Friday until noon: 18 slots x 5 users.
  t.equal(activities.length, 4 * 48 * 5 + 18 * 5)
  t.same(await walk(), activities, 'the same range gives the same records and ids')
  const ids = activities.map((a) => a.id)
  t.same(ids, [...ids].sort((a, b) => a - b))
  t.equal(new Set(ids).size, ids.length)
  for (const a of activities) {
    const slot = new Date(a.time_slot)
    if (slot.getUTCMinutes() % 10 !== 0 || slot.getUTCHours() < 9 || slot.getUTCHours() >= 17 || slot.getUTCDay() === 0 || slot.getUTCDay() === 6) {
      t.fail(`slot outside working hours: ${a.time_slot}`)
    }
    if (!(a.keyboard <= a.overall && a.mouse <= a.overall && a.overall <= a.tracked && a.tracked <= 600)) t.fail(`inconsistent durations ${a.id}`)
  }
  t.match(activities[0], {
    date: '2026-03-09',
    time_slot: '2026-03-09T09:00:00Z',
    starts_at: String,
    user_id: 5001,
    project_id: Number,
    task_id: Number,
    tracks_input: true,
    billable: Boolean,
    time_type: 'normal',
    client: String,
    created_at: String,
  })

  const filtered = await call(fake, `/v2/organizations/${ORG}/activities?${range}&user_ids[]=5003&include=users,projects&page_limit=5`, access)
  t.ok(filtered.json.activities.every((a: { user_id: number }) => a.user_id === 5003))
  t.same(filtered.json.users.map((u: { id: number }) => u.id), [5003])
  t.equal(filtered.json.projects.length, 1)
  const other = await call(fake, `/v2/organizations/${FAKE_DATA.otherOrganizationId}/activities?${range}`, access)
  t.same(other.json, { activities: [] })

  const bad = [
    'time_slot[start]=2026-03-09T00:00:00Z',
    'time_slot[start]=2026-03-09T10:00:00Z&time_slot[stop]=2026-03-09T10:00:00Z',
    'time_slot[start]=2026-03-01T00:00:00Z&time_slot[stop]=2026-03-08T00:01:00Z',
    'time_slot[start]=yesterday&time_slot[stop]=2026-03-09T00:00:00Z',
  ]
  for (const query of bad) {
    const res = await call(fake, `/v2/organizations/${ORG}/activities?${query}`, access)
    t.equal(res.status, 400, query)
    t.equal(res.json.code, 'invalid_params', query)
  }
  const sevenDays = await call(fake, `/v2/organizations/${ORG}/activities?time_slot[start]=2026-03-01T00:00:00Z&time_slot[stop]=2026-03-08T00:00:00Z`, access)
  t.equal(sevenDays.status, 200, 'exactly seven days is allowed')
})

void t.test('daily activities aggregate the 10-minute activities', async (t) => {
  const { fake } = await start(t)
  const { access } = await login(fake)
  const daily = await call(fake, `/v2/organizations/${ORG}/activities/daily?date[start]=2026-03-09&date[stop]=2026-03-13`, access)
  t.equal(daily.status, 200)
  t.equal(daily.headers['cache-control'], 'no-cache')
  t.equal(daily.json.daily_activities.length, 25, 'stop is inclusive: five days x five users')
  const friday = daily.json.daily_activities.filter((d: { date: string }) => d.date === '2026-03-13')
  const slots = await call(
    fake,
    `/v2/organizations/${ORG}/activities?time_slot[start]=2026-03-13T00:00:00Z&time_slot[stop]=2026-03-14T00:00:00Z&page_limit=1000`,
    access,
  )
  for (const day of friday) {
    const mine = slots.json.activities.filter((a: { user_id: number }) => a.user_id === day.user_id)
    t.equal(day.tracked, mine.reduce((sum: number, a: { tracked: number }) => sum + a.tracked, 0), `tracked of user ${day.user_id}`)
    t.equal(day.overall, mine.reduce((sum: number, a: { overall: number }) => sum + a.overall, 0))
    t.match(day, { id: Number, project_id: Number, task_id: Number, manual: 0, idle: Number, resumed: 0, billable: Number, work_break: 0 })
  }
  const weekend = await call(fake, `/v2/organizations/${ORG}/activities/daily?date[start]=2026-03-14&date[stop]=2026-03-15`, access)
  t.same(weekend.json, { daily_activities: [] })
  const month = await call(fake, `/v2/organizations/${ORG}/activities/daily?date[start]=2026-01-01&date[stop]=2026-01-31`, access)
  t.equal(month.status, 200, '31 days is allowed')
  for (const query of ['date[start]=2026-01-01&date[stop]=2026-02-01', 'date[start]=2026-01-02&date[stop]=2026-01-01', 'date[start]=2026-02-30&date[stop]=2026-03-01', 'date[stop]=2026-01-01']) {
    t.equal((await call(fake, `/v2/organizations/${ORG}/activities/daily?${query}`, access)).status, 400, query)
  }
})

void t.test('rolling rate limit over /v2 requests', async (t) => {
  const { fake, clock } = await start(t, { rateLimit: { limit: 3, windowMs: 60_000 } })
  const { access } = await login(fake)
  t.equal((await call(fake, '/v2/users/me', undefined)).status, 401, 'counted before auth')
  clock.ms += 10_000
  t.equal((await call(fake, '/v2/users/me', access)).status, 200)
  t.equal((await call(fake, '/v2/users/me', access)).status, 200)
  const limited = await call(fake, '/v2/users/me', access)
  t.equal(limited.status, 429)
  t.equal(limited.headers['retry-after'], '50', 'seconds until the oldest request leaves the window')
  t.same(limited.json, { code: 'rate_limit', error: 'Rate limit exceeded', error_code: 13000 })
  clock.ms += 49_000
  t.equal((await call(fake, '/v2/users/me', access)).headers['retry-after'], '1')
  clock.ms += 1_000
  t.equal((await call(fake, '/v2/users/me', access)).status, 200, 'a slot freed')
  t.equal((await call(fake, '/v2/users/me', access)).status, 429)
  t.match(fake.stats, { apiRequests: 7, rateLimited: 3, unauthorized: 1 })
  t.equal((await exchange(fake, fake.issueRefreshToken())).status, 200, 'the token endpoint is not rate limited')
})

void t.test('api failure knobs and delay', async (t) => {
  const { fake } = await start(t)
  const { access } = await login(fake)
  fake.apiFailure = { status: 500 }
  const json = await call(fake, '/v2/users/me', access)
  t.equal(json.status, 500)
  t.equal(json.json.code, 'server_error')
  fake.apiFailure = { status: 504, body: '<html>Gateway Timeout</html>' }
  const html = await call(fake, '/v2/users/me', access)
  t.match(html.headers['content-type'], /^text\/html/)
  t.equal(html.text, '<html>Gateway Timeout</html>')
  fake.apiFailure = { status: 200, body: '' }
  const blank = await call(fake, '/v2/users/me', access)
  t.equal(blank.status, 200)
  t.equal(blank.text, '', 'the blank answer of a timed-out request')
  fake.apiFailure = { status: 429, body: '', contentType: 'text/plain' }
  const throttled = await call(fake, '/v2/users/me', undefined)
  t.equal(throttled.status, 429, 'failures preempt auth')
  t.equal(throttled.headers['retry-after'], '1')
  t.equal(throttled.headers['content-type'], 'text/plain')
  fake.apiFailure = 'reset'
  await t.rejects(call(fake, '/v2/users/me', access))
  fake.apiFailure = undefined
  fake.apiDelayMs = 150
  const started = Date.now()
  t.equal((await call(fake, '/v2/users/me', access)).status, 200)
  t.ok(Date.now() - started >= 140, 'the answer was delayed')
  t.equal(fake.stats.apiRequests, 6)
  t.equal(fake.requests.length, 6)
})
