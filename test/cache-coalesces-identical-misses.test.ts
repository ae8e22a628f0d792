// 50 apps asking the same thing at once cost one upstream request, and all 50 get the answer.
import t from 'tap'
import { request } from 'undici'
import { startLiveGateway } from './helpers/gateway.js'

void t.test('50 identical concurrent misses make one upstream request', async (t) => {
  const { fake, gw } = await startLiveGateway(t)
  // Slow enough that every request arrives while the first is still out.
  fake.apiDelayMs = 300
  const before = fake.stats.apiRequests

  // Two spellings of one question: they share the request too.
  const paths = ['/v2/organizations/1001/members?user_ids=5001,5002', '/v2/organizations/1001/members?user_ids[]=5001&user_ids[]=5002']
  const answers = await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      const res = await request(`${gw.address}${paths[i % 2] ?? ''}`)
      return { status: res.statusCode, cacheStatus: res.headers['cache-status'], body: await res.body.text() }
    }),
  )

  t.equal(fake.stats.apiRequests - before, 1, 'one upstream request for 50 app requests')
  t.same(new Set(answers.map((a) => a.status)), new Set([200]))
  t.equal(new Set(answers.map((a) => a.body)).size, 1, 'everyone got the same answer')
  t.match(JSON.parse(answers[0]?.body ?? '{}'), { members: [{ user_id: 5001 }, { user_id: 5002 }] })
  const statuses = answers.map((a) => a.cacheStatus)
  t.equal(statuses.filter((s) => s === 'hubstaff-gateway; fwd=miss; stored').length, 1, 'the one that went upstream stored the answer')
  t.equal(statuses.filter((s) => s === 'hubstaff-gateway; fwd=miss; collapsed').length, 49, 'the others waited for it')

  const status = (await (await request(`${gw.address}/_gateway/status`)).body.json()) as { cache: Record<string, number> }
  t.match(status.cache, { entries: 1, misses: 50, collapsed: 49, hits: 0 })

  fake.apiDelayMs = 0
  const again = await request(`${gw.address}${paths[0] ?? ''}`)
  await again.body.dump()
  t.match(again.headers['cache-status'], /^hubstaff-gateway; hit; ttl=\d+$/, 'and the next one is a hit')
  t.equal(fake.stats.apiRequests - before, 1)
})
