// Issue #12: requests queued with `Prefer: wait` each hold an app's connection; beyond
// --budget-max-queue the next one gets 429 HSG_BUDGET_QUEUE_FULL at once, with a Retry-After true
// to the ledger, instead of joining an unbounded queue. Those already queued are served as before.
import t from 'tap'
import { pino } from 'pino'
import { request } from 'undici'
import type { AppIdentity } from '../src/apps.js'
import { BudgetEngine } from '../src/budget/engine.js'
import { MemoryBudgetStore } from '../src/budget/file-store.js'
import { GatewayError } from '../src/errors.js'
import { startLiveGateway } from './helpers/gateway.js'

const app: AppIdentity = { name: 'ui', priority: 'interactive', quota: undefined }

void t.test('the engine refuses a waiter past the cap, at once', async (t) => {
  const clock = { now: 1_000_000 }
  const engine = new BudgetEngine({
    store: new MemoryBudgetStore(),
    limit: 1,
    windowMs: 10_000,
    reserve: 0,
    defaultPauseMs: 5_000,
    now: () => clock.now,
    logger: pino({ level: 'silent' }),
    maxQueued: 2,
  })
  t.teardown(() => engine.close())
  await engine.acquire({ app, waitMs: 0 })
  const queued = [engine.acquire({ app, waitMs: 60_000 }), engine.acquire({ app, waitMs: 60_000 })]
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(engine.queued, 2)
  const refused = await engine.acquire({ app, waitMs: 60_000 }).then(
    () => undefined,
    (err: unknown) => err,
  )
  t.type(refused, GatewayError)
  t.match(refused, { code: 'HSG_BUDGET_QUEUE_FULL', status: 429, headers: { 'retry-after': /^\d+$/ }, message: /--budget-max-queue 2/ })
  t.equal(engine.queued, 2, 'the refused one never joined')
  t.match(await engine.acquire({ app, waitMs: 0 }).catch((err: unknown) => err), { code: 'HSG_BUDGET_EXHAUSTED' }, 'a request that does not wait is refused as before')

  clock.now += 10_001
  await queued[0]
  clock.now += 10_001
  await queued[1]
  t.equal(engine.queued, 0, 'the queued ones were served in turn')
})

void t.test('over HTTP: --budget-max-queue 1', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { budget: 1, budgetWindow: 60, budgetMaxQueue: 1, cache: 'off' })
  const first = await request(`${gw.address}/v2/users/me`)
  await first.body.dump()
  t.equal(first.statusCode, 200)

  const leave = new AbortController()
  const waiting = request(`${gw.address}/v2/users/me`, { headers: { prefer: 'wait=300' }, signal: leave.signal }).catch((err: unknown) => err)
  // Bounded poll, not a sleep: the first waiter has joined the queue once the status says so.
  let joined = false
  for (let i = 0; i < 500; i++) {
    const status = (await (await request(`${gw.address}/_gateway/status`)).body.json()) as { budget: { queued: number } }
    joined = status.budget.queued === 1
    if (joined) break
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  t.ok(joined, 'the first waiter is queued')
  const res = await request(`${gw.address}/v2/users/me`, { headers: { prefer: 'wait=300' } })
  t.equal(res.statusCode, 429)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(res.headers['retry-after'], /^\d+$/, 'with Retry-After')
  t.match(await res.body.json(), { code: 'HSG_BUDGET_QUEUE_FULL', queued: 1, retryAfter: Number })
  t.equal(fake.stats.apiRequests, 1, 'nothing more went upstream')
  leave.abort()
  await waiting
})
