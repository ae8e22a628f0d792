// --mock-budget: the mock spends the same budget as live mode and answers the gateway's 429 (with
// a Retry-After true to the ledger) once --budget requests are spent. Off by default.
import t from 'tap'
import { request } from 'undici'
import { startTestGateway } from './helpers/gateway.js'

void t.test('--mock-budget: 429 after --budget requests, with Retry-After', async (t) => {
  const gw = await startTestGateway({ mode: 'mock', mockBudget: 'on', budget: 3, budgetWindow: 3600, cache: 'off', stateDir: t.testdir() })
  t.teardown(() => gw.close())
  const statuses: number[] = []
  let last
  for (let i = 0; i < 5; i++) {
    last = await request(`${gw.address}/v2/users/me`)
    statuses.push(last.statusCode)
    if (i < 4) await last.body.dump()
  }
  t.same(statuses, [200, 200, 200, 429, 429])
  t.ok(Number(last?.headers['retry-after']) > 0, 'Retry-After true to the ledger')
  t.match(await last?.body.json(), { code: 'HSG_BUDGET_EXHAUSTED' })
  t.match(await gw.gateway.status(), { budget: { used: 3, remaining: 0 } })
})

void t.test('without --mock-budget the mock spends nothing', async (t) => {
  const gw = await startTestGateway({ mode: 'mock', budget: 1, cache: 'off', stateDir: t.testdir() })
  t.teardown(() => gw.close())
  for (let i = 0; i < 3; i++) {
    const res = await request(`${gw.address}/v2/users/me`)
    t.equal(res.statusCode, 200)
    await res.body.dump()
  }
})
