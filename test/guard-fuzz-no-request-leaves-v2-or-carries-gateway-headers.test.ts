// Generated request targets, methods and headers against a capture upstream that records whatever
// arrives: none reaches it outside /v2 (read as generously as any server would read it), with a
// method Hubstaff does not use, or carrying an X-Gateway-* header; no answer holds a token; the
// gateway never fails with a 500 of its own.
import fc from 'fast-check'
import t from 'tap'
import { startCapturedGateway, staysUnderV2 } from './helpers/capture-upstream.js'
import { rawRequest } from './helpers/gateway.js'

const FORWARDED = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'])

// Weighted towards plain requests, so that a fair share goes through and is checked on arrival.
const prefix = fc.oneof(
  { arbitrary: fc.constant('/v2'), weight: 6 },
  fc.constantFrom('/v%32', '/%76%32', '/V2', '//v2', '/v2%2f', 'http://evil.example/v2', '/_gateway', '', '/v3', '/v2/..', '/%2e%2e/v2'),
)
const segment = fc.oneof(
  { arbitrary: fc.constantFrom('users', 'me', 'organizations', '1001', 'projects', 'tasks', 'docs.json'), weight: 8 },
  fc.constantFrom('.', '..', '%2e', '%2E%2e', '.%2e', '%252e%252e', '%25252e%25252e', '..;', '..;x', '%00', '%2500', '%5c..', '\\..', '%', '%zz', '#', '~', '@', ''),
  fc.stringMatching(/^[a-z0-9._%~-]{0,8}$/),
)
const joiner = fc.oneof({ arbitrary: fc.constant('/'), weight: 12 }, fc.constantFrom('%2f', '%2F', '%252f', '\\', '%5c', '//'))
const query = fc.oneof(
  { arbitrary: fc.constant(''), weight: 3 },
  fc.constantFrom('?page_limit=1', '?access_token=x', '?a=1&Refresh%5FToken=x', '?user[password]=x', '?next=/v2/../x', '?%2e%2e', '?x=%zz'),
  fc.stringMatching(/^\?[a-z0-9=&%._[\]-]{0,16}$/),
)
const target = fc.tuple(prefix, fc.array(fc.tuple(joiner, segment), { maxLength: 5 }), query).map(([p, parts, q]) => `${p}${parts.map(([j, s]) => j + s).join('')}${q}` || '/')
const method = fc.constantFrom('GET', 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'LOCK', 'PURGE', 'SEARCH', 'COPY', 'MOVE', 'REPORT')
const someHeaders = fc.record(
  {
    'x-gateway-admin-key': fc.constant('fuzz-admin-key-secret'),
    'x-gateway-key': fc.constant('fuzz-app-key'),
    'x-gateway-session': fc.constantFrom('s1', 'bad name'),
    'X-Gateway-Anything': fc.constant('home'),
    origin: fc.constantFrom('https://evil.example', 'null', 'http://localhost:3000', 'http://127.0.0.1'),
    'sec-fetch-site': fc.constantFrom('cross-site', 'same-site', 'same-origin', 'none'),
    host: fc.constantFrom('127.0.0.1', 'localhost', 'rebind.attacker.example', '[::1]', 'evil.example:80'),
    authorization: fc.constant('Bearer app-own-token'),
    'content-type': fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain'),
  },
  { requiredKeys: [] },
)
// Half the time only the gateway's own headers, which must be dropped from a request that goes through.
const headers = fc.oneof(
  { arbitrary: fc.constant({}), weight: 1 },
  fc.record({ 'x-gateway-admin-key': fc.constant('fuzz-admin-key-secret'), 'X-Gateway-Anything': fc.constant('home'), 'x-gateway-session': fc.constant('s1') }, { requiredKeys: [] }),
  someHeaders,
)

void t.test('300 generated requests: nothing leaves /v2, no odd method, no gateway header, no token', async (t) => {
  const { gw, upstream, fake } = await startCapturedGateway(t)
  // The first request fetches the token, so that the generated ones have one to leak.
  t.equal((await rawRequest(gw.address, '/v2/users/me')).status, 200)
  let answered = 0
  let forwarded = 0
  await fc.assert(
    fc.asyncProperty(target, method, headers, async (path, verb, sent) => {
      const before = upstream.requests.length
      const body = verb === 'GET' || verb === 'HEAD' || verb === 'OPTIONS' ? undefined : '{"summary":"x"}'
      const answer = await rawRequest(gw.address, path, { method: verb, headers: sent, ...(body === undefined ? {} : { body }) })
      answered++
      if (process.env.FUZZ_DEBUG) console.error(verb, path, JSON.stringify(sent), answer.status, answer.body.slice(0, 120))
      for (const arrived of upstream.requests.slice(before)) {
        forwarded++
        if (!staysUnderV2(arrived.url) || !arrived.url.startsWith('/v2')) throw new Error(`${verb} ${path} reached the upstream as ${arrived.url}`)
        if (!FORWARDED.has(arrived.method)) throw new Error(`${verb} ${path} reached the upstream as ${arrived.method}`)
        const gatewayHeaders = Object.keys(arrived.headers).filter((name) => name.startsWith('x-gateway-'))
        if (gatewayHeaders.length > 0) throw new Error(`${verb} ${path} carried ${gatewayHeaders.join(', ')} upstream`)
      }
      if (answer.status >= 500) throw new Error(`${verb} ${path}: the gateway answered ${answer.status} ${answer.body}`)
      const text = JSON.stringify(answer.headers) + answer.body
      for (const token of fake.issuedTokens) if (text.includes(token)) throw new Error(`${verb} ${path}: a token in the answer`)
    }),
    { numRuns: 300, seed: Number(process.env.FUZZ_SEED ?? 20261205) },
  )
  t.equal(answered, 300)
  t.ok(forwarded > 0, `some generated requests were fine and went through (${forwarded})`)
  t.comment(`${forwarded} of ${answered} generated requests were forwarded`)
})
