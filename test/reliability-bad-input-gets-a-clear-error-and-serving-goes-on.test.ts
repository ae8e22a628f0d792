// Bad input of every kind, sent on the wire as a careless or hostile app would: each gets a clear
// error (problem+json with an HSG_* code, or Hubstaff's own answer about its parameters), nothing
// that could leave /v2 reaches Hubstaff, nothing on disk changes, and the gateway keeps serving.
import { createHash, randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { rawRequest, startLiveGateway, type RawAnswer } from './helpers/gateway.js'

/** Writes `bytes` on a fresh connection and returns whatever comes back before it closes. */
function wire(address: string, bytes: string): Promise<string> {
  const url = new URL(address)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname)
    const chunks: Buffer[] = []
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')))
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
    socket.on('error', reject)
    socket.setTimeout(5000, () => socket.destroy())
    socket.end(bytes)
  })
}

function problem(t: Test, answer: RawAnswer, status: number, code: string, what: string): void {
  t.equal(answer.status, status, `${what}: ${status}`)
  t.match(String(answer.headers['content-type']), /^application\/problem\+json/, `${what}: problem+json`)
  t.match(answer.body, new RegExp(`"code":"${code}"`), `${what}: ${code}`)
}

/** Every file of the state dir with its bytes: "nothing on disk lost" is that this does not change. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.lock') || name === 'budget.log') continue
    try {
      files[name] = createHash('sha256').update(readFileSync(join(dir, name))).digest('hex')
    } catch {
      // a directory
    }
  }
  return files
}

void t.test('bad input: clear errors, nothing upstream that should not go, gateway keeps serving', async (t) => {
  const key = `hsg_${randomBytes(24).toString('base64url')}`
  // Marked admin: in team mode the admin surface needs a key, and this app's is the one at hand.
  const apps = JSON.stringify([{ name: 'dashboard', keySha256: createHash('sha256').update(key).digest('hex'), admin: true }])
  const stateDir = t.testdir()
  const { fake, gw } = await startLiveGateway(t, { apps, stateDir })
  const ok = { 'x-gateway-key': key }
  const first = await rawRequest(gw.address, '/v2/users/me', { headers: ok })
  t.equal(first.status, 200, 'a good request works')
  const disk = snapshot(stateDir)

  void t.test('malformed and oversized headers', async (t) => {
    const bad = await wire(gw.address, 'GET /v2/users/me HTTP/1.1\r\nHost: x\r\nthis is not a header\r\n\r\n')
    t.match(bad, /^HTTP\/1\.1 400 /, 'a malformed header line: 400')
    t.match(bad, /application\/problem\+json/, 'as problem+json')
    t.match(bad, /"code":"HSG_REQUEST_BAD_HEADERS"/)
    const huge = await wire(gw.address, `GET /v2/users/me HTTP/1.1\r\nHost: x\r\nx-filler: ${'a'.repeat(20_000)}\r\n\r\n`)
    t.match(huge, /^HTTP\/1\.1 431 /, 'headers over the limit: 431')
    t.match(huge, /"code":"HSG_REQUEST_BAD_HEADERS"/)
    const control = await wire(gw.address, 'GET /v2/users/me HTTP/1.1\r\nHost: x\r\nx-bad: a\u0001b\r\n\r\n')
    t.match(control, /^HTTP\/1\.1 400 /, 'a control character in a header value: 400')
    const garbage = await wire(gw.address, '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003 hello\r\n\r\n')
    t.match(garbage, /^HTTP\/1\.1 400 /, 'TLS (or any garbage) on the plain port: 400')
  })

  void t.test('bad and reversed date ranges, unknown parameters', async (t) => {
    const base = '/v2/organizations/1001/activities'
    for (const [query, what] of [
      ['time_slot[start]=yesterday&time_slot[stop]=today', 'dates that are not dates'],
      ['time_slot[start]=2026-07-02T00:00:00Z&time_slot[stop]=2026-07-01T00:00:00Z', 'a reversed range'],
      ['time_slot[start]=2026-07-01T00:00:00Z', 'a range without its stop'],
      ['time_slot[start]=2026-07-01T00:00:00Z&time_slot[stop]=2026-07-01T00:00:00Z', 'an empty range'],
    ] as const) {
      const answer = await rawRequest(gw.address, `${base}?${query}`, { headers: ok })
      t.equal(answer.status, 400, `${what}: 400`)
      t.match(answer.body, /"(code|error)":/, `${what}: says what is wrong`)
    }
    const daily = await rawRequest(gw.address, '/v2/organizations/1001/activities/daily?date[start]=2026-07-09&date[stop]=2026-07-01', { headers: ok })
    t.equal(daily.status, 400, 'a reversed day range: 400')
    const unknown = await rawRequest(gw.address, '/v2/organizations/1001/projects?no_such_parameter=1&page_limit=2&zz[]=x', { headers: ok })
    t.equal(unknown.status, 200, 'unknown parameters are Hubstaff\'s business: passed on')
    t.equal(fake.requests.at(-1)?.query, 'no_such_parameter=1&page_limit=2&zz[]=x', 'byte for byte')
  })

  void t.test('path traversal, plain and encoded, in /v2 and in admin routes', async (t) => {
    const before = fake.stats.apiRequests
    for (const path of [
      '/v2/../_gateway/status',
      '/v2/users/../../x',
      '/v2/%2e%2e/x',
      '/v2/users/%2E%2E/%2E%2E/x',
      '/v2/users/..%2f..%2fx',
      '/v2/users/%2f..%2f..%2fx',
      '/v2/users\\..\\..\\x',
      '/v2/users/%5c..%5cx',
      '/v2/users/me%00',
      '/v2/users/%zz',
      '/v2/./users/me',
    ]) {
      const answer = await rawRequest(gw.address, path, { headers: ok })
      problem(t, answer, 400, 'HSG_REQUEST_BAD_PATH', path)
    }
    t.equal(fake.stats.apiRequests, before, 'none of them reached Hubstaff')
    for (const path of ['/_gateway/../v2/users/me', '/_gateway/%2e%2e/v2/users/me', '/_gateway/..%2fv2/users/me', '/_gateway\\..\\v2\\users\\me']) {
      const answer = await rawRequest(gw.address, path, { headers: ok })
      t.ok(answer.status === 400 || answer.status === 404, `${path}: refused (${answer.status})`)
      t.match(String(answer.headers['content-type']), /^application\/problem\+json/, `${path}: problem+json`)
    }
    // A purge prefix is matched against cache keys, which never hold dot segments: it drops nothing else.
    const purge = await rawRequest(gw.address, '/_gateway/cache?prefix=/v2/../', { method: 'DELETE', headers: ok })
    t.equal(purge.status, 200, 'a purge prefix with dot segments is only a prefix')
    t.match(JSON.parse(purge.body), { purged: 0 }, 'and matches nothing')
    const held = await rawRequest(gw.address, '/v2/users/me', { headers: ok })
    t.equal(held.headers['x-gateway-source'], 'cache', 'what was cached is still cached')
    t.equal(fake.stats.apiRequests, before, 'nothing reached Hubstaff')
  })

  void t.test('invalid X-Gateway-Key in team mode', async (t) => {
    const before = fake.stats.apiRequests
    for (const [headers, what] of [
      [{}, 'no key'],
      [{ 'x-gateway-key': '' }, 'an empty key'],
      [{ 'x-gateway-key': 'hsg_wrong' }, 'an unknown key'],
      [{ 'x-gateway-key': key.slice(0, -1) }, 'a key one character short'],
      [{ 'x-gateway-key': `${key}x` }, 'a key one character long'],
      [{ 'x-gateway-key': 'k'.repeat(8000) }, 'a very long key'],
    ] as const) {
      problem(t, await rawRequest(gw.address, '/v2/users/me?n=1', { headers }), 401, 'HSG_APP_KEY_INVALID', what)
    }
    t.equal(fake.stats.apiRequests, before, 'nothing went upstream')
  })

  void t.test('afterwards: the gateway serves, and nothing on disk changed', async (t) => {
    const health = await rawRequest(gw.address, '/_gateway/health')
    t.equal(health.status, 200)
    const again = await rawRequest(gw.address, '/v2/users/me', { headers: { ...ok, 'cache-control': 'no-cache' } })
    t.equal(again.status, 200)
    t.same(snapshot(stateDir), disk, 'the state files are as they were')
  })
})
