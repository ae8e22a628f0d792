// Every piece of a split costs a request of the budget. A plan that does not fit what is left is
// refused before any piece is sent, with a Retry-After true to the ledger, rather than spending
// half of it and failing; two plans at once cannot both take the last slots.
import t from 'tap'
import { request } from 'undici'
import { DAY_MS } from './helpers/fake-hubstaff-data.js'
import { FAKE_DATA } from './helpers/fake-hubstaff.js'
import { startLiveGateway } from './helpers/gateway.js'

const ORG = FAKE_DATA.organizationId
const THIRTY_DAYS = 'time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-02-04T00:00:00Z'
const WEEK = 'time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-01-12T00:00:00Z'

async function spend(address: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await request(`${address}/v2/projects/${FAKE_DATA.firstProjectId + i}`)
    await res.body.dump()
  }
}

void t.test('a 30-day range needs 5 pieces; 3 slots are left', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { budget: 10 })
  await spend(gw.address, 7)
  const before = fake.stats.apiRequests
  for (const prefer of [undefined, 'wait=2']) {
    const res = await request(`${gw.address}/v2/organizations/${ORG}/activities?${THIRTY_DAYS}&page_limit=100`, { headers: prefer === undefined ? {} : { prefer } })
    const body = (await res.body.json()) as { code: string; retryAfter: number }
    t.equal(res.statusCode, 429, `Prefer: ${prefer ?? 'none'}: refused`)
    t.equal(body.code, 'HSG_BUDGET_EXHAUSTED')
    const retryAfter = Number(res.headers['retry-after'])
    t.ok(retryAfter > 3500 && retryAfter <= 3601, `Retry-After ${retryAfter}: until the second-oldest slot frees, an hour (and the --budget-margin second) after it was spent`)
  }
  t.equal(fake.stats.apiRequests, before, 'no piece was sent')
  const status = (await (await request(`${gw.address}/_gateway/status`)).body.json()) as { budget: { remaining: number } }
  t.equal(status.budget.remaining, 3, 'nothing was spent')
  const small = await request(`${gw.address}/v2/organizations/${ORG}/activities?time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-01-06T00:00:00Z`)
  await small.body.dump()
  t.equal(small.statusCode, 200, 'a request that fits still goes')
})

void t.test('a blank reply whose halves do not fit: refused after the one blank call', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { budget: 10 })
  await spend(gw.address, 8)
  fake.blank = { overMs: 2 * DAY_MS, form: 'empty 504' }
  const before = fake.stats.apiRequests
  const res = await request(`${gw.address}/v2/organizations/${ORG}/activities?${WEEK}&page_limit=50`)
  const body = (await res.body.json()) as { code: string }
  t.equal(res.statusCode, 429)
  t.equal(body.code, 'HSG_BUDGET_EXHAUSTED', 'the budget refusal, not the blank reply')
  t.equal(fake.stats.apiRequests - before, 1, 'only the first (blank) attempt went upstream')
})

void t.test('two plans at once, room for one', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { budget: 12 })
  await spend(gw.address, 4)
  const before = fake.stats.apiRequests
  // One user's six days fit one page of 500: each plan is exactly its five pieces.
  const ask = (users: string) => request(`${gw.address}/v2/organizations/${ORG}/activities?${THIRTY_DAYS}&user_ids=${users}&page_limit=500`).then(async (res) => {
    await res.body.dump()
    return res.statusCode
  })
  const statuses = await Promise.all([ask('5001'), ask('5002')])
  t.same([...statuses].sort(), [200, 429], 'one plan of 5 fits in the 8 slots left, the other is refused whole')
  t.equal(fake.stats.apiRequests - before, 5, 'only the plan that fit was sent')
})
