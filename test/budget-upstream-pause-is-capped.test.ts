// Issue #14, item 4: Hubstaff (or anything in front of it) answering 429 with Retry-After: 31536000
// paused every app for a year, and the pause survived restarts. A pause is capped by
// --budget-max-pause (default one window), the ledger never keeps more than the cap, and the token
// endpoint's Retry-After is capped the same way.
import t from 'tap'
import { pino } from 'pino'
import { BudgetEngine } from '../src/budget/engine.js'
import { FileBudgetStore, MemoryBudgetStore } from '../src/budget/file-store.js'
import { TokenEndpointError } from '../src/token/exchange.js'
import { TokenManager } from '../src/token/manager.js'
import { testConfig } from './helpers/gateway.js'
import { Clock, MemoryTokenStore, StubExchange, silentLogger } from './helpers/memory-token-store.js'

const YEAR_MS = 31_536_000_000
const WINDOW_MS = 3600_000
const app = { name: 'a', priority: 'interactive', quota: undefined } as const

void t.test('an upstream Retry-After of a year pauses for one window at most', async (t) => {
  const clock = new Clock()
  const engine = new BudgetEngine({ store: new MemoryBudgetStore(), limit: 1000, windowMs: WINDOW_MS, reserve: 0, defaultPauseMs: 60_000, now: clock.now, logger: pino({ level: 'silent' }) })
  t.teardown(() => engine.close())
  const until = await engine.noteUpstream429(YEAR_MS)
  t.equal(until, clock.t + WINDOW_MS, 'capped at one window')
  const status = await engine.status()
  t.equal(status.pausedUntil, new Date(clock.t + WINDOW_MS).toISOString())
  clock.advance(WINDOW_MS + 1)
  t.equal(await engine.acquire({ app, waitMs: 0 }), 0, 'traffic flows once the capped pause ends')
})

void t.test('--budget-max-pause sets the cap', async (t) => {
  t.equal(testConfig({}).budgetMaxPause, undefined, 'default: one --budget-window')
  t.equal(testConfig({ budgetMaxPause: 90 }).budgetMaxPause, 90)
  const clock = new Clock()
  const engine = new BudgetEngine({ store: new MemoryBudgetStore(), limit: 1000, windowMs: WINDOW_MS, reserve: 0, defaultPauseMs: 60_000, maxPauseMs: 90_000, now: clock.now, logger: pino({ level: 'silent' }) })
  t.teardown(() => engine.close())
  t.equal(await engine.noteUpstream429(YEAR_MS), clock.t + 90_000)
})

void t.test('a year-long pause already in the ledger is cut to the cap when it is read', async (t) => {
  const clock = new Clock()
  const dir = t.testdir({ 'budget.log': `P ${clock.t + YEAR_MS}\n` })
  const store = await FileBudgetStore.open({ stateDir: dir, windowMs: WINDOW_MS, now: clock.now, maxPauseMs: WINDOW_MS })
  t.teardown(() => store.close())
  const snap = await store.snapshot(clock.t, WINDOW_MS)
  t.equal(snap.pausedUntil, clock.t + WINDOW_MS)
})

void t.test("the token endpoint's 429 backs off no longer than the cap", async (t) => {
  const clock = new Clock()
  const store = new MemoryTokenStore()
  const exchange = new StubExchange(clock.now)
  exchange.behaviour = () => {
    throw new TokenEndpointError('transient', 'token endpoint answered 429', { status: 429, retryAfterMs: YEAR_MS })
  }
  const manager = new TokenManager({ store, seed: 'seed-0', exchange: exchange.fn, refreshMarginMs: 120_000, maxPauseMs: WINDOW_MS, logger: silentLogger(), now: clock.now })
  t.teardown(() => manager.close())
  await manager.init()
  await t.rejects(manager.accessToken(), { code: 'HSG_AUTH_REFRESH_UNAVAILABLE' })
  const err = (await manager.accessToken().then(() => undefined, (e: unknown) => e)) as { headers?: Record<string, string> } | undefined
  const retryAfter = err?.headers?.['retry-after']
  t.ok(Number(retryAfter) <= WINDOW_MS / 1000, `Retry-After ${retryAfter} s`)
  clock.advance(WINDOW_MS + 1)
  exchange.behaviour = undefined
  t.type(await manager.accessToken(), 'string', 'the token endpoint is tried again after the cap')
})
