// Memory stays flat however many times an answer is served from the cache: nothing per request
// (the journal, the metrics, the budget history, loggers, listeners) may pile up.
//
// RELIABILITY_HITS (10000 here; npm run test:soak asks 1000000).
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import t from 'tap'
import { Pool } from 'undici'
import { startLiveGateway } from './helpers/gateway.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const HITS = Number(process.env.RELIABILITY_HITS ?? 10_000)
const WARMUP = 5000
const ALLOWED_GROWTH = 8 * 1024 * 1024

function memory(): number {
  for (let i = 0; i < 4; i++) gc()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

void t.test(`${HITS} cache hits leave memory where it was`, { timeout: 3_600_000 }, async (t) => {
  const { fake, gw } = await startLiveGateway(t, { logLevel: 'warn' })
  const pool = new Pool(gw.address, { connections: 16 })
  t.teardown(() => pool.close())
  let sent = 0
  const hit = async (until: number) => {
    while (sent < until) {
      sent++
      const res = await pool.request({ method: 'GET', path: '/v2/organizations/1001/projects' })
      if (res.headers['x-gateway-source'] !== 'cache') throw new Error(`not a cache hit: ${res.statusCode}`)
      await res.body.dump()
    }
  }
  const run = (until: number) => Promise.all(Array.from({ length: 16 }, () => hit(until)))
  const first = await pool.request({ method: 'GET', path: '/v2/organizations/1001/projects' })
  t.equal(first.statusCode, 200)
  await first.body.dump()
  await run(WARMUP)
  const before = memory()
  const started = Date.now()
  await run(WARMUP + HITS)
  const seconds = (Date.now() - started) / 1000
  const after = memory()
  t.equal(fake.stats.apiRequests, 1, 'one upstream request served them all')
  t.ok(after - before < ALLOWED_GROWTH, `memory grew by ${((after - before) / 1024 / 1024).toFixed(2)} MB over ${HITS} hits (allowed ${ALLOWED_GROWTH / 1024 / 1024} MB)`)
  t.comment(`${Math.round(HITS / seconds)} hits/s; heap + buffers ${(before / 1024 / 1024).toFixed(1)} MB before, ${(after / 1024 / 1024).toFixed(1)} MB after`)
})
