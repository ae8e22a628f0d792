// Two FileBudgetStores on one state dir (two gateway processes) must count each other's grants:
// no window of the shared ledger may ever hold more stamps than the limit, however late a take
// runs after its caller read the clock (a loaded machine, a wait for the lock), and whatever
// compactions the other store did in between.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { FileBudgetStore } from '../src/budget/file-store.js'
import { T0, WINDOW } from './budget-store-conformance.js'
import { tempDir } from './helpers/memory-token-store.js'
import { busiestWindow } from './helpers/busiest-window.js'

const LIMIT = 30

/** The largest number of grant stamps of the log inside any window (t - WINDOW, t]. */
function ledgerBusiestWindow(dir: string): number {
  const stamps = readFileSync(join(dir, 'budget.log'), 'utf8')
    .split('\n')
    .filter((line) => /^\d+/.test(line))
    .map((line) => Number(line.split(' ')[0]))
  return busiestWindow(stamps, WINDOW)
}

async function twoStores(t: Test) {
  const dir = tempDir(t, 'hsg-budget-')
  const clock = { t: T0 }
  const open = () => FileBudgetStore.open({ stateDir: dir, windowMs: WINDOW, now: () => clock.t, onWriteError: (err) => t.fail(String(err)) })
  const a = await open()
  const b = await open()
  t.teardown(async () => {
    await a.close()
    await b.close()
  })
  return { dir, clock, a, b }
}

void t.test('a take that runs after its caller read the clock still sees every grant of the other store', async (t) => {
  const { dir, clock, a, b } = await twoStores(t)
  // A fills the window, one grant a ms.
  for (let i = 0; i < LIMIT; i++) {
    clock.t = T0 + i
    t.equal((await a.take({ now: clock.t, windowMs: WINDOW, cost: 1, limit: LIMIT })).granted, true)
  }
  // B's caller read the clock 1 ms before A's oldest stamp left the window, but the take ran 20 ms
  // later (it waited for the lock): by then the 20 oldest have left.
  clock.t = T0 + WINDOW + 19
  const late = await b.take({ now: T0 + WINDOW - 1, windowMs: WINDOW, cost: 1, limit: LIMIT })
  t.equal(late.granted, true, 'the slots that left by the time the take ran are free')
  t.ok(ledgerBusiestWindow(dir) <= LIMIT, `no window of the ledger holds more than ${LIMIT} grants (busiest: ${ledgerBusiestWindow(dir)})`)
  // Both stores agree: at the time the grant was made, the window holds A's last 10 and B's one.
  t.equal((await a.snapshot(clock.t, WINDOW)).used, 11)
  t.equal((await b.snapshot(clock.t, WINDOW)).used, 11)
  // And A, on a clock that is on time, does not get the slot that B took.
  for (let i = 0; i < 20; i++) await a.take({ now: clock.t, windowMs: WINDOW, cost: 1, limit: LIMIT })
  t.match(await a.take({ now: clock.t, windowMs: WINDOW, cost: 1, limit: LIMIT }), { granted: false, reason: 'window' }, 'the window is full again')
  t.ok(ledgerBusiestWindow(dir) <= LIMIT, `still no more than ${LIMIT} grants in any window (busiest: ${ledgerBusiestWindow(dir)})`)
})

void t.test('compactions by one store between the takes of the other lose and repeat no grant', async (t) => {
  const { dir, clock, a, b } = await twoStores(t)
  const limit = 10_000
  // Grants 20 ms apart (500 in the window): A compacts every couple of thousand lines; B takes now
  // and then, after one, several or no compactions since its last read.
  let granted = 0
  for (let i = 0; i < 9000; i++) {
    clock.t = T0 + i * 20
    const store = i % 997 === 0 || (i > 6000 && i % 3 === 0) ? b : a
    if ((await store.take({ now: clock.t, windowMs: WINDOW, cost: 1, limit })).granted) granted++
    if (i % 1500 === 0 || i === 8999) {
      const [sa, sb] = [await a.snapshot(clock.t, WINDOW), await b.snapshot(clock.t, WINDOW)]
      const held = Math.min(i + 1, 500)
      if (sa.used !== held || sb.used !== held) t.fail(`after ${i + 1} grants: A counts ${sa.used}, B ${sb.used}, the window holds ${held}`)
    }
  }
  t.equal(granted, 9000, 'every grant fits')
  t.ok(readFileSync(join(dir, 'budget.log'), 'utf8').split('\n').length < 9000, 'the log was compacted')
  t.equal((await a.snapshot(clock.t, WINDOW)).used, 500, 'A counts the whole window')
  t.equal((await b.snapshot(clock.t, WINDOW)).used, 500, 'B counts the whole window')
  t.equal(ledgerBusiestWindow(dir), 500)
})
