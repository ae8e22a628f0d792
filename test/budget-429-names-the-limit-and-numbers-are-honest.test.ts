// Issue #14, item 9: the numbers apps see under pressure. A batch app stopped by the interactive
// reserve was told the whole budget was spent (while RateLimit said r=20); a 10-second window was
// called "hourly"; a 429 suggested `Prefer: wait=3431` beyond --budget-max-wait; a second instance
// on a shared ledger showed a stale `r`; during a Redis outage `r` said 985 while the instance could
// grant 500; `--budget-reserve` >= `--budget` was accepted.
import t, { type Test } from 'tap'
import { pino } from 'pino'
import type { AppIdentity } from '../src/apps.js'
import { BudgetEngine, type BudgetEngineOptions } from '../src/budget/engine.js'
import { MemoryBudgetStore } from '../src/budget/file-store.js'
import type { BudgetSnapshot } from '../src/budget/store.js'
import { GatewayError } from '../src/errors.js'
import { runCli } from './helpers/cli-in-process.js'
import { startTestGateway } from './helpers/gateway.js'
import { Clock } from './helpers/memory-token-store.js'

const interactive: AppIdentity = { name: 'ui', priority: 'interactive', quota: undefined }
const batch: AppIdentity = { name: 'nightly', priority: 'batch', quota: undefined }
const small: AppIdentity = { name: 'bot', priority: 'interactive', quota: 0.2 }

function engine(t: Test, clock: Clock, options: Partial<BudgetEngineOptions> = {}): BudgetEngine {
  const e = new BudgetEngine({ store: new MemoryBudgetStore(), limit: 10, windowMs: 3600_000, reserve: 4, defaultPauseMs: 60_000, now: clock.now, logger: pino({ level: 'silent' }), ...options })
  t.teardown(() => e.close())
  return e
}

async function refusal(promise: Promise<unknown>): Promise<GatewayError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(err instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(err)}`)
  return err
}

void t.test('a 429 names the limit that applied', async (t) => {
  const clock = new Clock()
  const e = engine(t, clock)
  for (let i = 0; i < 6; i++) await e.acquire({ app: batch, waitMs: 0 })
  const reserve = await refusal(e.acquire({ app: batch, waitMs: 0 }))
  t.equal(reserve.code, 'HSG_BUDGET_EXHAUSTED')
  t.equal(reserve.extensions.limit, 'reserve')
  t.match(reserve.message, /reserve/)
  t.notMatch(reserve.message, /spent its budget/)
  t.match(e.headers(batch).ratelimit, /r=0;/, 'the batch app is told it has nothing left')
  t.match(e.headers(interactive).ratelimit, /r=4;/, 'an interactive app still has the reserve')

  await e.acquire({ app: small, waitMs: 0 })
  await e.acquire({ app: small, waitMs: 0 })
  const quota = await refusal(e.acquire({ app: small, waitMs: 0 }))
  t.equal(quota.extensions.limit, 'app-quota')
  t.match(quota.message, /quota/)
  t.match(e.headers(small).ratelimit, /r=0;/, "the app's r is its quota's")

  await e.acquire({ app: interactive, waitMs: 0 })
  await e.acquire({ app: interactive, waitMs: 0 })
  const whole = await refusal(e.acquire({ app: interactive, waitMs: 0 }))
  t.equal(whole.extensions.limit, 'budget')

  await e.noteUpstream429(30_000)
  const paused = await refusal(e.acquire({ app: interactive, waitMs: 0 }))
  t.equal(paused.extensions.limit, 'upstream-pause')
})

void t.test('the policy is named after the window', (t) => {
  const clock = new Clock()
  const ten = engine(t, clock, { windowMs: 10_000 })
  t.notMatch(ten.headers()['ratelimit-policy'], /hourly/)
  t.match(ten.headers()['ratelimit-policy'], /^"10s";q=10;w=10$/)
  t.match(ten.headers().ratelimit, /^"10s";r=10;t=0$/)
  const hour = engine(t, clock)
  t.equal(hour.headers()['ratelimit-policy'], '"hourly";q=10;w=3600', 'the CONTRACT example stays')
  t.end()
})

void t.test('a suggested wait never exceeds --budget-max-wait', async (t) => {
  const clock = new Clock()
  const e = engine(t, clock, { reserve: 0, maxWaitMs: 60_000 })
  for (let i = 0; i < 10; i++) await e.acquire({ app: interactive, waitMs: 0 })
  clock.advance(100_000)
  const err = await refusal(e.acquire({ app: interactive, waitMs: 0 }))
  t.equal(err.headers['retry-after'], '3500', 'Retry-After stays true to the ledger')
  const wait = /wait=(\d+)/.exec(err.message)
  t.ok(wait === null || Number(wait[1]) <= 60, `no Prefer: wait beyond 60 s suggested: ${err.message}`)
})

void t.test('an instance that takes nothing still shows the shared figure, at most 1 s old', async (t) => {
  const clock = new Clock()
  const shared = new MemoryBudgetStore()
  const a = engine(t, clock, { store: shared, reserve: 0 })
  const b = engine(t, clock, { store: shared, reserve: 0 })
  await a.acquire({ app: interactive, waitMs: 0 })
  await a.acquire({ app: interactive, waitMs: 0 })
  t.match((await b.currentHeaders(interactive)).ratelimit, /r=8;/, 'not r=10 with 2 already spent')
  for (let i = 0; i < 3; i++) await a.acquire({ app: interactive, waitMs: 0 })
  clock.advance(1001)
  t.match((await b.currentHeaders(interactive)).ratelimit, /r=5;/)
})

void t.test('r never exceeds what this instance may grant (a share while Redis is away)', async (t) => {
  const clock = new Clock()
  const store = new MemoryBudgetStore()
  const outage = Object.assign(Object.create(store) as MemoryBudgetStore, {
    snapshot: async (now: number, windowMs: number): Promise<BudgetSnapshot> => ({ ...(await store.snapshot(now, windowMs)), share: 2 }),
  })
  const e = engine(t, clock, { store: outage, reserve: 0, limit: 1000 })
  for (let i = 0; i < 15; i++) await store.take({ now: clock.t, windowMs: 3600_000, cost: 1, limit: 1000 })
  t.match((await e.currentHeaders(interactive)).ratelimit, /r=485;/, 'half the budget, less what this instance spent')
})

void t.test('--budget-reserve must be below --budget', async (t) => {
  await t.rejects(startTestGateway({ stateDir: t.testdir(), budget: 10, budgetReserve: 10 }), {
    code: 'HSG_CONFIG_INVALID',
    message: /--budget-reserve 10.*--budget 10/,
  })
  const cli = await runCli(['--budget', '10', '--budget-reserve', '10', '--port', '0', '--state-dir', t.testdir()])
  t.equal(cli.code, 2, 'start-up stops with exit code 2')
  t.match(cli.stderr, /^hubstaff-gateway: invalid --budget-reserve 10: expected fewer than --budget 10[^\n]*\n$/, 'one line naming both settings')
})
