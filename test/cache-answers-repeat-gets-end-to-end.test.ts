// Through the real gateway against the fake Hubstaff: a repeated GET is answered from memory with
// Hubstaff's own status, headers and body, costs no budget, and says where it came from.
import t from 'tap'
import { request } from 'undici'
import { startLiveGateway } from './helpers/gateway.js'

interface Status {
  budget: { used: number }
  cache: { enabled: boolean; entries: number; bytes: number; hits: number; misses: number; hitRatio: number }
}

void t.test('repeat GETs are hits that cost nothing', async (t) => {
  const { fake, gw } = await startLiveGateway(t)
  const status = async () => (await (await request(`${gw.address}/_gateway/status`)).body.json()) as Status

  const first = await request(`${gw.address}/v2/users/me`)
  const firstBody = await first.body.text()
  t.equal(first.headers['x-gateway-source'], 'upstream')
  t.equal(first.headers['cache-status'], 'hubstaff-gateway; fwd=miss; stored')
  const spent = (await status()).budget.used
  const before = fake.stats.apiRequests

  for (let i = 0; i < 10; i++) {
    const res = await request(`${gw.address}/v2/users/me`)
    t.equal(res.statusCode, 200)
    t.equal(await res.body.text(), firstBody, 'the same bytes')
    t.equal(res.headers['x-gateway-source'], 'cache')
    t.match(res.headers['cache-status'], /^hubstaff-gateway; hit; ttl=(3599|3600)$/)
    t.match(res.headers.age, /^\d+$/)
    t.equal(res.headers.etag, first.headers.etag, 'Hubstaff\'s headers are kept')
    t.equal(res.headers['cache-control'], 'max-age=0, private, must-revalidate')
    t.equal(res.headers['content-type'], first.headers['content-type'])
    t.ok(res.headers.ratelimit, 'the budget headers are still there')
  }
  t.equal(fake.stats.apiRequests, before, 'nothing went upstream')
  const after = await status()
  t.equal(after.budget.used, spent, 'hits cost no budget')
  t.match(after.cache, { enabled: true, entries: 1, hits: 10, misses: 1, hitRatio: 0.9091 })
  t.ok(after.cache.bytes > firstBody.length, 'bytes counts the body and its bookkeeping')

  const line = gw.logRecords().filter((r) => r.msg === 'request' && r.path === '/v2/users/me').at(-1)
  t.match(line, { source: 'cache', status: 200 }, 'the request log line names the cache')
})

void t.test('with --cache off every GET goes upstream and nothing says cache', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { cache: 'off' })
  const before = fake.stats.apiRequests
  for (let i = 0; i < 3; i++) {
    const res = await request(`${gw.address}/v2/users/me`)
    await res.body.dump()
    t.equal(res.headers['x-gateway-source'], 'upstream')
    t.equal(res.headers['cache-status'], undefined)
  }
  t.equal(fake.stats.apiRequests - before, 3)
  const status = (await (await request(`${gw.address}/_gateway/status`)).body.json()) as Status
  t.match(status.cache, { enabled: false, entries: 0, hits: 0, misses: 0 })
  const purge = await request(`${gw.address}/_gateway/cache`, { method: 'DELETE' })
  t.same(await purge.body.json(), { purged: 0 })
  const bad = await request(`${gw.address}/_gateway/cache?prefix=/v1/`, { method: 'DELETE' })
  t.equal(bad.statusCode, 400, 'a bad prefix is still refused')
  await bad.body.dump()
})

void t.test('only-if-cached answers from memory or 504s without going upstream', async (t) => {
  const { fake, gw } = await startLiveGateway(t)
  const headers = { 'cache-control': 'only-if-cached' }
  const before = fake.stats.apiRequests
  const miss = await request(`${gw.address}/v2/users/me`, { headers })
  t.equal(miss.statusCode, 504)
  t.match(await miss.body.json(), { code: 'HSG_CACHE_NOT_CACHED' })
  t.equal(miss.headers['cache-status'], 'hubstaff-gateway; detail=only-if-cached')
  t.equal(fake.stats.apiRequests, before, 'nothing went upstream')
  await (await request(`${gw.address}/v2/users/me`)).body.dump()
  const hit = await request(`${gw.address}/v2/users/me`, { headers })
  t.equal(hit.statusCode, 200)
  t.equal(hit.headers['x-gateway-source'], 'cache')
  await hit.body.dump()
})
