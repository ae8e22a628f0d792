// Issue #14, item 1: one app's waiting requests held back every other app, a request its own
// quota could never serve in time waited its whole wait for a 429, and slot estimates looked only
// one window ahead, so a wait beyond one window was promised and broken.
import t from 'tap'
import { pino } from 'pino'
import type { AppIdentity } from '../src/apps.js'
import { BudgetEngine } from '../src/budget/engine.js'
import { MemoryBudgetStore } from '../src/budget/file-store.js'

const alpha: AppIdentity = { name: 'alpha', priority: 'interactive', quota: 0.1 }
const beta: AppIdentity = { name: 'beta', priority: 'interactive', quota: undefined }
const ui: AppIdentity = { name: 'ui', priority: 'interactive', quota: undefined }
const nightly: AppIdentity = { name: 'nightly', priority: 'batch', quota: undefined }

function engine(clock: { now: number }, limit: number, windowMs: number) {
  return new BudgetEngine({ store: new MemoryBudgetStore(), limit, windowMs, reserve: 0, defaultPauseMs: 5_000, now: () => clock.now, logger: pino({ level: 'silent' }) })
}

/** What a promise has come to within a few real milliseconds: the answer, the error, or 'pending'. */
async function soon(p: Promise<unknown>): Promise<unknown> {
  return Promise.race([p.then((v) => v, (e: unknown) => e), new Promise((r) => setTimeout(() => r('pending'), 30))])
}

void t.test("an app waiting on its own quota holds back no other app, and is refused at once when the quota can't serve it in time", async (t) => {
  const clock = { now: 1_000_000 }
  const e = engine(clock, 50, 60_000)
  t.teardown(() => e.close())
  for (let i = 0; i < 5; i++) await e.acquire({ app: alpha, waitMs: 0 })
  await e.acquire({ app: beta, waitMs: 0 })
  clock.now += 10_000

  const hopeless = await soon(e.acquire({ app: alpha, waitMs: 30_000 }))
  t.match(hopeless, { code: 'HSG_BUDGET_EXHAUSTED', extensions: { limit: 'app-quota' }, headers: { 'retry-after': '50' } }, 'refused at once, naming the quota')
  t.match((hopeless as Error).message, /quota/)

  const alphaWaits = e.acquire({ app: alpha, waitMs: 55_000 })
  t.equal(await soon(alphaWaits), 'pending', 'a slot of its quota frees within 55 s: it queues')
  t.equal(await soon(e.acquire({ app: beta, waitMs: 0 })), 0, 'beta is served at once: 43 slots are free')
  t.equal(await soon(e.acquire({ app: beta, waitMs: 5_000 })), 0, 'and without queueing behind alpha')
  clock.now += 50_001
  t.ok((await alphaWaits) >= 0, 'alpha is served once its quota frees')
})

void t.test('a wait beyond one window is estimated across windows', async (t) => {
  const clock = { now: 1_000_000 }
  const e = engine(clock, 5, 60_000)
  t.teardown(() => e.close())
  for (let i = 0; i < 5; i++) await e.acquire({ app: ui, waitMs: 0 })
  clock.now += 50_000
  // 5 slots a minute, the next ones freeing in 10 s: within 300 s, slots at 10, 70, 130, 190 and 250 s.
  const outcomes = await Promise.all(Array.from({ length: 40 }, () => soon(e.acquire({ app: ui, waitMs: 300_000 }))))
  const refused = outcomes.filter((o) => o !== 'pending')
  t.equal(refused.length, 15, 'the 15 that cannot be served within 300 s are refused at once')
  t.equal(e.queued, 25, 'the 25 that can be served wait')
  t.match(refused[0], { code: 'HSG_BUDGET_EXHAUSTED', headers: { 'retry-after': '310' } }, 'Retry-After of the slot that would serve it')
  e.close()
})

void t.test('interactive goes before batch, but batch waits no longer than the starvation bound', async (t) => {
  const clock = { now: 1_000_000 }
  const e = engine(clock, 1, 10_000)
  t.teardown(() => e.close())
  await e.acquire({ app: ui, waitMs: 0 })
  const order: string[] = []
  const batchDone = e.acquire({ app: nightly, waitMs: 120_000 }).then(() => order.push('batch'))
  let uiDone = e.acquire({ app: ui, waitMs: 120_000 }).then(() => order.push('ui-1'))
  for (let round = 2; round <= 4; round++) {
    clock.now += 10_001
    await Promise.race([uiDone, batchDone])
    await new Promise((r) => setTimeout(r, 5))
    const n = round
    uiDone = e.acquire({ app: ui, waitMs: 120_000 }).then(() => order.push(`ui-${n}`))
  }
  clock.now += 10_001
  await batchDone
  t.same(order.slice(0, 4), ['ui-1', 'ui-2', 'ui-3', 'batch'], 'batch is served once it has waited 30 s, although interactive requests still wait')
  e.close()
  await uiDone.catch(() => undefined)
})
