// Only a 200 with a body is stored: an error, a blank reply or a 429 is passed on and asked again
// next time, never replayed from memory.
import t from 'tap'
import { request } from 'undici'
import { cacheAround, header, req } from './helpers/cache-harness.js'
import { startLiveGateway } from './helpers/gateway.js'

void t.test('end to end: each failure goes upstream every time', async (t) => {
  const { fake, gw } = await startLiveGateway(t)
  t.teardown(() => {
    fake.apiFailure = undefined
  })
  const twice = async (path: string) => {
    const before = fake.stats.apiRequests
    const answers = []
    for (let i = 0; i < 2; i++) {
      const res = await request(`${gw.address}${path}`)
      answers.push({ status: res.statusCode, cacheStatus: res.headers['cache-status'], source: res.headers['x-gateway-source'], body: await res.body.text() })
    }
    return { answers, upstream: fake.stats.apiRequests - before }
  }

  const notFound = await twice('/v2/tasks/999999999')
  t.same(notFound.answers.map((a) => a.status), [404, 404])
  t.equal(notFound.upstream, 2, '404: asked both times')
  t.same(notFound.answers.map((a) => a.cacheStatus), ['hubstaff-gateway; fwd=miss', 'hubstaff-gateway; fwd=miss'])

  const invalid = await twice('/v2/organizations/1001/projects?status=bogus')
  t.same(invalid.answers.map((a) => a.status), [400, 400])
  t.equal(invalid.upstream, 2, '400: asked both times')

  fake.apiFailure = { status: 503, body: '<html>Service Unavailable</html>' }
  const down = await twice('/v2/users/me')
  t.same(down.answers.map((a) => a.status), [503, 503])
  t.equal(down.upstream, 2, '503: asked both times')
  t.equal(down.answers[0]?.cacheStatus, 'hubstaff-gateway; fwd=miss; fwd-status=503')

  fake.apiFailure = { status: 200, body: '' }
  const blank = await twice('/v2/users/me')
  t.same(blank.answers.map((a) => a.status), [200, 200])
  t.equal(blank.upstream, 2, 'a blank 200 (Hubstaff\'s 30 s cut): asked both times')
  t.equal(blank.answers[0]?.cacheStatus, 'hubstaff-gateway; fwd=miss; fwd-status=200')

  fake.apiFailure = { status: 429, body: '{"code":"rate_limit","error":"Rate limit exceeded","error_code":13000}' }
  const limited = await request(`${gw.address}/v2/users/me`)
  t.equal(limited.statusCode, 429)
  t.match(await limited.body.json(), { code: 'HSG_BUDGET_EXHAUSTED' }, 'Hubstaff\'s 429 becomes the budget\'s')
  t.match(limited.headers['cache-status'], /^hubstaff-gateway; fwd=miss; fwd-status=429$/)

  const status = (await (await request(`${gw.address}/_gateway/status`)).body.json()) as { cache: { entries: number } }
  t.equal(status.cache.entries, 0, 'nothing was stored')

  fake.apiFailure = undefined
  await new Promise((resolve) => setTimeout(resolve, 1100)) // the fake's Retry-After: 1
  const good = await twice('/v2/users/me')
  t.same(good.answers.map((a) => a.source), ['upstream', 'cache'], 'the first good answer is stored')
  t.equal(good.upstream, 1)
})

void t.test('unit: what the stage stores', async (t) => {
  const cases = [
    ['a 429 answer (no budget stage in front)', { status: 429, body: '' }],
    ['a 429 with the error envelope', { status: 429, body: '{"error_code":13000}' }],
    ['a 500', { status: 500, body: '{"error":"x"}' }],
    ['a 204', { status: 204, body: '' }],
    ['a 201', { status: 201, body: '{"id":1}' }],
    ['a 304', { status: 304, body: '' }],
    ['a 200 marked no-store', { status: 200, body: '{}', headers: { 'cache-control': 'private, no-store' } }],
  ] as const
  for (const [what, answer] of cases) {
    const { handle, stub, cache } = cacheAround()
    stub.answer = answer
    await handle(req('GET', '/v2/users/me'))
    await handle(req('GET', '/v2/users/me'))
    t.equal(stub.calls.length, 2, `${what}: not stored`)
    t.equal(cache.stats().entries, 0, what)
  }
  const { handle, stub } = cacheAround()
  stub.answer = { status: 200, body: '{"user":{"id":1}}', headers: { 'cache-control': 'no-cache', etag: 'W/"x"' } }
  await handle(req('GET', '/v2/users/me'))
  const hit = await handle(req('GET', '/v2/users/me'))
  t.equal(stub.calls.length, 1, 'a 200 is stored although Hubstaff says no-cache: the policy decides')
  t.equal(header(hit, 'etag'), 'W/"x"', 'with Hubstaff\'s own headers')
  t.equal(header(hit, 'cache-control'), 'no-cache')
})

void t.test('a route whose TTL is 0 is never cached and says bypass', async (t) => {
  const { handle, stub } = cacheAround({ policy: { '/v2/users/me': 0 } })
  for (let i = 0; i < 2; i++) t.equal(header(await handle(req('GET', '/v2/users/me')), 'cache-status'), 'hubstaff-gateway; fwd=bypass')
  t.equal(stub.calls.length, 2)
  t.equal(header(await handle(req('GET', '/v2/tasks/1', { body: 'odd' })), 'cache-status'), 'hubstaff-gateway; fwd=bypass', 'a GET with a body too')
})
