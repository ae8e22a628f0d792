// RFC 5861 stale-if-error: when Hubstaff fails (5xx, reset, timeout, blank reply) or the budget is
// spent, an entry within the window is served instead of the error, and Cache-Status says so.
import t from 'tap'
import { request } from 'undici'
import { cacheAround, header, req } from './helpers/cache-harness.js'
import { sharedClock, startLiveGateway } from './helpers/gateway.js'
import { GatewayError } from '../src/errors.js'

const STALE = /^hubstaff-gateway; fwd=stale; fwd-status=(\d+); ttl=-\d+; detail=stale-if-error$/

void t.test('end to end against a failing Hubstaff', async (t) => {
  const clock = sharedClock()
  const { fake, gw } = await startLiveGateway(
    t,
    { cacheStaleWhileRevalidate: 0, cacheStaleIfError: 3600, upstreamTimeout: 0.5 },
    { now: clock.now },
    { now: clock.now },
  )
  t.teardown(() => {
    fake.apiFailure = undefined
  })
  const get = async () => {
    const res = await request(`${gw.address}/v2/projects/20001`)
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() }
  }
  const good = await get()
  t.equal(good.status, 200)
  clock.advance(6 * 60_000) // projects: 5 min TTL

  const failures = [
    ['a 503 with an HTML page', { status: 503, body: '<html>Service Unavailable</html>' }, '503'],
    ['a blank 200', { status: 200, body: '' }, '200'],
    ['a 524 with an empty body', { status: 524, body: '' }, '524'],
    ['a reset connection', 'reset', '502'],
    ['no answer in time', 'hang', '504'],
  ] as const
  for (const [what, failure, fwdStatus] of failures) {
    fake.apiFailure = failure
    const res = await get()
    t.equal(res.status, 200, `${what}: the app gets the stale answer`)
    t.equal(res.body, good.body, `${what}: the stored body`)
    t.equal(res.headers['x-gateway-source'], 'cache', what)
    t.match(res.headers['cache-status'], STALE, `${what}: says it is stale`)
    t.equal(STALE.exec(String(res.headers['cache-status']))?.[1], fwdStatus, `${what}: and what Hubstaff did`)
  }

  fake.apiFailure = undefined
  const recovered = await get()
  t.equal(recovered.headers['cache-status'], 'hubstaff-gateway; fwd=stale; stored', 'the failures did not replace the entry; the next good answer does')
  t.equal(recovered.headers['x-gateway-source'], 'upstream')

  const status = (await (await request(`${gw.address}/_gateway/status`)).body.json()) as { cache: { staleIfError: number } }
  t.equal(status.cache.staleIfError, failures.length)
})

void t.test('past the stale-if-error window the failure reaches the app', async (t) => {
  const { handle, stub, clock } = cacheAround({ staleWhileRevalidate: 0, staleIfError: 600 })
  await handle(req('GET', '/v2/tasks/1'))
  clock.advance(60_000 + 599_000)
  stub.answer = { status: 503, body: 'down' }
  t.match(header(await handle(req('GET', '/v2/tasks/1')), 'cache-status'), STALE, 'one second inside the window')
  clock.advance(1_000)
  const failed = await handle(req('GET', '/v2/tasks/1'))
  t.equal(failed.status, 503)
  t.equal(failed.source, 'upstream')
  t.equal(header(failed, 'cache-status'), 'hubstaff-gateway; fwd=miss; fwd-status=503', 'the entry is gone')

  stub.answer = new GatewayError('HSG_UPSTREAM_TIMEOUT', 'slow')
  const thrown = await handle(req('GET', '/v2/tasks/1')).catch((err: unknown) => err)
  t.match(thrown, { code: 'HSG_UPSTREAM_TIMEOUT', headers: { 'cache-status': 'hubstaff-gateway; fwd=miss; fwd-status=504' } }, 'the problem carries Cache-Status too')
})

void t.test('a spent budget serves stale; Hubstaff\'s own errors about the request do not', async (t) => {
  const { handle, stub, clock } = cacheAround({ staleWhileRevalidate: 0 })
  await handle(req('GET', '/v2/tasks/1'))
  clock.advance(120_000)
  stub.answer = new GatewayError('HSG_BUDGET_EXHAUSTED', 'spent', { headers: { 'retry-after': '60' } })
  const spent = await handle(req('GET', '/v2/tasks/1'))
  t.equal(spent.status, 200)
  t.equal(STALE.exec(header(spent, 'cache-status') ?? '')?.[1], '429')

  stub.answer = { status: 404, body: '{"code":"not_found","error":"Could not find record"}' }
  const gone = await handle(req('GET', '/v2/tasks/1'))
  t.equal(gone.status, 404, 'a 404 is an answer, not a failure: the task was deleted')
  stub.answer = { status: 503, body: 'down' }
  t.equal((await handle(req('GET', '/v2/tasks/1'))).status, 503, 'and the 404 dropped the entry, so nothing stale is left to serve')
})

void t.test('an app that asked for a fresh answer gets the failure, not the stale answer', async (t) => {
  const { handle, stub, clock } = cacheAround({ staleWhileRevalidate: 0 })
  await handle(req('GET', '/v2/tasks/1'))
  clock.advance(120_000)
  stub.answer = { status: 503, body: 'down' }
  const noCache = await handle(req('GET', '/v2/tasks/1', { headers: { 'cache-control': 'no-cache' } }))
  t.equal(noCache.status, 503)
  t.equal(header(noCache, 'cache-status'), 'hubstaff-gateway; fwd=request; fwd-status=503')
  const tooOld = await handle(req('GET', '/v2/tasks/1', { headers: { 'cache-control': 'max-age=30' } }))
  t.equal(tooOld.status, 503, 'the stored answer is older than its max-age')
  const plain = await handle(req('GET', '/v2/tasks/1'))
  t.match(header(plain, 'cache-status'), STALE, 'a plain GET still gets the stale answer')
})

void t.test('a request bug in the gateway is never hidden behind a stale answer', async (t) => {
  const { handle, stub, clock } = cacheAround({ staleWhileRevalidate: 0 })
  await handle(req('GET', '/v2/tasks/1'))
  clock.advance(120_000)
  stub.answer = new TypeError('bug')
  await t.rejects(handle(req('GET', '/v2/tasks/1')), TypeError)
})
