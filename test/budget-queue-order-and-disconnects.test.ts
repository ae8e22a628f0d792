import t from 'tap'
import { pino } from 'pino'
import type { AppIdentity } from '../src/apps.js'
import { BudgetEngine } from '../src/budget/engine.js'
import { MemoryBudgetStore } from '../src/budget/file-store.js'
import { RequestAborted } from '../src/upstream/client.js'

const interactive: AppIdentity = { name: 'ui', priority: 'interactive', quota: undefined }
const batch: AppIdentity = { name: 'export', priority: 'batch', quota: undefined }

function engine(limit: number, clock: { now: number }) {
  return new BudgetEngine({
    store: new MemoryBudgetStore(),
    limit,
    windowMs: 10_000,
    reserve: 0,
    defaultPauseMs: 5_000,
    now: () => clock.now,
    logger: pino({ level: 'silent' }),
  })
}

void t.test('when slots are scarce, interactive waiters go before batch ones, each in arrival order', async (t) => {
  const clock = { now: 1_000_000 }
  const e = engine(2, clock)
  t.teardown(() => e.close())
  await e.acquire({ app: interactive, waitMs: 0 })
  clock.now += 1000
  await e.acquire({ app: interactive, waitMs: 0 })
  const order: string[] = []
  const waiters = [
    e.acquire({ app: batch, waitMs: 60_000 }).then(() => order.push('batch-1')),
    e.acquire({ app: interactive, waitMs: 60_000 }).then(() => order.push('ui-1')),
    e.acquire({ app: batch, waitMs: 60_000 }).then(() => order.push('batch-2')),
    e.acquire({ app: interactive, waitMs: 60_000 }).then(() => order.push('ui-2')),
  ]
  await new Promise((r) => setTimeout(r, 20))
  t.same(order, [], 'nobody is served while the window is full')
  // Free the two slots (one at a time), then two more.
  clock.now += 20_000
  await Promise.all(waiters.slice(1, 2).concat(waiters.slice(3, 4)))
  clock.now += 20_000
  await Promise.all(waiters)
  t.same(order, ['ui-1', 'ui-2', 'batch-1', 'batch-2'])
})

void t.test('a queued request whose client leaves is dropped and not charged', async (t) => {
  const clock = { now: 1_000_000 }
  const e = engine(1, clock)
  t.teardown(() => e.close())
  await e.acquire({ app: interactive, waitMs: 0 })
  const abort = new AbortController()
  const gone = e.acquire({ app: interactive, waitMs: 60_000, signal: abort.signal })
  const stays = e.acquire({ app: interactive, waitMs: 60_000 })
  abort.abort()
  await t.rejects(gone, RequestAborted)
  t.match(await e.status(), { queued: 1, used: 1 })
  clock.now += 10_001
  await stays
  t.match(await e.status(), { queued: 0, used: 1 }, 'only the request that stayed took the freed slot')
})

void t.test('a deadline that cannot be met is refused at once with the true Retry-After', async (t) => {
  const clock = { now: 1_000_000 }
  const e = engine(1, clock)
  t.teardown(() => e.close())
  await e.acquire({ app: interactive, waitMs: 0 })
  clock.now += 4_000
  const err = await e.acquire({ app: interactive, waitMs: 3_000 }).catch((x: unknown) => x)
  t.match(err, { code: 'HSG_BUDGET_EXHAUSTED', status: 429, headers: { 'retry-after': '6' } })
  t.match(await e.status(), { queued: 0, refused: 1 })
})

void t.test('a pause from an upstream 429 holds every request until it ends', async (t) => {
  const clock = { now: 1_000_000 }
  const e = engine(100, clock)
  t.teardown(() => e.close())
  await e.noteUpstream429(undefined)
  const err = await e.acquire({ app: interactive, waitMs: 0 }).catch((x: unknown) => x)
  t.match(err, { code: 'HSG_BUDGET_EXHAUSTED', headers: { 'retry-after': '5' } }, 'the default pause applies without Retry-After')
  t.match(e.headers(), { ratelimit: '"10s";r=0;t=5' })
  clock.now += 5_001
  await e.acquire({ app: interactive, waitMs: 0 })
  t.pass('served after the pause')
})

void t.test('closing rejects whoever still waits', async (t) => {
  const clock = { now: 1_000_000 }
  const e = engine(1, clock)
  await e.acquire({ app: interactive, waitMs: 0 })
  const waiting = e.acquire({ app: interactive, waitMs: 60_000 })
  e.close()
  await t.rejects(waiting, { code: 'HSG_SHUTTING_DOWN' })
})
