// A dashboard asks for "the last 7 days" again and again. Once a blank reply made the gateway cut
// a week into days, it keeps the whole days under their own keys: a later, overlapping query
// fetches only the days (or part-days) it lacks, and its answer is still exactly Hubstaff's. Kept
// days obey the cache's date-aware freshness.
import t from 'tap'
import { DAY_MS } from './helpers/fake-hubstaff-data.js'
import { FAKE_DATA } from './helpers/fake-hubstaff.js'
import { sharedClock, startLiveGateway } from './helpers/gateway.js'
import { ids, referenceWalk, walk } from './helpers/split-walk.js'

const PATH = `/v2/organizations/${FAKE_DATA.organizationId}/activities`
const range = (start: string, stop: string) => `time_slot[start]=${start}&time_slot[stop]=${stop}`

void t.test('a week, then the week one day later, then a shifted week', async (t) => {
  const clock = sharedClock()
  const { fake, gw } = await startLiveGateway(t, {}, { now: clock.now }, { now: clock.now })
  fake.blank = { overMs: 2 * DAY_MS, form: 'empty 504' }
  const asked = (from: number) => fake.requests.slice(from).map((r) => {
    const q = new URLSearchParams(r.query)
    return `${q.get('time_slot[start]') ?? ''}..${q.get('time_slot[stop]') ?? ''}`
  })

  const week = range('2026-01-05T00:00:00Z', '2026-01-12T00:00:00Z')
  const first = await walk(gw.address, PATH, week, 'activities', 100)
  t.same(ids(first.records), ids((await referenceWalk(fake, PATH, week, 'activities', 100)).records), 'the first week, cut into days')

  const later = range('2026-01-06T00:00:00Z', '2026-01-13T00:00:00Z')
  let before = fake.requests.length
  const second = await walk(gw.address, PATH, later, 'activities', 100)
  t.same([...new Set(asked(before))], ['2026-01-12T00:00:00Z..2026-01-13T00:00:00Z'], 'only the new day went upstream')
  t.same(ids(second.records), ids((await referenceWalk(fake, PATH, later, 'activities', 100)).records), 'the answer is the whole week')
  t.match(String(second.pages[0]?.headers['x-gateway-split']), /; reused=6$/, 'six days came from the first query')

  const shifted = range('2026-01-06T12:00:00Z', '2026-01-13T12:00:00Z')
  before = fake.requests.length
  const third = await walk(gw.address, PATH, shifted, 'activities', 100)
  t.same([...new Set(asked(before))].sort(), ['2026-01-06T12:00:00Z..2026-01-07T00:00:00Z', '2026-01-13T00:00:00Z..2026-01-13T12:00:00Z'], 'only the two part-days at the ends went upstream')
  t.same(third.records, (await referenceWalk(fake, PATH, shifted, 'activities', 100)).records, 'record for record')

  // Settled days are kept for 6 hours, like the cache's answers for the same range.
  clock.advance(6 * 3_600_000 + 60_000)
  before = fake.requests.length
  const again = await walk(gw.address, PATH, later, 'activities', 100)
  t.same(ids(again.records), ids(second.records))
  const days = new Set(asked(before).filter((q) => q.endsWith('T00:00:00Z') && Date.parse(q.split('..')[1] ?? '') - Date.parse(q.split('..')[0] ?? '') === DAY_MS))
  t.equal(days.size, 7, 'once their freshness is over, every day is fetched again')
})
