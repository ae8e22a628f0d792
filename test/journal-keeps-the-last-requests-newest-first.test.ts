import t from 'tap'
import { request } from 'undici'
import { startLiveGateway } from './helpers/gateway.js'
import { until } from './helpers/memory-token-store.js'
import type { JournalEntry } from '../src/journal.js'

interface Journal {
  capacity: number
  recorded: number
  requests: JournalEntry[]
}

void t.test('the journal keeps the last requests, newest first, with what each cost and never a header', async (t) => {
  // One upstream request per 2 s: the third request below has to queue for its slot.
  const { gw } = await startLiveGateway(t, { budget: 1, budgetWindow: 2, journalSize: 5 })
  const journal = async (query = ''): Promise<Journal> => (await (await request(`${gw.address}/_gateway/requests${query}`)).body.json()) as Journal
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await request(`${gw.address}${path}`, { headers })
    await res.body.dump()
    return res.statusCode
  }

  t.equal(await get('/v2/users/me', { authorization: 'Bearer app-own-secret', cookie: 'session=cookie-secret' }), 200)
  t.equal(await get('/v2/users/me'), 200)
  t.equal(await get('/v2/organizations?page_limit=1', { prefer: 'wait=20' }), 200)
  t.equal(await get('/_gateway/status'), 200)
  t.equal(await get('/v3/nothing'), 404)

  const first = await journal()
  t.equal(first.capacity, 5)
  t.equal(first.recorded, 4, "the admin surface's own requests are not journaled")
  const [notFound, queued, hit, miss] = first.requests
  t.match(notFound, { method: 'GET', path: '/v3/nothing', status: 404, source: 'gateway', upstreamCalls: 0, cacheStatus: '' })
  t.match(queued, { path: '/v2/organizations?page_limit=1', status: 200, source: 'upstream', upstreamCalls: 1, app: 'default' })
  t.ok((queued?.queueWaitMs ?? 0) > 0, `the queued request shows its wait (${queued?.queueWaitMs} ms)`)
  t.match(hit, { path: '/v2/users/me', status: 200, source: 'cache', upstreamCalls: 0, queueWaitMs: 0, cacheStatus: /^hubstaff-gateway; hit/ })
  t.match(miss, { path: '/v2/users/me', status: 200, source: 'upstream', upstreamCalls: 1, cacheStatus: /fwd=miss/ })
  for (const entry of first.requests) {
    t.ok(Date.parse(entry.time) <= Date.now() && Date.parse(entry.time) > Date.now() - 60_000, 'time is an ISO time of the last minute')
    t.type(entry.durationMs, 'number')
    t.match(entry.id, /\S/, 'each entry names its request id')
  }
  t.ok(Date.parse(first.requests[0]!.time) >= Date.parse(first.requests[3]!.time), 'newest first')
  t.notMatch(JSON.stringify(first), /app-own-secret|cookie-secret|authorization|cookie/i, 'no header but Cache-Status is kept')

  // A request that leaves while queued is journaled as 499 and cost nothing.
  const leaving = new AbortController()
  const gone = request(`${gw.address}/v2/organizations/1001`, { headers: { prefer: 'wait=30' }, signal: leaving.signal }).catch((err: unknown) => err)
  await until(() => gw.gateway.budget.queued === 1, 10_000, 'the request to queue')
  leaving.abort()
  await gone
  await until(() => gw.gateway.journal.recorded === 5, 10_000, 'the aborted request to be journaled')
  const second = await journal()
  t.match(second.requests[0], { path: '/v2/organizations/1001', status: 499, upstreamCalls: 0 })

  // The ring keeps the newest `journal-size` requests.
  t.equal(await get('/v3/nothing-again'), 404)
  const third = await journal()
  t.equal(third.recorded, 6)
  t.equal(third.requests.length, 5)
  t.equal(third.requests[0]?.path, '/v3/nothing-again')
  t.equal(third.requests[4]?.path, '/v2/users/me', 'the oldest kept is the cache hit')
  t.equal(third.requests[4]?.source, 'cache', 'the first request dropped out')

  const two = await journal('?limit=2')
  t.same(
    two.requests.map((e) => e.path),
    ['/v3/nothing-again', '/v2/organizations/1001'],
  )
  const bad = await journal('?limit=lots')
  t.equal(bad.requests.length, 5, 'a limit that is not a number gives the default')
})
