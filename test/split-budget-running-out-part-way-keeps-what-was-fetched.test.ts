// Only the first page of each piece of a split can be reserved before it starts; further pages are
// charged as they come, so the budget may run out part-way. The app then gets the budget's 429
// (not a 504, not half an answer) with a Retry-After true to what its retry needs at once, and the
// whole days already fetched are kept: the retry after Retry-After costs only the days missing.
import t from 'tap'
import { request } from 'undici'
import { DAY_MS } from './helpers/fake-hubstaff-data.js'
import { FAKE_DATA } from './helpers/fake-hubstaff.js'
import { sharedClock, startLiveGateway } from './helpers/gateway.js'
import { ids, referenceWalk, walk } from './helpers/split-walk.js'

const PATH = `/v2/organizations/${FAKE_DATA.organizationId}/activities`
// Monday 5 to Sunday 11 January 2026: five working days of 240 activities, then an empty weekend.
const WEEK = 'time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-01-12T00:00:00Z'
// 120 a page: a working day is two pages upstream, only the first of which is reserved up front.
const PAGE_LIMIT = 120

interface Problem {
  code: string
  detail: string
  retryAfter?: number
}

void t.test('a week whose later pages do not fit the budget', async (t) => {
  const clock = sharedClock()
  const { fake, gw } = await startLiveGateway(t, { budget: 12 }, { now: clock.now }, { now: clock.now })
  fake.blank = { overMs: 2 * DAY_MS, form: 'empty 504' }
  const expected = await referenceWalk(fake, PATH, WEEK, 'activities', PAGE_LIMIT)
  const dayOf = (query: string) => new URLSearchParams(query).get('time_slot[start]')?.slice(0, 10) ?? ''

  // Two slots spent ten minutes before: they free up first.
  for (const id of [FAKE_DATA.firstProjectId, FAKE_DATA.firstProjectId + 1]) await (await request(`${gw.address}/v2/projects/${id}`)).body.dump()
  clock.advance(600_000)

  // 2 spent + the blank attempt + 7 first pages reserved = 10, and two more. Pieces are walked in
  // order, each to its last page (issue #14): the first days are fetched whole, the rest not at all.
  let before = fake.requests.length
  const res = await request(`${gw.address}${PATH}?${WEEK}&page_limit=${PAGE_LIMIT}`)
  const body = (await res.body.json()) as Problem
  t.equal(res.statusCode, 429, 'the budget ran out: 429, not a 504 and not half an answer')
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.equal(body.code, 'HSG_BUDGET_EXHAUSTED')
  const first = fake.requests.slice(before)
  t.equal(first.length, 12 - 2, 'every slot the plan was given was used, and no more')
  const pagesByDay = new Map<string, number>()
  for (const r of first.slice(1)) pagesByDay.set(dayOf(r.query), (pagesByDay.get(dayOf(r.query)) ?? 0) + 1)
  // A working day is two pages, a day of the empty weekend one.
  const pagesOf = (day: string) => (day === '2026-01-10' || day === '2026-01-11' ? 1 : 2)
  const fetchedWhole = [...pagesByDay].filter(([day, pages]) => pages === pagesOf(day)).map(([day]) => day).sort()
  t.same(fetchedWhole, ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08'], 'the first four days were fetched whole')
  const missing = ['2026-01-09', '2026-01-10', '2026-01-11']

  // The retry needs the three missing days at once: two slots free ten minutes before the third.
  const retryAfter = Number(res.headers['retry-after'])
  t.ok(retryAfter >= 3590 && retryAfter <= 3602, `Retry-After ${retryAfter}: when the three slots the retry needs are free (not ${3601 - 600} s, when one is)`)
  t.equal(body.retryAfter, retryAfter)
  t.match(body.detail, /the 4 whole days already fetched are kept/)
  t.match(body.detail, /only the 3 pieces still missing/)

  // Ten minutes early: two slots are free, the retry needs three, and is refused before it sends anything.
  clock.advance((retryAfter - 600) * 1000)
  before = fake.requests.length
  const early = await request(`${gw.address}${PATH}?${WEEK}&page_limit=${PAGE_LIMIT}`)
  await early.body.dump()
  t.equal(early.statusCode, 429, 'too early')
  t.equal(fake.requests.length, before, 'and nothing went upstream')

  clock.advance(600_000)
  before = fake.requests.length
  const got = await walk(gw.address, PATH, WEEK, 'activities', PAGE_LIMIT)
  t.same(ids(got.records), ids(expected.records), 'after Retry-After the walk is the whole week, in order')
  t.same(got.records, expected.records, 'record for record')
  t.match(String(got.pages[0]?.headers['x-gateway-split']), /; reused=4$/, 'four days came from the refused attempt')
  const again = fake.requests.slice(before).map((r) => dayOf(r.query))
  t.equal(again.length, missing.reduce((n, day) => n + pagesOf(day), 0), 'the retry cost the three missing days, their pages')
  t.notOk(again.some((day) => fetchedWhole.includes(day)), 'no day fetched whole was asked again')
  t.notOk(fake.requests.slice(before).some((r) => dayOf(r.query) === '2026-01-05' && r.query.includes('2026-01-12')), 'nor the whole week')
})
