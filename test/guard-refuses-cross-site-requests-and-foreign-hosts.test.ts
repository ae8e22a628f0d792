// Issue #12, holes 2 and 3: any web page could use the token. A cross-site form POST created a
// task, a page whose domain was re-pointed at 127.0.0.1 (DNS rebinding) read data, OPTIONS
// preflights and TRACE went upstream with the Bearer token. Now a Host that does not name the
// gateway and a browser request from another site get 403, OPTIONS is answered by the gateway's own
// CORS for the origins the user allowed, and methods Hubstaff does not use get 405; none of them
// reaches Hubstaff.
import t, { type Test } from 'tap'
import { FAKE_DATA } from './helpers/fake-hubstaff.js'
import { rawRequest, startLiveGateway, type RawAnswer } from './helpers/gateway.js'

const project = FAKE_DATA.firstProjectId
const tasks = `/v2/projects/${project}/tasks`

function problem(t: Test, answer: RawAnswer, status: number, code: string, what: string): void {
  t.equal(answer.status, status, `${what}: ${status}`)
  t.match(String(answer.headers['content-type']), /^application\/problem\+json/, `${what}: problem+json`)
  t.match(JSON.parse(answer.body || '{}'), { code }, `${what}: ${code}`)
}

void t.test('a page of another site cannot write or read through the gateway', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { cache: 'off' })
  const form = { method: 'POST', body: 'summary=pwned', headers: { 'content-type': 'application/x-www-form-urlencoded' } }
  problem(t, await rawRequest(gw.address, tasks, { ...form, headers: { ...form.headers, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } }), 403, 'HSG_REQUEST_CROSS_SITE', 'a cross-site form POST')
  problem(t, await rawRequest(gw.address, tasks, { ...form, headers: { ...form.headers, origin: 'https://evil.example' } }), 403, 'HSG_REQUEST_CROSS_SITE', 'a POST with a foreign Origin and no Sec-Fetch-Site')
  problem(t, await rawRequest(gw.address, tasks, { method: 'POST', body: '{"summary":"pwned"}', headers: { 'content-type': 'text/plain', origin: 'null' } }), 403, 'HSG_REQUEST_CROSS_SITE', 'Origin: null (a sandboxed frame, a local file)')
  problem(t, await rawRequest(gw.address, '/v2/users/me', { headers: { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-site' } }), 403, 'HSG_REQUEST_CROSS_SITE', 'a page on another localhost port (same-site)')
  problem(t, await rawRequest(gw.address, '/v2/users/me', { headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'image' } }), 403, 'HSG_REQUEST_CROSS_SITE', 'an <img> of another site')
  problem(t, await rawRequest(gw.address, '/v2/users/me', { headers: { host: `rebind.attacker.example:${new URL(gw.address).port}` } }), 403, 'HSG_REQUEST_BAD_HOST', 'DNS rebinding: a foreign Host')
  problem(t, await rawRequest(gw.address, '/v2/users/me', { headers: { host: 'rebind.attacker.example' } }), 403, 'HSG_REQUEST_BAD_HOST', 'a foreign Host without a port')
  t.equal(fake.requests.length, 0, 'none of them reached Hubstaff')

  // The ways apps and the gateway's own page do call it still work.
  const port = new URL(gw.address).port
  for (const [headers, what] of [
    [{}, 'no browser at all'],
    [{ host: `localhost:${port}` }, 'Host localhost'],
    [{ host: `[::1]:${port}` }, 'Host [::1]'],
    [{ 'sec-fetch-site': 'none' }, 'typed into the address bar'],
    [{ 'sec-fetch-site': 'same-origin', origin: `http://127.0.0.1:${port}` }, "the gateway's own page"],
  ] as const) {
    const answer = await rawRequest(gw.address, '/v2/users/me', { headers })
    t.equal(answer.status, 200, `${what}: 200`)
  }
  const created = await rawRequest(gw.address, tasks, { method: 'POST', body: '{"summary":"mine"}', headers: { 'content-type': 'application/json' } })
  t.equal(created.status, 200, 'an app (no browser) creates a task')
  t.equal(fake.requests.filter((r) => r.method === 'POST').length, 1, 'only that POST reached Hubstaff')
})

void t.test('OPTIONS is answered by the gateway, TRACE and other methods get 405, none goes upstream', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { cache: 'off' })
  const preflight = await rawRequest(gw.address, tasks, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
  problem(t, preflight, 403, 'HSG_REQUEST_CROSS_SITE', 'a preflight from a page of another site')
  t.notOk(preflight.headers['access-control-allow-origin'], 'no CORS allowance')
  const plain = await rawRequest(gw.address, tasks, { method: 'OPTIONS' })
  t.equal(plain.status, 204, 'OPTIONS without a browser: 204')
  t.equal(plain.headers.allow, 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS', 'with Allow')
  for (const method of ['TRACE', 'PROPFIND', 'MKCOL', 'LOCK', 'PURGE', 'SEARCH']) {
    const answer = await rawRequest(gw.address, '/v2/users/me', { method })
    problem(t, answer, 405, 'HSG_REQUEST_METHOD_NOT_ALLOWED', method)
    t.equal(answer.headers.allow, 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS', `${method}: Allow lists the methods`)
  }
  t.equal(fake.requests.length, 0, 'nothing reached Hubstaff')
  t.ok(fake.issuedTokens.length > 0)
})

void t.test('--cors-origins: the gateway answers CORS itself for the origins listed, exactly', async (t) => {
  const app = 'http://localhost:3000'
  const { fake, gw } = await startLiveGateway(t, { cache: 'off', corsOrigins: `${app}, https://tools.example` })
  const preflight = await rawRequest(gw.address, tasks, {
    method: 'OPTIONS',
    headers: { origin: app, 'sec-fetch-site': 'same-site', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-custom', 'access-control-request-private-network': 'true' },
  })
  t.equal(preflight.status, 204, 'preflight: 204')
  t.equal(preflight.headers['access-control-allow-origin'], app, 'names the origin, never *')
  t.match(String(preflight.headers['access-control-allow-methods']), /POST/)
  t.notMatch(String(preflight.headers['access-control-allow-methods']), /TRACE|OPTIONS/)
  t.match(String(preflight.headers['access-control-allow-headers']), /x-custom/, 'the headers asked for')
  t.ok(Number(preflight.headers['access-control-max-age']) > 0, 'a Max-Age')
  t.match(String(preflight.headers.vary), /Origin/, 'Vary: Origin')
  t.equal(preflight.headers['access-control-allow-private-network'], 'true', 'Private Network Access allowed for a listed origin')
  t.notOk(preflight.headers['access-control-allow-credentials'], 'no credentials')
  t.equal(fake.requests.length, 0, 'the preflight did not go upstream')

  const created = await rawRequest(gw.address, tasks, { method: 'POST', body: '{"summary":"from the page"}', headers: { 'content-type': 'application/json', origin: app, 'sec-fetch-site': 'same-site' } })
  t.equal(created.status, 200, 'the listed origin creates a task')
  t.equal(created.headers['access-control-allow-origin'], app, 'its answer names the origin')
  t.match(String(created.headers.vary), /Origin/)
  t.match(String(created.headers['access-control-expose-headers']), /Cache-Status/)

  problem(t, await rawRequest(gw.address, tasks, { method: 'POST', body: '{}', headers: { origin: 'http://localhost:3001', 'sec-fetch-site': 'same-site' } }), 403, 'HSG_REQUEST_CROSS_SITE', 'another port is another origin')
  problem(t, await rawRequest(gw.address, tasks, { method: 'POST', body: '{}', headers: { origin: 'https://tools.example.evil.example', 'sec-fetch-site': 'cross-site' } }), 403, 'HSG_REQUEST_CROSS_SITE', 'a longer name is another origin')
  const other = await rawRequest(gw.address, '/v2/users/me')
  t.equal(other.status, 200)
  t.notOk(other.headers['access-control-allow-origin'], 'no CORS allowance without an Origin')
  t.match(String(other.headers.vary), /Origin/, 'Vary: Origin on every /v2 answer')
  t.equal(fake.requests.length, 2, 'only the allowed POST and the plain GET reached Hubstaff')
})

void t.test('--allowed-hosts: the names apps use to reach a gateway elsewhere', async (t) => {
  const { gw } = await startLiveGateway(t, { cache: 'off', allowedHosts: 'gateway.internal,10.0.0.7' })
  for (const host of ['gateway.internal:8787', 'GATEWAY.internal', '10.0.0.7:8787', 'localhost']) {
    t.equal((await rawRequest(gw.address, '/v2/users/me', { headers: { host } })).status, 200, `Host ${host}`)
  }
  problem(t, await rawRequest(gw.address, '/v2/users/me', { headers: { host: 'gateway.internal.evil.example' } }), 403, 'HSG_REQUEST_BAD_HOST', 'a longer name')
})

void t.test('the admin surface takes no cross-site requests either', async (t) => {
  const { gw } = await startLiveGateway(t)
  const port = new URL(gw.address).port
  problem(t, await rawRequest(gw.address, '/_gateway/mock/reset', { method: 'POST', headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' } }), 403, 'HSG_REQUEST_CROSS_SITE', 'a cross-site form to the admin surface')
  problem(t, await rawRequest(gw.address, '/_gateway/mode', { method: 'PUT', body: '{"mode":"mock"}', headers: { origin: 'http://localhost:3000', 'content-type': 'application/json' } }), 403, 'HSG_REQUEST_CROSS_SITE', 'a mode switch from another origin')
  t.equal(gw.gateway.mode.current, 'live', 'the mode is unchanged')
  const own = await rawRequest(gw.address, '/_gateway/mode', { method: 'PUT', body: '{"mode":"live"}', headers: { origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' } })
  t.equal(own.status, 200, "the dashboard's own page switches the mode")
})
