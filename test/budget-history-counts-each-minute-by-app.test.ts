import t from 'tap'
import { request } from 'undici'
import { hashKey } from '../src/apps.js'
import { BudgetHistory, EARLIER } from '../src/budget/history.js'
import { sharedClock, startLiveGateway, startTestGateway } from './helpers/gateway.js'

interface History {
  now: number
  limit: number
  window: number
  from: number
  step: number
  minutes: number[]
  total: number[]
  apps: Record<string, number[]>
}

void t.test('budget history: the slots granted in each minute, per app, over the window', async (t) => {
  const clock = sharedClock()
  // One second into a minute: the requests below have 59 s to land in the minute they are meant for.
  clock.advance(60_000 - (clock.now() % 60_000) + 1000)
  const keys = { dashboard: 'key-of-the-dashboard', payroll: 'key-of-the-payroll-export' }
  const apps = [
    // Admin: in team mode the admin surface (the history, the status) needs an admin app's key.
    { name: 'dashboard', keySha256: hashKey(keys.dashboard), admin: true },
    { name: 'payroll', keySha256: hashKey(keys.payroll), priority: 'batch' },
  ]
  const { gw } = await startLiveGateway(t, { budget: 50, apps: JSON.stringify(apps), cache: 'off' }, { now: clock.now }, { now: clock.now })
  const get = async (app: keyof typeof keys, n: number) => {
    for (let i = 0; i < n; i++) {
      const res = await request(`${gw.address}/v2/users/me`, { headers: { 'x-gateway-key': keys[app] } })
      t.equal(res.statusCode, 200)
      await res.body.dump()
    }
  }
  const admin = { headers: { 'x-gateway-key': keys.dashboard } }
  const history = async (query = ''): Promise<History> => (await (await request(`${gw.address}/_gateway/budget/history${query}`, admin)).body.json()) as History

  await get('dashboard', 3)
  await get('payroll', 1)
  clock.advance(2 * 60_000)
  await get('payroll', 4)

  const h = await history()
  t.equal(h.limit, 50)
  t.equal(h.window, 3600)
  t.equal(h.step, 60)
  t.equal(h.minutes.length, 60, 'the window (an hour) by default, one point a minute')
  t.equal(h.minutes.length, h.total.length)
  t.equal(h.from, h.minutes[0])
  t.ok(h.now >= h.minutes[59]! && h.now < h.minutes[59]! + 60_000, 'the last point is the current minute')
  t.same(Object.keys(h.apps).sort(), ['dashboard', 'payroll'], 'one series per app that spent budget')
  t.same(h.apps.dashboard!.slice(-3), [3, 0, 0])
  t.same(h.apps.payroll!.slice(-3), [1, 0, 4])
  t.same(h.total.slice(-3), [4, 0, 4])
  t.equal(
    h.total.reduce((a, b) => a + b, 0),
    8,
  )
  const status = (await (await request(`${gw.address}/_gateway/status`, admin)).body.json()) as { budget: { used: number; apps: Record<string, number> } }
  t.equal(status.budget.used, 8, 'the history adds up to the budget used')

  const short = await history('?minutes=5')
  t.equal(short.minutes.length, 5)
  t.same(short.apps.payroll, [0, 0, 1, 0, 4])

  // A refused request spends nothing and adds nothing.
  const none = await request(`${gw.address}/v2/users/me`)
  t.equal(none.statusCode, 401)
  await none.body.dump()
  t.same((await history('?minutes=1')).total, [4])
})

void t.test('budget history forgets what is older than it keeps, and minutes it has not seen are zero', (t) => {
  const history = new BudgetHistory(10)
  const start = Date.UTC(2026, 0, 1, 12, 0, 0)
  history.record('a', 2, start)
  history.record('a', 1, start + 30_000)
  history.record('b', 5, start + 60_000)
  t.same(history.series(start + 60_000, 3).total, [0, 3, 5])
  t.same(history.series(start + 60_000, 3).apps, { a: [0, 3, 0], b: [0, 0, 5] })
  // Ten minutes on, the ring slot of the first minute is reused for a new one.
  history.record('b', 1, start + 10 * 60_000)
  const later = history.series(start + 10 * 60_000, 100)
  t.equal(later.total.length, 10, 'never more than it keeps')
  t.same(later.apps, { b: [5, 0, 0, 0, 0, 0, 0, 0, 0, 1] }, 'the first minute is forgotten, not added to the new one')
  t.end()
})

void t.test('after a restart the history still adds up to the budget the ledger holds', async (t) => {
  const stateDir = t.testdir()
  const { fake, gw } = await startLiveGateway(t, { stateDir, cache: 'off' })
  for (let i = 0; i < 3; i++) {
    const res = await request(`${gw.address}/v2/users/me`)
    await res.body.dump()
  }
  await gw.close()
  const again = await startTestGateway({ upstream: fake.origin, authUrl: fake.origin, stateDir })
  t.teardown(() => again.close())
  const h = (await (await request(`${again.address}/_gateway/budget/history`)).body.json()) as History
  const status = (await (await request(`${again.address}/_gateway/status`)).body.json()) as { budget: { used: number } }
  t.equal(status.budget.used, 3, 'the ledger kept the window')
  t.same(Object.keys(h.apps), [EARLIER], 'shown apart: the ledger keeps when, not for whom')
  t.equal(
    h.total.reduce((a, b) => a + b, 0),
    3,
  )
})
