// Issue #14, item 6 (with a wait): a split plan that needs more requests than one window allows
// runs across windows when the app sends `Prefer: wait`: each page waits for its slot, the pieces
// are fetched in order, and the app gets the whole answer when the plan is done. Hubstaff never
// sees more than the budget in a window.
import t from 'tap'
import { FAKE_DATA, startFakeHubstaff } from './helpers/fake-hubstaff.js'
import { startLiveGateway } from './helpers/gateway.js'
import { ids, referenceWalk, walk } from './helpers/split-walk.js'

const PATH = `/v2/organizations/${FAKE_DATA.organizationId}/activities`
const TWO_WEEKS = 'time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-01-19T00:00:00Z'
const PAGE_LIMIT = 200
const BUDGET = 3
const WINDOW_S = 2

void t.test(`two weeks of activities, a budget of ${BUDGET} per ${WINDOW_S} s, Prefer: wait`, { timeout: 120_000 }, async (t) => {
  const { fake, gw } = await startLiveGateway(t, { budget: BUDGET, budgetWindow: WINDOW_S, splitConcurrency: 1 }, { rateLimit: { limit: BUDGET, windowMs: WINDOW_S * 1000 } })
  // The same data from a fake of its own, without a limit: what the two weeks hold, page by page.
  const unlimited = await startFakeHubstaff()
  t.teardown(() => unlimited.close())
  const reference = await referenceWalk(unlimited, PATH, TWO_WEEKS.replace('2026-01-19', '2026-01-12'), 'activities', PAGE_LIMIT)
  const reference2 = await referenceWalk(unlimited, PATH, TWO_WEEKS.replace('2026-01-05', '2026-01-12'), 'activities', PAGE_LIMIT)
  const needed = reference.pages.length + reference2.pages.length
  t.ok(needed > 2 * BUDGET, `the plan needs ${needed} requests, more than two windows' ${2 * BUDGET}`)

  const before = fake.requests.length
  const got = await walk(gw.address, PATH, TWO_WEEKS, 'activities', PAGE_LIMIT, { prefer: 'wait=5' })
  t.same(ids(got.records), [...ids(reference.records), ...ids(reference2.records)], 'the app got both weeks, in order, when the plan was done')
  t.equal(fake.requests.length - before, needed, 'each page of the plan once')
  t.equal(fake.stats.rateLimited, 0, 'Hubstaff never answered 429')
})
