// Issue #14, item 2, under load: two gateways on one state dir (as two processes on one machine
// would be) share the budget ledger there. Hubstaff (the fake, limiting at the same budget and
// window) never has to refuse, and no window of its own request log holds more than the budget.
// (test/budget-two-processes-share-one-state-dir.test.ts shows the ledger across real processes.)
import t from 'tap'
import { request } from 'undici'
import { startFakeHubstaff } from './helpers/fake-hubstaff.js'
import { startTestGateway } from './helpers/gateway.js'
import { busiestWindow } from './helpers/busiest-window.js'

const BUDGET = 30
const WINDOW_S = 4
/**
 * Hubstaff counts a request when it arrives, the ledger when it is granted. Here the fake, both
 * gateways and the clients share one event loop, so on a loaded machine a granted request can
 * reach the fake seconds later: the margin covers that, as --budget-margin covers the network.
 */
const MARGIN_S = 3
const REQUESTS = 90
const CLIENTS = 20

void t.test(`two gateways, one state dir, ${REQUESTS} requests, a budget of ${BUDGET} per ${WINDOW_S} s`, { timeout: 180_000 }, async (t) => {
  const windowMs = WINDOW_S * 1000
  const fake = await startFakeHubstaff({ rateLimit: { limit: BUDGET, windowMs } })
  t.teardown(() => fake.close())
  const arrivals: number[] = []
  fake.requests.push = (...items) => {
    for (let i = 0; i < items.length; i++) arrivals.push(Date.now())
    return 0
  }
  const stateDir = t.testdir()
  const refreshToken = fake.issueRefreshToken()
  const settings = { upstream: fake.origin, authUrl: fake.origin, refreshToken, stateDir, budget: BUDGET, budgetWindow: WINDOW_S, budgetMargin: MARGIN_S, cache: 'off', logLevel: 'warn' }
  const gateways = [await startTestGateway(settings), await startTestGateway(settings)]
  for (const gw of gateways) t.teardown(() => gw.close())

  const statuses = new Map<number, number>()
  let next = 0
  const client = async (c: number) => {
    while (next < REQUESTS) {
      const i = next++
      const gw = gateways[(i + c) % 2] ?? gateways[0]
      const res = await request(`${gw?.address ?? ''}/v2/projects/20001/tasks?page_limit=5&n=${i}`, { headers: { prefer: 'wait=10' } })
      await res.body.dump()
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)))

  t.same([...statuses.keys()].filter((s) => s !== 200 && s !== 429), [], 'every answer is a 200 or the gateway 429')
  t.equal(fake.stats.rateLimited, 0, 'Hubstaff never answered 429')
  const busiest = busiestWindow(arrivals, windowMs)
  t.ok(busiest <= BUDGET, `no ${WINDOW_S} s of Hubstaff's log holds more than ${BUDGET} requests (busiest: ${busiest})`)
  t.ok(arrivals.length > BUDGET, `the budget was used, window after window (${arrivals.length} upstream)`)
  t.comment(`statuses ${JSON.stringify(Object.fromEntries(statuses))}; upstream ${arrivals.length}`)
})
