import t from 'tap'
import { request } from 'undici'
import { hashKey } from '../src/apps.js'
import { startLiveGateway } from './helpers/gateway.js'

const KEYS = { dashboard: 'hsg_dashboard-key', payroll: 'hsg_payroll-key', bot: 'hsg_bot-key' }

let n = 0
/** Distinct queries: the budget is what is under test, and a cache hit would cost nothing. */
async function get(address: string, key?: string): Promise<{ status: number; code?: string }> {
  const res = await request(`${address}/v2/users/me?n=${n++}`, { headers: key === undefined ? {} : { 'x-gateway-key': key } })
  const body = (await res.body.json()) as { code?: string }
  return { status: res.statusCode, code: body.code }
}

void t.test('team mode: keys, quotas and priorities', async (t) => {
  const apps = [
    // Admin: in team mode the admin surface (the status below) needs an admin app's key.
    { name: 'dashboard', keySha256: hashKey(KEYS.dashboard), priority: 'interactive', admin: true },
    { name: 'payroll', keySha256: hashKey(KEYS.payroll), priority: 'batch' },
    { name: 'bot', keySha256: hashKey(KEYS.bot), quota: 0.2 },
  ]
  const { fake, gw } = await startLiveGateway(t, { budget: 20, budgetWindow: 600, budgetReserve: 5, apps: JSON.stringify(apps) })

  void t.test('without a valid key nothing goes upstream', async (t) => {
    t.match(await get(gw.address), { status: 401, code: 'HSG_APP_KEY_INVALID' })
    t.match(await get(gw.address, 'hsg_wrong'), { status: 401, code: 'HSG_APP_KEY_INVALID' })
    t.match(await get(gw.address, ''), { status: 401, code: 'HSG_APP_KEY_INVALID' })
    t.equal(fake.stats.apiRequests, 0)
    t.equal(fake.stats.exchanges, 0, 'not even a token exchange')
  })

  void t.test('a quota caps one app', async (t) => {
    const results = []
    for (let i = 0; i < 6; i++) results.push(await get(gw.address, KEYS.bot))
    t.same(
      results.map((r) => r.status),
      [200, 200, 200, 200, 429, 429],
      '20% of 20 is 4',
    )
    t.equal(results[4]?.code, 'HSG_BUDGET_EXHAUSTED')
  })

  void t.test('batch apps stop at the reserve; interactive apps use it', async (t) => {
    // 4 used by the bot; batch may go up to 20 - 5 = 15.
    const batch = []
    for (let i = 0; i < 13; i++) batch.push((await get(gw.address, KEYS.payroll)).status)
    t.same(batch.filter((s) => s === 200).length, 11, 'batch stops 5 below the budget')
    const interactive = []
    for (let i = 0; i < 6; i++) interactive.push((await get(gw.address, KEYS.dashboard)).status)
    t.same(interactive, [200, 200, 200, 200, 200, 429], 'the reserve is there for the dashboard')
  })

  void t.test('status shows the use per app', async (t) => {
    const status = (await (await request(`${gw.address}/_gateway/status`, { headers: { 'x-gateway-key': KEYS.dashboard } })).body.json()) as { budget: { apps: Record<string, number>; used: number }; apps: string[] }
    t.same(status.budget.apps, { bot: 4, payroll: 11, dashboard: 5 })
    t.equal(status.budget.used, 20)
    t.same(status.apps, ['dashboard', 'payroll', 'bot'])
  })

  void t.test('the app key never reaches Hubstaff or the log', (t) => {
    t.notOk(fake.requests.some((r) => JSON.stringify(r.headers).includes('hsg_')))
    t.notOk(gw.logs.some((l) => l.includes('hsg_')))
    t.end()
  })
})
