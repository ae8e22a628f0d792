// exchangeRefreshToken against a real HTTP server: the request must be exactly what Hubstaff's
// token endpoint expects, and every answer must be classed right: rejected (the user must act)
// versus transient (keep the tokens, retry later).
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { TokenEndpointError, exchangeRefreshToken } from '../src/token/exchange.js'
import { UpstreamClient } from '../src/upstream/client.js'
import { Clock, fakeJwt } from './helpers/memory-token-store.js'

interface Seen {
  method: string | undefined
  url: string | undefined
  headers: IncomingHttpHeaders
  body: string
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void

async function tokenEndpoint(t: Test) {
  const seen: Seen[] = []
  let handler: Handler = (_req, res) => res.writeHead(500).end()
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      handler(req, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const client = new UpstreamClient({ origin: `http://127.0.0.1:${port}`, timeoutMs: 5000, connections: 2, label: 'The Hubstaff token endpoint' })
  t.teardown(async () => {
    await client.destroy()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return {
    seen,
    client,
    answer(status: number, body: unknown, headers: Record<string, string> = {}) {
      handler = (_req, res) => {
        const text = typeof body === 'string' ? body : JSON.stringify(body)
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text)
      }
    },
  }
}

async function failure(p: Promise<unknown>): Promise<TokenEndpointError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(err instanceof TokenEndpointError)) throw new Error(`expected a TokenEndpointError, got ${String(err)}`)
  return err
}

void t.test('the request: POST /access_tokens, form body, no Authorization', async (t) => {
  const clock = new Clock()
  const ep = await tokenEndpoint(t)
  const access = fakeJwt(clock.t + 3600_000)
  ep.answer(200, { access_token: access, refresh_token: 'refresh-next', expires_in: 3600, token_type: 'bearer' })
  const pat = 'eyJhbGciOiJSUzI1NiJ9.eyJqdGkiOiJ4In0.abc-def_ghi'
  const result = await exchangeRefreshToken(ep.client, pat, clock.now)

  t.equal(ep.seen.length, 1)
  const req = ep.seen[0]
  t.equal(req?.method, 'POST')
  t.equal(req?.url, '/access_tokens')
  t.equal(req?.body, `grant_type=refresh_token&refresh_token=${pat}`, 'exactly the two form fields')
  t.equal(req?.headers['content-type'], 'application/x-www-form-urlencoded')
  t.equal(req?.headers.authorization, undefined, 'no Authorization header')
  t.equal(req?.headers.cookie, undefined)
  t.same(result, { accessToken: access, refreshToken: 'refresh-next', expiresAt: clock.t + 3600_000 })

  // Characters that need escaping go form-encoded and round-trip.
  const odd = 'a+b/c=d&e f'
  await exchangeRefreshToken(ep.client, odd, clock.now)
  const body = new URLSearchParams(ep.seen[1]?.body)
  t.same([...body.keys()], ['grant_type', 'refresh_token'])
  t.equal(body.get('refresh_token'), odd)
})

void t.test('200: expires_in versus the JWT exp, the earlier wins', async (t) => {
  const clock = new Clock()
  const ep = await tokenEndpoint(t)

  const shortJwt = fakeJwt(clock.t + 600_000)
  ep.answer(200, { access_token: shortJwt, refresh_token: 'r1', expires_in: 3600 })
  t.equal((await exchangeRefreshToken(ep.client, 'r0', clock.now)).expiresAt, clock.t + 600_000, 'JWT exp earlier')

  ep.answer(200, { access_token: fakeJwt(clock.t + 3600_000), refresh_token: 'r2', expires_in: 300 })
  t.equal((await exchangeRefreshToken(ep.client, 'r1', clock.now)).expiresAt, clock.t + 300_000, 'expires_in earlier')

  ep.answer(200, { access_token: 'opaque-token', refresh_token: 'r3', expires_in: 7200 })
  t.equal((await exchangeRefreshToken(ep.client, 'r2', clock.now)).expiresAt, clock.t + 7200_000, 'not a JWT: expires_in alone')

  ep.answer(200, { access_token: fakeJwt(clock.t + 1800_000), refresh_token: 'r4' })
  t.equal((await exchangeRefreshToken(ep.client, 'r3', clock.now)).expiresAt, clock.t + 1800_000, 'no expires_in: the JWT exp alone')

  ep.answer(200, { access_token: 'opaque-token', refresh_token: 'r5', expires_in: 'soon' })
  t.equal((await exchangeRefreshToken(ep.client, 'r4', clock.now)).expiresAt, clock.t + 3600_000, 'neither: an hour')

  ep.answer(200, { access_token: 'opaque-token', expires_in: 60 })
  t.equal((await exchangeRefreshToken(ep.client, 'r5', clock.now)).refreshToken, 'r5', 'no refresh_token in the answer: the old one stays')
})

void t.test('401 invalid_grant and other 4xx: rejected', async (t) => {
  const ep = await tokenEndpoint(t)
  ep.answer(401, { error: 'invalid_grant', error_description: 'The provided authorization grant is invalid' })
  let err = await failure(exchangeRefreshToken(ep.client, 'dead'))
  t.equal(err.kind, 'rejected')
  t.equal(err.status, 401)
  t.equal(err.oauthError, 'invalid_grant')
  t.equal(err.retryAfterMs, undefined)
  t.notMatch(err.message, 'dead', 'the token is not in the message')

  ep.answer(400, { error: 'invalid_request' })
  err = await failure(exchangeRefreshToken(ep.client, 'x'))
  t.equal(err.kind, 'rejected')
  t.equal(err.status, 400)
  t.equal(err.oauthError, 'invalid_request')

  ep.answer(403, '<html>forbidden</html>')
  err = await failure(exchangeRefreshToken(ep.client, 'x'))
  t.equal(err.kind, 'rejected', 'a non-JSON 4xx is judged by its status')
  t.equal(err.oauthError, undefined)
})

void t.test('500, 429 with Retry-After, 408: transient', async (t) => {
  const ep = await tokenEndpoint(t)
  ep.answer(500, '<html>oops</html>')
  let err = await failure(exchangeRefreshToken(ep.client, 'x'))
  t.equal(err.kind, 'transient')
  t.equal(err.status, 500)
  t.equal(err.retryAfterMs, 0)

  ep.answer(503, { error: 'temporarily_unavailable' })
  err = await failure(exchangeRefreshToken(ep.client, 'x'))
  t.equal(err.kind, 'transient', 'even with an OAuth error body')
  t.equal(err.oauthError, 'temporarily_unavailable')

  ep.answer(429, { error: 'too_many_requests' }, { 'retry-after': '7' })
  err = await failure(exchangeRefreshToken(ep.client, 'x'))
  t.equal(err.kind, 'transient')
  t.equal(err.status, 429)
  t.equal(err.retryAfterMs, 7000)

  const at = new Date(Date.now() + 120_000).toUTCString()
  ep.answer(429, {}, { 'retry-after': at })
  err = await failure(exchangeRefreshToken(ep.client, 'x'))
  t.ok(err.retryAfterMs !== undefined && err.retryAfterMs > 100_000 && err.retryAfterMs <= 120_000, 'an HTTP-date Retry-After')

  ep.answer(408, '')
  err = await failure(exchangeRefreshToken(ep.client, 'x'))
  t.equal(err.kind, 'transient')
  t.equal(err.status, 408)
})

void t.test('200 without an access_token: transient', async (t) => {
  const ep = await tokenEndpoint(t)
  ep.answer(200, { refresh_token: 'r1', expires_in: 3600 })
  let err = await failure(exchangeRefreshToken(ep.client, 'x'))
  t.equal(err.kind, 'transient')
  t.equal(err.status, 200)

  ep.answer(200, 'not json')
  err = await failure(exchangeRefreshToken(ep.client, 'x'))
  t.equal(err.kind, 'transient')
})

void t.test('connection refused: transient', async (t) => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  const client = new UpstreamClient({ origin: `http://127.0.0.1:${port}`, timeoutMs: 5000, label: 'The Hubstaff token endpoint' })
  t.teardown(() => client.destroy())

  const err = await failure(exchangeRefreshToken(client, 'x'))
  t.equal(err.kind, 'transient')
  t.equal(err.status, undefined)
  t.match(err.message, /token endpoint unavailable/)
  t.match(err.cause, { code: 'HSG_UPSTREAM_UNREACHABLE' })
})
