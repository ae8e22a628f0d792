// Issue #14, item 2: two gateway processes on one state dir (the README invites it for the token)
// each granted the whole budget: 12 requests in a window of 10, two Hubstaff 429s. The file
// ledger is now shared under a lock file, as the token store is.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { pino } from 'pino'
import type { AppIdentity } from '../src/apps.js'
import { BudgetEngine } from '../src/budget/engine.js'
import { FileBudgetStore } from '../src/budget/file-store.js'

const ui: AppIdentity = { name: 'ui', priority: 'interactive', quota: undefined }
const TAKER = fileURLToPath(new URL('./helpers/ledger-taker.ts', import.meta.url))

void t.test('two ledgers on one state dir grant one budget between them', async (t) => {
  const dir = t.testdir()
  const clock = { now: 1_700_000_000_000 }
  const engines = await Promise.all(
    [0, 1].map(async () => {
      const store = await FileBudgetStore.open({ stateDir: dir, windowMs: 60_000, now: () => clock.now })
      const e = new BudgetEngine({ store, limit: 10, windowMs: 60_000, reserve: 0, defaultPauseMs: 5000, now: () => clock.now, logger: pino({ level: 'silent' }) })
      t.teardown(async () => {
        e.close()
        await store.close()
      })
      return e
    }),
  )
  const outcomes = await Promise.all(Array.from({ length: 24 }, (_, i) => (engines[i % 2] as BudgetEngine).acquire({ app: ui, waitMs: 0 }).then(() => 'granted', () => 'refused')))
  t.equal(outcomes.filter((o) => o === 'granted').length, 10, 'ten grants in all, not ten each')
  const [a, b] = await Promise.all(engines.map((e) => e.status()))
  t.equal(a?.used, 10, 'each sees the other one’s grants')
  t.equal(b?.used, 10)
  t.match((await (engines[1] as BudgetEngine).currentHeaders(ui)).ratelimit, /r=0;/)

  await engines[0]?.noteUpstream429(30_000)
  clock.now += 61_000
  const paused = await (engines[1] as BudgetEngine).acquire({ app: ui, waitMs: 0 }).then(() => 'granted', (e: unknown) => e)
  t.equal(paused, 'granted', 'the window moved on (the pause was shorter than it)')
})

void t.test('two processes taking as fast as they can grant one budget between them', async (t) => {
  const dir = t.testdir()
  // Both start taking at the same moment, once both have loaded (a few seconds on a busy machine).
  const startAt = String(Date.now() + 4000)
  const run = () =>
    new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, [...process.execArgv.filter((a) => a.startsWith('--import') || a.startsWith('--loader')), TAKER, dir, '300', '200', startAt], { stdio: ['ignore', 'pipe', 'inherit'] })
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
      child.on('error', reject)
      child.on('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`taker exited ${code}`))))
    })
  const [a, b] = await Promise.all([run(), run()])
  t.equal((a ?? 0) + (b ?? 0), 200, `200 grants between them (${a} + ${b}), not 200 each`)
})
