// Issue #12: an upstream answer is read only up to --upstream-max-bytes. A 100 MB body streamed in
// chunks is abandoned once past the limit (the upstream connection is closed long before the end,
// so the gateway never holds the rest), and the app gets 502 HSG_UPSTREAM_TOO_LARGE. A body whose
// Content-Length already says it is too large is refused before a byte of it is read.
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { request } from 'undici'
import { startFakeHubstaff } from './helpers/fake-hubstaff.js'
import { startTestGateway } from './helpers/gateway.js'

const TOTAL = 100 * 1024 * 1024
const CHUNK = Buffer.alloc(64 * 1024, 0x20)
const LIMIT = 1024 * 1024

interface Streamed {
  written: number
  closedEarly: boolean
}

/** Streams `TOTAL` bytes of JSON-ish padding, minding backpressure; resolves with what it sent. */
function stream(res: ServerResponse, declareLength: boolean): Promise<Streamed> {
  return new Promise((resolve) => {
    const state = { written: 0, closedEarly: false }
    res.writeHead(200, { 'content-type': 'application/json', ...(declareLength ? { 'content-length': String(TOTAL) } : {}) })
    res.on('close', () => {
      state.closedEarly = state.written < TOTAL
      resolve(state)
    })
    const pump = () => {
      while (state.written < TOTAL && !res.destroyed) {
        state.written += CHUNK.length
        if (!res.write(CHUNK)) {
          res.once('drain', pump)
          return
        }
      }
      if (!res.destroyed) res.end()
    }
    pump()
  })
}

void t.test('a 100 MB upstream answer is cut off past --upstream-max-bytes', async (t) => {
  const answered: Promise<Streamed>[] = []
  const huge = createServer((req, res) => {
    answered.push(stream(res, req.url?.includes('declared') === true))
  })
  await new Promise<void>((resolve) => huge.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => huge.close(() => resolve())))
  huge.unref()
  const auth = await startFakeHubstaff()
  t.teardown(() => auth.close())
  const origin = `http://127.0.0.1:${(huge.address() as AddressInfo).port}`
  const gw = await startTestGateway({
    mode: 'live',
    upstream: origin,
    authUrl: auth.origin,
    refreshToken: auth.issueRefreshToken(),
    stateDir: t.testdir(),
    cache: 'off',
    upstreamMaxBytes: LIMIT,
  })
  t.teardown(() => gw.close())

  for (const [what, path] of [
    ['streamed without a length', '/v2/users/me'],
    ['declared by Content-Length', '/v2/users/me?declared=1'],
  ] as const) {
    const res = await request(`${gw.address}${path}`)
    t.equal(res.statusCode, 502, what)
    t.match(res.headers['content-type'], /^application\/problem\+json/, what)
    t.match(await res.body.json(), { code: 'HSG_UPSTREAM_TOO_LARGE', limit: LIMIT, detail: /--upstream-max-bytes/ }, what)
    const sent = await answered[answered.length - 1]
    t.ok(sent?.closedEarly, `${what}: the upstream connection was closed before the end`)
    t.ok((sent?.written ?? TOTAL) < TOTAL / 4, `${what}: ${sent?.written ?? '?'} of ${TOTAL} bytes sent before the gateway hung up`)
    t.comment(`${what}: upstream wrote ${sent?.written ?? '?'} bytes before the close`)
  }

  const health = await request(`${gw.address}/_gateway/health`)
  t.equal(health.statusCode, 200, 'the gateway serves on')
  await health.body.dump()
})
