// The conformance suite against FileBudgetStore (the embedded ledger in --state-dir), plus what
// only a file can get wrong: a reopened ledger keeps the window, a torn last line (kill -9 mid
// append) is ignored, and compaction rewrites the log without losing a stamp of the window.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { FileBudgetStore } from '../src/budget/file-store.js'
import { budgetStoreConformance, T0, WINDOW } from './budget-store-conformance.js'
import { tempDir } from './helpers/memory-token-store.js'

budgetStoreConformance(t, 'file', ({ windowMs, now }) => FileBudgetStore.open({ stateDir: tempDir(t, 'hsg-budget-'), windowMs, now }))

const open = (stateDir: string, now: () => number) => FileBudgetStore.open({ stateDir, windowMs: WINDOW, now, onWriteError: (err) => t.fail(String(err)) })

void t.test('file: a reopened ledger keeps the count, the apps and the pause', async (t) => {
  const dir = tempDir(t, 'hsg-budget-')
  const clock = { t: T0 }
  const first = await open(dir, () => clock.t)
  for (let i = 0; i < 4; i++) await first.take({ now: T0 + i * 1000, windowMs: WINDOW, cost: 1, limit: 5, app: i % 2 === 0 ? 'bot' : undefined })
  await first.pause(T0 + 5000)
  await first.close()

  clock.t = T0 + 1500
  const second = await open(dir, () => clock.t)
  t.teardown(() => second.close())
  t.same(await second.snapshot(T0 + 1500, WINDOW), { used: 4, oldest: T0, pausedUntil: T0 + 5000, byApp: { bot: 2 } }, 'nothing forgotten')
  t.match(await second.take({ now: T0 + 4000, windowMs: WINDOW, cost: 1, limit: 5 }), { granted: false, reason: 'paused', retryAt: T0 + 5000 }, 'still paused')
  t.same(await second.take({ now: T0 + WINDOW + 500, windowMs: WINDOW, cost: 1, limit: 5 }), { granted: true, used: 4 }, 'the old stamps still age out')

  clock.t = T0 + 4000 + 2 * WINDOW
  const third = await open(dir, () => clock.t)
  t.teardown(() => third.close())
  t.equal((await third.snapshot(clock.t, WINDOW)).used, 0, 'stamps older than the window are not loaded')
})

void t.test('file: a torn last line is ignored, and so are lines written after it', async (t) => {
  const dir = tempDir(t, 'hsg-budget-')
  const clock = { t: T0 }
  const first = await open(dir, () => clock.t)
  for (let i = 0; i < 3; i++) {
    clock.t = T0 + i
    await first.take({ now: clock.t, windowMs: WINDOW, cost: 1, limit: 10 })
  }
  await first.close()
  clock.t = T0 + 100
  // kill -9 in the middle of an append: half a stamp, no newline.
  appendFileSync(join(dir, 'budget.log'), String(T0 + 3).slice(0, 7))

  const second = await open(dir, () => clock.t)
  t.equal((await second.snapshot(clock.t, WINDOW)).used, 3, 'the torn line does not count')
  t.same(await second.take({ now: T0 + 200, windowMs: WINDOW, cost: 1, limit: 10 }), { granted: true, used: 4 })
  await second.close()

  const third = await open(dir, () => clock.t)
  t.teardown(() => third.close())
  const snap = await third.snapshot(T0 + 200, WINDOW)
  t.same({ used: snap.used, oldest: snap.oldest }, { used: 4, oldest: T0 }, 'the grant after the torn line survives, and no stamp is made of the two')
  t.same(await third.freeTimes(T0 + 200, WINDOW, 10), [T0, T0 + 1, T0 + 2, T0 + 200].map((s) => s + WINDOW))
})

void t.test('file: compaction keeps exactly the window', async (t) => {
  const dir = tempDir(t, 'hsg-budget-')
  const clock = { t: T0 }
  const store = await open(dir, () => clock.t)
  // 3000 grants, 20 ms apart (500 in the window): the log outgrows its bound (2048 lines, or four
  // windows) and is rewritten as the window.
  let granted = 0
  for (let i = 0; i < 3000; i++) {
    clock.t = T0 + i * 20
    if ((await store.take({ now: clock.t, windowMs: WINDOW, cost: 1, limit: 10_000, app: i % 5 === 0 ? 'bot' : undefined })).granted) granted++
  }
  t.equal(granted, 3000)
  const before = await store.snapshot(clock.t, WINDOW)
  await store.close()
  const lines = readFileSync(join(dir, 'budget.log'), 'utf8').split('\n').filter(Boolean)
  t.ok(lines.length < 3000, `the log was compacted (${lines.length} lines for 3000 grants)`)
  t.equal(before.used, 500, 'a window of 10 s holds the last 500 grants')

  const reopened = await open(dir, () => clock.t)
  t.teardown(() => reopened.close())
  t.same(await reopened.snapshot(clock.t, WINDOW), before, 'the reopened window is the one before')
  t.same(await reopened.freeTimes(clock.t, WINDOW, 3), (await store.freeTimes(clock.t, WINDOW, 3)), 'the same oldest stamps')
})

void t.test('file: a ledger that is not a log (garbage lines) loads what it can', async (t) => {
  const dir = tempDir(t, 'hsg-budget-')
  writeFileSync(join(dir, 'budget.log'), `not a stamp\n${T0}\n\n${T0 + 1} bot\nP x\n`)
  const store = await open(dir, () => T0 + 10)
  t.teardown(() => store.close())
  t.same(await store.snapshot(T0 + 10, WINDOW), { used: 2, oldest: T0, pausedUntil: 0, byApp: { bot: 1 } })
})
