import t, { type Test } from 'tap'
import { request } from 'undici'
import { Metrics } from '../src/metrics.js'
import { CACHE_OFF } from '../src/cache/stats.js'
import { startLiveGateway } from './helpers/gateway.js'

type Samples = Map<string, number>

/** Parses Prometheus text exposition (0.0.4) strictly enough to fail on anything malformed. */
function parseProm(t: Test, text: string): { samples: Samples; types: Map<string, string> } {
  const samples: Samples = new Map()
  const types = new Map<string, string>()
  const helps = new Set<string>()
  for (const line of text.split('\n')) {
    if (line === '') continue
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$/.exec(line)
    if (help) {
      helps.add(help[1]!)
      continue
    }
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line)
    if (type) {
      types.set(type[1]!, type[2]!)
      continue
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line)
    if (!sample) {
      t.fail(`not Prometheus text: ${JSON.stringify(line)}`)
      continue
    }
    const family = sample[1]!.replace(/_(bucket|sum|count)$/, '')
    t.ok(types.has(sample[1]!) || types.has(family), `${sample[1]} has a TYPE`)
    t.ok(helps.has(sample[1]!) || helps.has(family), `${sample[1]} has a HELP`)
    samples.set(sample[1]! + (sample[2] ?? ''), Number(sample[3]))
  }
  return { samples, types }
}

void t.test('metrics: Prometheus text whose counters follow the traffic', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { budget: 1, budgetWindow: 3 })
  const scrape = async () => {
    const res = await request(`${gw.address}/_gateway/metrics`)
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
    return parseProm(t, await res.body.text())
  }
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await request(`${gw.address}${path}`, { headers })
    await res.body.dump()
    return res.statusCode
  }

  const before = await scrape()
  for (const name of [
    'hsg_requests_total',
    'hsg_upstream_calls_total',
    'hsg_upstream_latency_seconds',
    'hsg_budget_limit',
    'hsg_budget_used',
    'hsg_budget_remaining',
    'hsg_budget_queue_length',
    'hsg_budget_queue_wait_seconds',
    'hsg_budget_refused_total',
    'hsg_upstream_429_total',
    'hsg_cache_hits_total',
    'hsg_cache_misses_total',
    'hsg_cache_bytes',
    'hsg_cache_entries',
    'hsg_token_refreshes_total',
    'hsg_token_refresh_failures_total',
    'hsg_token_state',
    'hsg_token_expires_timestamp_seconds',
    'hsg_token_refreshed_timestamp_seconds',
    'hsg_split_plans_total',
    'hsg_split_pieces_total',
  ]) {
    t.ok(before.types.has(name), `${name} is exposed`)
  }
  t.equal(before.samples.get('hsg_budget_limit'), 1)
  t.equal(before.samples.get('hsg_budget_remaining'), 1)
  t.equal(before.samples.get('hsg_cache_hits_total'), 0)
  t.equal(before.samples.get('hsg_token_refreshes_total'), 0)

  t.equal(await get('/v2/users/me'), 200) // miss: the token is exchanged, one upstream call
  t.equal(await get('/v2/users/me'), 200) // hit
  t.equal(await get('/v2/organizations'), 429) // the budget is spent: refused at once
  t.equal(await get('/v3/nothing'), 404)
  t.equal(await get('/v2/organizations', { prefer: 'wait=20' }), 200) // queues for the next slot

  const after = (await scrape()).samples
  t.equal(after.get('hsg_requests_total{source="upstream",status="200"}'), 2)
  t.equal(after.get('hsg_requests_total{source="cache",status="200"}'), 1)
  t.equal(after.get('hsg_requests_total{source="gateway",status="429"}'), 1)
  t.equal(after.get('hsg_requests_total{source="gateway",status="404"}'), 1)
  t.equal(after.get('hsg_upstream_calls_total'), 2)
  t.equal(after.get('hsg_upstream_latency_seconds_count{outcome="2xx"}'), 2, 'each upstream call is timed')
  t.equal(after.get('hsg_budget_used'), 1, 'one slot of the window in use: the queued request took the slot the first one freed')
  t.equal(after.get('hsg_budget_refused_total'), 1)
  t.equal(after.get('hsg_budget_queue_wait_seconds_count'), 1, 'the queued request is observed')
  t.ok((after.get('hsg_budget_queue_wait_seconds_sum') ?? 0) > 0)
  t.equal(after.get('hsg_cache_hits_total'), 1)
  t.equal(after.get('hsg_cache_misses_total'), 3, 'the refused GET was a miss too')
  t.ok((after.get('hsg_cache_bytes') ?? 0) > 0, 'the cache holds bytes')
  t.equal(after.get('hsg_cache_entries'), 2)
  t.equal(after.get('hsg_token_refreshes_total'), 1)
  t.equal(after.get('hsg_token_state{state="ok"}'), 1)
  t.equal(after.get('hsg_token_state{state="rejected"}'), 0)
  t.ok((after.get('hsg_token_expires_timestamp_seconds') ?? 0) > Date.now() / 1000 + 3000, 'the token expires in about an hour')
  t.ok(Math.abs((after.get('hsg_token_refreshed_timestamp_seconds') ?? 0) - Date.now() / 1000) < 600, 'it was refreshed just now')
  t.notOk([...after.keys()].some((k) => k.startsWith('hsg_requests_total{source="admin"')), "the admin surface's own requests are not counted")

  // The token endpoint fails: the failure is counted.
  fake.tokenEndpointFailure = { status: 503 }
  fake.expireAccessTokens()
  await gw.gateway.tokens.accessToken().catch(() => undefined)
  const failing = await get('/v2/users/5002', { prefer: 'wait=20' })
  t.ok(failing >= 500, `the app is told (${failing})`)
  const failed = (await scrape()).samples
  t.ok((failed.get('hsg_token_refresh_failures_total') ?? 0) >= 1, 'token refresh failures are counted')
})

void t.test('split answers count plans and pieces', async (t) => {
  const metrics = new Metrics({
    budget: () => Promise.reject(new Error('store away')),
    queued: () => 0,
    cache: () => CACHE_OFF,
    token: () => ({ state: 'empty', expiresAt: null, refreshedAt: null, reason: null, refreshes: 0, failures: 0 }),
  })
  metrics.requestFinished('split', 200, { upstreamCalls: 9, split: { pieces: 4, depth: 2, upstreamCalls: 9 } })
  metrics.requestFinished('split', 200, { upstreamCalls: 3, split: { pieces: 2, depth: 1, upstreamCalls: 3 } })
  const { samples } = parseProm(t, await metrics.text())
  t.equal(samples.get('hsg_split_plans_total'), 2)
  t.equal(samples.get('hsg_split_pieces_total'), 6)
  t.equal(samples.get('hsg_upstream_calls_total'), 12)
  t.equal(samples.get('hsg_requests_total{source="split",status="200"}'), 2)
  t.equal(samples.get('hsg_budget_queue_length'), 0, 'a budget store that cannot be read does not break the scrape')
  t.equal(samples.get('hsg_token_expires_timestamp_seconds'), 0, 'no expiry without a token')
})
