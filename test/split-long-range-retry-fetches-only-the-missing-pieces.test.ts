// Issue #14, item 6 (the part without a wait): a range longer than the endpoint allows is cut up
// front; when the budget runs out before the plan finishes, every piece fetched whole is kept
// (not only single days), the 429's Retry-After is when the rest can run, and the retry fetches
// only the pieces still missing. Before, nothing of a 7-day piece was kept and every retry spent
// the same requests again.
import t from 'tap'
import { request } from 'undici'
import { FAKE_DATA } from './helpers/fake-hubstaff.js'
import { sharedClock, startLiveGateway } from './helpers/gateway.js'
import { ids, referenceWalk, walk } from './helpers/split-walk.js'

const PATH = `/v2/organizations/${FAKE_DATA.organizationId}/activities`
// Two weeks: cut up front into two pieces of seven days (Hubstaff's longest span for activities).
const TWO_WEEKS = 'time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-01-19T00:00:00Z'
const PAGE_LIMIT = 200

void t.test('two weeks, a budget that runs out in the second', async (t) => {
  const clock = sharedClock()
  const { fake, gw } = await startLiveGateway(t, { budget: 10, splitConcurrency: 1 }, { now: clock.now }, { now: clock.now })
  const expected = await referenceWalk(fake, `${PATH}`, 'time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-01-12T00:00:00Z', 'activities', PAGE_LIMIT)
  const expected2 = await referenceWalk(fake, `${PATH}`, 'time_slot[start]=2026-01-12T00:00:00Z&time_slot[stop]=2026-01-19T00:00:00Z', 'activities', PAGE_LIMIT)
  const perWeek = expected.pages.length
  t.ok(perWeek + 2 <= 10 && 2 * perWeek > 10, `one week (${perWeek} pages) fits the budget of 10, two do not`)

  let before = fake.requests.length
  const res = await request(`${gw.address}${PATH}?${TWO_WEEKS}&page_limit=${PAGE_LIMIT}`)
  const problem = (await res.body.json()) as { code: string; detail: string }
  t.equal(res.statusCode, 429)
  t.equal(problem.code, 'HSG_BUDGET_EXHAUSTED')
  t.match(problem.detail, /kept/)
  const firstTry = fake.requests.length - before
  const retryAfter = Number(res.headers['retry-after'])

  // A minute more than Retry-After: the later pages of the retry are paid as they come, and the
  // first try spent its slots over some real milliseconds.
  clock.advance((retryAfter + 60) * 1000)
  before = fake.requests.length
  const got = await walk(gw.address, PATH, TWO_WEEKS, 'activities', PAGE_LIMIT)
  t.same(ids(got.records), [...ids(expected.records), ...ids(expected2.records)], 'after Retry-After the walk is both weeks, in order')
  const retry = fake.requests.slice(before)
  t.notOk(retry.some((r) => r.query.includes('2026-01-05')), 'the first week, fetched whole, was not asked again')
  t.equal(retry.length, expected2.pages.length, `the retry cost the second week only (${retry.length} requests, the first try ${firstTry})`)
})
