// Issue #12, hole 1: the /v2 guard ran only on raw URLs starting with "/v2", while the router
// strips an absolute-form origin and decodes afterwards. `GET http://evil.example/v2/../x`,
// `/v%32/%2e%2e/x` and `/v%32/..%2f..%2fx` reached the upstream outside /v2 with the managed token.
// Now every target is decoded until stable and refused (400) when it is not a plain path or leaves
// /v2; the upstream, a capture server that reads targets as generously as any, sees none of them.
import { connect } from 'node:net'
import t from 'tap'
import { classifyTarget } from '../src/http/guard.js'
import { startCapturedGateway, staysUnderV2 } from './helpers/capture-upstream.js'
import { rawRequest } from './helpers/gateway.js'

/** Writes one request on a fresh connection and returns the answer's head and body as text. */
function wire(address: string, bytes: string): Promise<string> {
  const url = new URL(address)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname)
    const chunks: Buffer[] = []
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
    socket.on('error', reject)
    socket.setTimeout(5000, () => socket.destroy())
    socket.end(bytes)
  })
}

const LEAVING = [
  'http://evil.example/v2/../x',
  'http://evil.example/v2/users/me',
  'https://api.hubstaff.com/v2/users/me',
  '/v%32/%2e%2e/x',
  '/v%32/..%2f..%2fx',
  '/v%32/users/me',
  '/v2%2f..%2fx',
  '/v2/%252e%252e/x',
  '/v2/%25252e%25252e/%25252e%25252e/x',
  '/v2/users/%252f..%252f..%252fx',
  '/v2/..;/x',
  '/v2/users/..;x/..;y/z',
  '/v2/users/%5c..%5c..%5cx',
  '/v2/users/me%2500',
  '/v2/users/me#/../../x',
  '/v2/%2525252525252e',
]

void t.test('targets that leave /v2 once decoded are refused with 400 and never reach the upstream', async (t) => {
  const { gw, upstream, fake } = await startCapturedGateway(t)
  const fine = await rawRequest(gw.address, '/v2/users/me?x=1')
  t.equal(fine.status, 200, 'a plain /v2 request goes through')
  t.equal(upstream.requests.length, 1)
  t.equal(upstream.requests[0]?.url, '/v2/users/me?x=1', 'byte for byte')

  for (const target of LEAVING) {
    const answer = await rawRequest(gw.address, target)
    t.equal(answer.status, 400, `${target}: 400`)
    t.match(String(answer.headers['content-type']), /^application\/problem\+json/, `${target}: problem+json`)
    t.match(JSON.parse(answer.body), { code: 'HSG_REQUEST_BAD_PATH' }, `${target}: HSG_REQUEST_BAD_PATH`)
    t.notOk(fake.issuedTokens.some((token) => answer.body.includes(token)), `${target}: no token in the answer`)
  }
  // The absolute form, written on the wire by hand as a forward proxy request would be.
  const absolute = await wire(gw.address, 'GET http://evil.example/v2/../x HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n')
  t.match(absolute, /^HTTP\/1\.1 400 /, 'absolute-form on the wire: 400')
  t.match(absolute, /"code":"HSG_REQUEST_BAD_PATH"/)

  t.equal(upstream.requests.length, 1, 'nothing but the plain request reached the upstream')
  for (const request of upstream.requests) t.ok(staysUnderV2(request.url), `${request.url} stays under /v2`)
})

void t.test('the classification, without a server', (t) => {
  for (const target of LEAVING) t.throws(() => classifyTarget(target), { code: 'HSG_REQUEST_BAD_PATH' }, target)
  for (const [target, kind] of [
    ['/v2/users/me?x=1', 'v2'],
    ['/v2', 'v2'],
    ['/v2/docs.json', 'v2'],
    ['/v2/users/me?next=../../x', 'v2'],
    ['/v2/organizations/1/activities?time_slot[start]=2026-07-01T00:00:00Z', 'v2'],
    ['/v2/users/%40me', 'v2'],
    ['/_gateway/status', 'admin'],
    ['/_gateway/dashboard/uPlot.iife.min.js', 'admin'],
    ['/v3/users', 'other'],
    ['/v2x', 'other'],
    ['/', 'other'],
  ] as const) {
    t.equal(classifyTarget(target), kind, `${target}: ${kind}`)
  }
  t.end()
})
