// Load: many apps at once, most asking for something new, a budget far smaller than the demand
// and a short window, so that the window turns over many times during the run. Hubstaff (the
// fake, limiting at the same budget and window) must never have to refuse, no window of its own
// request log may hold more than the budget, and every app gets an answer: 200 (from Hubstaff or
// the cache) or the gateway's 429 with Retry-After.
//
// Sizes (npm run test:soak raises them): RELIABILITY_CLIENTS (200), RELIABILITY_REQUESTS (20000),
// RELIABILITY_BUDGET (1000), RELIABILITY_WINDOW seconds (3), RELIABILITY_MARGIN seconds (1.5).
import { spawn } from 'node:child_process'
import { createServer, type AddressInfo } from 'node:net'
import t from 'tap'
import { Pool, request } from 'undici'
import { startFakeHubstaff } from './helpers/fake-hubstaff.js'
import { BIN, BUILT, cleanEnv, NOT_BUILT } from './helpers/gateway.js'
import { busiestWindow } from './helpers/busiest-window.js'

const CLIENTS = Number(process.env.RELIABILITY_CLIENTS ?? 200)
const REQUESTS = Number(process.env.RELIABILITY_REQUESTS ?? 20_000)
const BUDGET = Number(process.env.RELIABILITY_BUDGET ?? 1000)
const WINDOW_S = Number(process.env.RELIABILITY_WINDOW ?? 3)
// Hubstaff counts a request when it arrives, the gateway when it leaves. On a busy 2-core machine
// running the clients, the fake and the gateway, the way between can take a second, so each slot is
// kept that much longer (--budget-margin; without it this test finds Hubstaff answering 429).
const MARGIN_S = Number(process.env.RELIABILITY_MARGIN ?? 1.5)

/**
 * The built gateway in a process of its own, logging warnings only (a line per request would
 * measure the log), on a port chosen here; ready once its health route answers.
 */
async function quietGateway(args: string[], refreshToken: string): Promise<{ address: string; kill: () => void }> {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
  const child = spawn(process.execPath, [BIN, '--port', String(port), '--log-level', 'warn', ...args], {
    env: cleanEnv({ HUBSTAFF_REFRESH_TOKEN: refreshToken }),
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const address = `http://127.0.0.1:${port}`
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}`)
    const up = await request(`${address}/_gateway/health`).then(
      (res) => res.body.dump().then(() => res.statusCode === 200),
      () => false,
    )
    if (up) return { address, kill: () => void child.kill('SIGKILL') }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  child.kill('SIGKILL')
  throw new Error('the gateway did not answer its health route within 15 s')
}

void t.test(`${CLIENTS} clients, ${REQUESTS} requests, a budget of ${BUDGET} per ${WINDOW_S} s`, { timeout: 600_000, skip: BUILT ? false : NOT_BUILT }, async (t) => {
  const windowMs = WINDOW_S * 1000
  // The gateway in a process of its own, as deployed: the clients and the fake share this one.
  const fake = await startFakeHubstaff({ rateLimit: { limit: BUDGET, windowMs } })
  t.teardown(() => fake.close())
  const gw = await quietGateway([
    '--state-dir', t.testdir(), '--upstream', fake.origin, '--auth-url', fake.origin,
    '--budget', String(BUDGET), '--budget-window', String(WINDOW_S), '--budget-margin', String(MARGIN_S),
  ], fake.issueRefreshToken())
  t.teardown(() => gw.kill())
  // When each request reached Hubstaff, by wrapping the fake's own request log.
  const arrivals: number[] = []
  // (Only the times are kept: the log itself would hold every header of every request.)
  fake.requests.push = (...items) => {
    for (let i = 0; i < items.length; i++) arrivals.push(Date.now())
    return 0
  }

  const pool = new Pool(gw.address, { connections: CLIENTS, pipelining: 1 })
  t.teardown(() => pool.close())
  const statuses = new Map<number, number>()
  const unexplained: string[] = []
  let cacheHits = 0
  let next = 0
  const client = async () => {
    while (next < REQUESTS) {
      const i = next++
      // A quarter asks what another app asked a moment ago (a cache hit, or one request for all);
      // the rest ask something new each time.
      const path = i % 4 === 0 ? '/v2/users/me' : `/v2/projects/20001/tasks?page_limit=5&n=${i}`
      const res = await pool.request({ method: 'GET', path })
      const text = await res.body.text()
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
      if (res.headers['x-gateway-source'] === 'cache') cacheHits++
      const fine =
        res.statusCode === 200 ||
        (res.statusCode === 429 &&
          /^\d+$/.test(String(res.headers['retry-after'])) &&
          String(res.headers['content-type']).startsWith('application/problem+json') &&
          text.includes('HSG_BUDGET_EXHAUSTED'))
      if (!fine && unexplained.length < 5) unexplained.push(`${res.statusCode} ${String(res.headers['content-type'])} ${text.slice(0, 200)}`)
    }
  }
  const started = Date.now()
  await Promise.all(Array.from({ length: CLIENTS }, client))
  const seconds = (Date.now() - started) / 1000

  const answered = [...statuses.values()].reduce((a, b) => a + b, 0)
  t.equal(answered, REQUESTS, 'every request was answered')
  t.same(unexplained, [], 'each answer is a 200 or the gateway 429 with Retry-After')
  t.equal(fake.stats.rateLimited, 0, 'Hubstaff never answered 429')
  t.ok(busiestWindow(arrivals, windowMs) <= BUDGET, `no ${WINDOW_S} s of Hubstaff's log holds more than ${BUDGET} requests (busiest: ${busiestWindow(arrivals, windowMs)})`)
  t.ok((statuses.get(200) ?? 0) > BUDGET, 'the budget was used, window after window')
  t.ok(cacheHits > 0, 'repeated questions were answered from the cache')
  t.comment(`${seconds.toFixed(1)} s, ${Math.round(REQUESTS / seconds)} req/s; statuses ${JSON.stringify(Object.fromEntries(statuses))}; upstream ${arrivals.length}; cache hits ${cacheHits}`)

  const after = await pool.request({ method: 'GET', path: '/_gateway/health' })
  t.equal(after.statusCode, 200, 'healthy afterwards')
  await after.body.dump()
})
