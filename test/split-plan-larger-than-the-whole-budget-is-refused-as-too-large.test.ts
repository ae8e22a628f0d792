// A plan that needs more upstream requests at once than the whole budget per window can never be
// served: waiting does not help, so the app is told so (422 HSG_SPLIT_TOO_LARGE, no Retry-After),
// with the pieces needed and the budget, and nothing is spent. A plan within the budget still goes.
import t from 'tap'
import { request } from 'undici'
import { hashKey } from '../src/apps.js'
import { FAKE_DATA } from './helpers/fake-hubstaff.js'
import { startLiveGateway } from './helpers/gateway.js'

const PATH = `/v2/organizations/${FAKE_DATA.organizationId}/activities`
// 30 days of activities: five pieces of six days (activities allow 7 days per request).
const THIRTY_DAYS = 'time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-02-04T00:00:00Z'

interface Problem {
  code: string
  status: number
  detail: string
  pieces?: number
  budget?: number
}

void t.test('30 days of activities (5 pieces) against a budget of 3', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { budget: 3 })
  for (const prefer of [undefined, 'wait=30']) {
    const res = await request(`${gw.address}${PATH}?${THIRTY_DAYS}&page_limit=100`, { headers: prefer === undefined ? {} : { prefer } })
    const body = (await res.body.json()) as Problem
    const what = `Prefer: ${prefer ?? 'none'}`
    t.equal(res.statusCode, 422, `${what}: not a 429: retrying would never help`)
    t.match(res.headers['content-type'], /^application\/problem\+json/, what)
    t.equal(body.code, 'HSG_SPLIT_TOO_LARGE', what)
    t.equal(res.headers['retry-after'], undefined, `${what}: no Retry-After, since no time is long enough`)
    t.match(body.detail, /\b5 upstream requests\b/, `${what}: the detail says how many pieces it needs`)
    t.match(body.detail, /\bbudget of 3\b/, `${what}: and the budget`)
    t.match(body.detail, /narrow the date range/i, `${what}: and what to do`)
    t.match(body, { pieces: 5, budget: 3 }, `${what}: both as fields too`)
  }
  t.equal(fake.stats.apiRequests, 0, 'nothing went upstream')
  const status = (await (await request(`${gw.address}/_gateway/status`)).body.json()) as { budget: { remaining: number } }
  t.equal(status.budget.remaining, 3, 'no budget was spent')

  const week = await request(`${gw.address}${PATH}?time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-01-06T00:00:00Z&page_limit=500`)
  await week.body.dump()
  t.equal(week.statusCode, 200, 'a query within the budget still goes')
})

void t.test('a batch app is measured against the budget less the reserve', async (t) => {
  const key = 'hsg_nightly-export'
  const apps = [{ name: 'export', keySha256: hashKey(key), priority: 'batch' }]
  const { fake, gw } = await startLiveGateway(t, { budget: 6, budgetReserve: 2, apps: JSON.stringify(apps) })
  const res = await request(`${gw.address}${PATH}?${THIRTY_DAYS}&page_limit=100`, { headers: { 'x-gateway-key': key } })
  const body = (await res.body.json()) as Problem
  t.equal(res.statusCode, 422)
  t.match(body, { code: 'HSG_SPLIT_TOO_LARGE', pieces: 5, budget: 4 }, 'a batch app may use 4 of the 6')
  t.equal(fake.stats.apiRequests, 0, 'nothing went upstream')
})
