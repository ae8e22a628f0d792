// Mock answers to date-ranged queries hold the model's records inside the asked range, and all of
// them: time_slot ranges (stop exclusive), date ranges (stop inclusive), created/updated ranges, on
// every page. Records are filtered, never moved: the same record answers alike in every range that
// holds it. (Ranges of Prism's generated data are not filtered: generated data is not the model.)
import t, { type Test } from 'tap'
import { mockClient, modelIds, type MockClient } from './helpers/mock.js'

type Row = Record<string, unknown> & { id: number }
const DAY = 86_400_000
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const time = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z')
const today = Math.floor(Date.now() / DAY) * DAY

async function walk(mock: MockClient, url: string, key: string): Promise<Row[]> {
  const rows: Row[] = []
  let next = ''
  for (let pages = 0; pages < 100; pages++) {
    const answer = await mock.get(`${url}&page_limit=50${next}`)
    if (answer.status !== 200) throw new Error(`${url}: ${answer.status} ${answer.text}`)
    const body = answer.json()
    rows.push(...(body[key] as Row[]))
    if (body.pagination === undefined) return rows
    next = `&page_start_id=${body.pagination.next_page_start_id}`
  }
  throw new Error(`${url}: the walk does not end`)
}

function inside(t: Test, rows: Row[], field: string, lo: number, hi: number, what: string): void {
  const outside = rows.filter((r) => {
    const at = Date.parse(String(r[field]))
    return !(at >= lo && at < hi)
  })
  t.same(outside.map((r) => `${r.id} ${String(r[field])}`), [], `${what}: every ${field} in [${time(lo)}, ${time(hi)})`)
}

void t.test('time_slot ranges hold the activities of the range, stop exclusive, on every page', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const { organization_id: org } = await modelIds(mock)
  const lo = today - 2 * DAY
  const mid = lo + DAY
  const hi = today
  const path = `/v2/organizations/${org}/activities`
  const whole = await walk(mock, `${path}?time_slot[start]=${time(lo)}&time_slot[stop]=${time(hi)}`, 'activities')
  t.ok(whole.length > 0, `${whole.length} activities over two days`)
  inside(t, whole, 'time_slot', lo, hi, 'two days')
  const first = await walk(mock, `${path}?time_slot[start]=${time(lo)}&time_slot[stop]=${time(mid)}`, 'activities')
  const second = await walk(mock, `${path}?time_slot[start]=${time(mid)}&time_slot[stop]=${time(hi)}`, 'activities')
  inside(t, first, 'time_slot', lo, mid, 'first day')
  inside(t, second, 'time_slot', mid, hi, 'second day')
  t.same([...first, ...second].map((r) => r.id).sort(), whole.map((r) => r.id).sort(), 'the two days add up to the two-day range: nothing lost, nothing twice')
  const byId = new Map(whole.map((r) => [r.id, r]))
  t.ok([...first, ...second].every((r) => JSON.stringify(r) === JSON.stringify(byId.get(r.id))), 'a record answers alike in every range that holds it')
})

void t.test('date ranges hold the daily activities of the range, stop inclusive', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const { organization_id: org } = await modelIds(mock)
  const lo = today - 3 * DAY
  const path = `/v2/organizations/${org}/activities/daily`
  const one = await walk(mock, `${path}?date[start]=${day(lo)}&date[stop]=${day(lo)}`, 'daily_activities')
  t.ok(one.length > 0, 'one day has daily activities')
  t.ok(one.every((r) => r.date === day(lo)), 'date[stop] equal to date[start]: that one day')
  const two = await walk(mock, `${path}?date[start]=${day(lo)}&date[stop]=${day(lo + DAY)}`, 'daily_activities')
  t.ok(two.every((r) => r.date === day(lo) || r.date === day(lo + DAY)), 'two days, both ends included')
  t.ok(two.length > one.length, 'the second day adds records')
})

void t.test('a range Hubstaff refuses is refused with its 400', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const { organization_id: org } = await modelIds(mock)
  const long = await mock.get(`/v2/organizations/${org}/activities?time_slot[start]=${time(today - 10 * DAY)}&time_slot[stop]=${time(today)}`)
  t.equal(long.status, 400, 'activities: more than 7 days')
  t.equal(long.json().code, 'invalid_params')
  const backwards = await mock.get(`/v2/organizations/${org}/activities?time_slot[start]=${time(today)}&time_slot[stop]=${time(today - DAY)}`)
  t.equal(backwards.status, 400, 'stop before start')
})
