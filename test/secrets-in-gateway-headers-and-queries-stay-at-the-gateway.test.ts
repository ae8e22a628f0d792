// Issue #12, hole 5: secrets leaked sideways. `X-Gateway-Admin-Key` sent on a /v2 request went
// upstream (and so into recordings); `?access_token=` in an app's query was forwarded and shown
// verbatim by the journal and the dashboard. Now no `X-Gateway-*` header leaves the gateway, a
// credential in the query is refused (400) before anything is spent, and every query the gateway
// shows has the values of sensitive-looking parameters replaced.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { headersForUpstream, withoutGatewayHeaders } from '../src/http/headers.js'
import { Redactor } from '../src/recordings/redact.js'
import { credentialParam, redactQuery, redactTarget } from '../src/http/redact-query.js'
import { rawRequest, startLiveGateway } from './helpers/gateway.js'
import { until } from './helpers/memory-token-store.js'

const ADMIN_KEY = 'admin-key-that-must-stay-home-0123456789'

function filesUnder(dir: string): string[] {
  let out: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    out = statSync(path).isDirectory() ? out.concat(filesUnder(path)) : out.concat(path)
  }
  return out
}

void t.test('no X-Gateway-* header reaches Hubstaff or a recording', async (t) => {
  const recordings = join(t.testdir(), 'recordings')
  const { fake, gw } = await startLiveGateway(t, { mode: 'record', recordings, cache: 'off' })
  const answer = await rawRequest(gw.address, '/v2/users/me', {
    headers: { 'x-gateway-admin-key': ADMIN_KEY, 'x-gateway-something-new': 'also-home', 'X-Gateway-Key': 'app-key', 'x-gateway-session': 'team-a', accept: 'application/json' },
  })
  t.equal(answer.status, 200)
  const sent = fake.requests.at(-1)
  t.ok(sent, 'the request went upstream')
  t.same(Object.keys(sent?.headers ?? {}).filter((name) => name.startsWith('x-gateway-')), [], 'without any X-Gateway-* header')
  t.equal(sent?.headers.accept, 'application/json', 'other headers pass')
  await until(() => filesUnder(recordings).length > 0, 10_000, 'the recording to be written')
  for (const file of filesUnder(recordings)) t.notMatch(readFileSync(file, 'utf8'), /admin-key-that-must-stay-home|also-home|x-gateway-/i, `${file}: holds no gateway header`)
})

void t.test('the filters, without a server', (t) => {
  const out = headersForUpstream({ 'x-gateway-admin-key': 'k', 'X-Gateway-Key': 'k', 'x-gateway-session': 's', 'x-gateway-whatever': 'w', accept: 'a' })
  t.same(out, { accept: 'a' }, 'towards Hubstaff: no X-Gateway-* at all')
  const pipeline = headersForUpstream({ 'x-gateway-admin-key': 'k', 'x-gateway-session': 's', accept: 'a' }, { keepSession: true })
  t.same(pipeline, { 'x-gateway-session': 's', accept: 'a' }, "the pipeline's request keeps the mock's session")
  t.same(withoutGatewayHeaders({ ...pipeline, authorization: 'Bearer t' }), { accept: 'a', authorization: 'Bearer t' }, 'and the wire drops it')
  // Replay with --fallback record-missing records a request that still carries the session.
  t.same(new Redactor().headers({ ...pipeline, 'x-gateway-anything': 'x' }), { accept: 'a' }, 'and so does a recording')
  t.end()
})

void t.test('a credential in the query is refused, never forwarded, never shown', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { cache: 'off' })
  const secret = 'pat-in-the-query-0123456789'
  for (const query of [
    `access_token=${secret}`,
    `page_limit=1&refresh_token=${secret}`,
    `ACCESS_TOKEN=${secret}`,
    `access%5Ftoken=${secret}`,
    `access%255Ftoken=${secret}`,
    `access_token[]=${secret}`,
    `auth[password]=${secret}`,
    `api-key=${secret}`,
    `apikey=${secret}`,
    `client_secret=${secret}`,
    `token=${secret}`,
    `x;password=${secret}`,
  ]) {
    const answer = await rawRequest(gw.address, `/v2/users/me?${query}`)
    t.equal(answer.status, 400, `${query}: 400`)
    t.match(JSON.parse(answer.body), { code: 'HSG_REQUEST_CREDENTIAL_IN_QUERY' }, `${query}: HSG_REQUEST_CREDENTIAL_IN_QUERY`)
    t.notMatch(answer.body, secret, `${query}: the answer does not repeat the value`)
  }
  t.equal(fake.requests.length, 0, 'none reached Hubstaff')

  const ok = await rawRequest(gw.address, '/v2/organizations?page_limit=1&session_hint=abc123&tokens_used=1')
  t.equal(ok.status, 200, 'parameters that only look sensitive are forwarded')
  t.equal(fake.requests.at(-1)?.query, 'page_limit=1&session_hint=abc123&tokens_used=1', 'byte for byte')

  const journal = (await (await request(`${gw.address}/_gateway/requests`)).body.json()) as { requests: { path: string }[] }
  const text = JSON.stringify(journal)
  t.notMatch(text, secret, 'the journal holds no credential')
  t.notMatch(text, 'abc123', 'nor the value of a sensitive-looking parameter')
  t.match(journal.requests[0]?.path, '/v2/organizations?page_limit=1&session_hint=[redacted]&tokens_used=[redacted]')
  t.ok(journal.requests.some((r) => r.path === '/v2/users/me?access_token=[redacted]'), 'a refused request is journaled, redacted')
  const logs = gw.logs.join('\n')
  t.notMatch(logs, secret, 'the log holds no credential')
  t.notMatch(logs, 'abc123', 'nor the sensitive-looking value')
  t.ok(gw.logRecords().some((r) => r.msg === 'request' && r.query === 'page_limit=1&session_hint=[redacted]&tokens_used=[redacted]'), 'the request line shows the query, redacted')
})

void t.test('credential names and redaction, without a server', (t) => {
  t.equal(credentialParam('page_limit=10&include=users'), undefined)
  t.equal(credentialParam('time_slot[start]=2026-07-01&time_slot[stop]=2026-07-02'), undefined)
  t.equal(credentialParam('a=1&Refresh-Token=x'), 'refresh_token')
  t.equal(credentialParam('user%5Bpassword%5D=x'), 'user.password')
  t.equal(credentialParam('access%2525255Ftoken=x'), 'access_token', 'encoded three times over')
  t.equal(credentialParam('tokenize=1&monkey=2'), undefined, 'a name holding "token" is not a credential')
  t.equal(redactQuery('page_limit=1'), 'page_limit=1')
  t.equal(redactQuery('a=1&api_key=s&b=2'), 'a=1&api_key=[redacted]&b=2')
  t.equal(redactQuery('sig=abc&code=x&x_auth=1'), 'sig=[redacted]&code=[redacted]&x_auth=[redacted]')
  t.equal(redactTarget('/v2/x'), '/v2/x')
  t.equal(redactTarget('/v2/x?password=p'), '/v2/x?password=[redacted]')
  t.end()
})
