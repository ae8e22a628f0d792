import { compilePolicy } from '../src/cache/policy.js'
import { parseQuery, cacheKey, routeText } from '../src/cache/key.js'
import { requestDirectives } from '../src/cache/directives.js'
import { headersForUpstream } from '../src/http/headers.js'
const policy = compilePolicy({ '/v2/bench/**': 86400 })
const headers = { host: '127.0.0.1:8787', 'user-agent': 'wrk', accept: '*/*', connection: 'keep-alive' }
function time(name: string, fn: () => unknown, n = 500_000) {
  for (let i = 0; i < 50_000; i++) fn()
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++) fn()
  console.log(name.padEnd(24), (Number(process.hrtime.bigint() - t0) / n / 1000).toFixed(3), 'µs')
}
const now = Date.now()
time('parseQuery', () => parseQuery(''))
time('freshness bench', () => policy.freshness('/v2/bench/items/0', [], now))
time('freshness projects', () => policy.freshness('/v2/organizations/1001/projects', [], now))
time('freshness activities', () => policy.freshness('/v2/organizations/1001/activities', parseQuery('time_slot[start]=2026-01-01T00:00:00Z&time_slot[stop]=2026-01-02T00:00:00Z'), now))
time('key', () => cacheKey('live:http://x', 'GET', routeText('/v2/bench/items/0', [])))
time('directives', () => requestDirectives(headers))
time('headersForUpstream', () => headersForUpstream(headers))
