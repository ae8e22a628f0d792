import { Journal, journalPath } from '../src/journal.js'
import { Metrics } from '../src/metrics.js'
import { CACHE_OFF } from '../src/cache/stats.js'
const j = new Journal(1000)
const m = new Metrics({ budget: async () => ({ limit: 1, used: 0, remaining: 1, refused: 0, upstream429s: 0, apps: {} }), queued: () => 0, cache: () => CACHE_OFF, token: () => ({ state: 'ok', expiresAt: null, refreshedAt: null, reason: null, refreshes: 0, failures: 0 }) })
const answer = { upstreamCalls: 0, queueWaitMs: undefined, split: undefined }
function once(i: number) {
  m.requestFinished(i % 3 === 0 ? 'upstream' : 'cache', 200, answer)
  const s = j.claim()
  s.time = Date.now(); s.app = 'default'; s.method = 'GET'; s.path = journalPath('/v2/users/me'); s.status = 200; s.source = 'cache'; s.cacheStatus = 'hubstaff-gateway; hit; ttl=3000'; s.upstreamCalls = 0; s.queueWaitMs = 0; s.durationMs = 0.4; s.id = 'req-1'
}
for (let i = 0; i < 200000; i++) once(i)
const N = 2_000_000
const t0 = process.hrtime.bigint()
for (let i = 0; i < N; i++) once(i)
const ns = Number(process.hrtime.bigint() - t0) / N
console.log(`${ns.toFixed(1)} ns per request`)
