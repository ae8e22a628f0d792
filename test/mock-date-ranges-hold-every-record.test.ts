// Mock answers to date-ranged queries hold records inside the asked range only: time_slot ranges
// (stop exclusive, 10-minute slots), date ranges (stop inclusive), created/updated ranges; with
// static examples, generated data and the official spec alike, on every page.
import t, { type Test } from 'tap'
import { dateRanges, placeInRanges } from '../src/mock/date-range.js'
import { mockClient, NO_OFFICIAL_SPEC, OFFICIAL_SPEC } from './helpers/mock.js'

/** Answers are read as loose JSON: the fields these tests look at are strings. */
interface Row {
  readonly time_slot: string
  readonly date: string
  readonly start_date: string
  readonly stop_date: string
  readonly [field: string]: string
}
const instant = (row: Row | undefined, field: string): number => Date.parse(row?.[field] ?? '')
const SLOT = 600_000

function within(t: Test, rows: Row[], field: string, start: string, stop: string, what: string): void {
  const from = Date.parse(start)
  const to = Date.parse(stop)
  for (const row of rows) {
    const at = instant(row, field)
    t.ok(at >= from && at < to, `${what}: ${field} ${row[field]} in [${start}, ${stop})`)
  }
}

function ascending(t: Test, rows: Row[], field: string, what: string): void {
  t.ok(
    rows.every((r, i) => i === 0 || instant(r, field) >= instant(rows[i - 1], field)),
    `${what}: ${field} ascends with the ids`,
  )
}

async function walk(mock: Awaited<ReturnType<typeof mockClient>>, url: string, key: string, headers: Record<string, string> = {}): Promise<Row[]> {
  const rows: Row[] = []
  let next = ''
  for (;;) {
    const body = (await mock.get(`${url}&page_limit=2${next}`, headers)).json()
    rows.push(...(body[key] as Row[]))
    if (body.pagination === undefined) return rows
    next = `&page_start_id=${body.pagination.next_page_start_id}`
  }
}

for (const headers of [{}, { prefer: 'dynamic=true' }] as Record<string, string>[]) {
  const kind = 'prefer' in headers ? 'dynamic' : 'static'
  void t.test(`time_slot ranges hold every activity, note and location, on every page (${kind})`, async (t) => {
    const mock = await mockClient({ stateDir: t.testdir() })
    for (const [start, stop] of [
      ['2026-08-03T00:05:00Z', '2026-08-04T00:00:00Z'],
      ['2026-03-02T09:00:00Z', '2026-03-09T09:00:00Z'],
      ['2026-08-03T09:00:00Z', '2026-08-03T09:10:00Z'],
    ] as const) {
      for (const [path, key] of [
        ['/v2/organizations/1001/activities', 'activities'],
        ['/v2/projects/20001/activities', 'activities'],
        ['/v2/organizations/1001/notes', 'notes'],
        ['/v2/organizations/1001/locations', 'locations'],
      ] as const) {
        const rows = await walk(mock, `${path}?time_slot[start]=${start}&time_slot[stop]=${stop}`, key, headers)
        const what = `${kind} ${key} ${start}..${stop}`
        if (kind === 'static') t.ok(rows.length > 0, `${what}: records`)
        within(t, rows, 'time_slot', start, stop, what)
        ascending(t, rows, 'time_slot', what)
        for (const row of rows) {
          t.equal(Date.parse(row.time_slot) % SLOT, 0, 'a slot starts on a 10-minute boundary')
          t.equal(row.date, row.time_slot.slice(0, 10), 'date is the slot day')
          for (const field of ['starts_at', 'recorded_at']) {
            if (field in row) t.ok(instant(row, field) - Date.parse(row.time_slot) < SLOT && instant(row, field) >= Date.parse(row.time_slot), `${field} inside its slot`)
          }
        }
      }
    }
  })

  void t.test(`date ranges are inclusive and hold every daily activity and timesheet (${kind})`, async (t) => {
    const mock = await mockClient({ stateDir: t.testdir() })
    for (const [start, stop] of [
      ['2026-08-03', '2026-08-03'],
      ['2026-07-01', '2026-07-31'],
    ] as const) {
      const end = new Date(Date.parse(stop) + 86_400_000).toISOString().slice(0, 10)
      const daily = await walk(mock, `/v2/organizations/1001/activities/daily?date[start]=${start}&date[stop]=${stop}`, 'daily_activities', headers)
      if (kind === 'static') t.ok(daily.length > 0)
      within(t, daily, 'date', start, end, `${kind} daily ${start}..${stop}`)
      ascending(t, daily, 'date', 'daily')
      const sheets = await walk(mock, `/v2/organizations/1001/timesheets?date[start]=${start}&date[stop]=${stop}`, 'timesheets', headers)
      within(t, sheets, 'start_date', start, end, `${kind} timesheets ${start}..${stop}`)
      for (const sheet of sheets) t.ok(sheet.stop_date >= sheet.start_date && sheet.stop_date <= stop, 'a timesheet ends inside the range')
    }
  })
}

void t.test('created ranges, times without a zone, and ranges with no slot in them', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const sites = (await mock.get('/v2/organizations/1001/job_sites?created[start]=2026-01-01T00:00:00Z&created[stop]=2026-01-02T00:00:00Z')).json()
  within(t, sites.job_sites, 'created_at', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', 'job sites')
  const naive = (await mock.get('/v2/organizations/1001/activities?time_slot[start]=2026-08-03T12:00:00&time_slot[stop]=2026-08-03T13:00:00')).json()
  within(t, naive.activities, 'time_slot', '2026-08-03T12:00:00Z', '2026-08-03T13:00:00Z', 'a time without a zone is UTC')
  const none = await mock.get('/v2/organizations/1001/activities?time_slot[start]=2026-08-03T09:01:00Z&time_slot[stop]=2026-08-03T09:09:00Z')
  t.same(none.json(), { activities: [] }, 'no slot starts in 09:01..09:09: nothing, and no pagination')
  const backwards = await mock.get('/v2/organizations/1001/activities/daily?date[start]=2026-08-05&date[stop]=2026-08-01')
  t.same(backwards.json(), { daily_activities: [] }, 'a range that ends before it starts holds nothing')
})

void t.test('the official spec: activities fall inside the asked range', { skip: NO_OFFICIAL_SPEC }, async (t) => {
  const mock = await mockClient({ spec: OFFICIAL_SPEC, stateDir: t.testdir() })
  for (const headers of [{}, { prefer: 'dynamic=true' }] as Record<string, string>[]) {
    const rows = await walk(mock, '/v2/organizations/1/activities?time_slot[start]=2026-08-03T08:00:00Z&time_slot[stop]=2026-08-03T18:00:00Z', 'activities', headers)
    within(t, rows, 'time_slot', '2026-08-03T08:00:00Z', '2026-08-03T18:00:00Z', 'official activities')
    const daily = await walk(mock, '/v2/projects/1/activities/daily?date[start]=2026-08-03&date[stop]=2026-08-04', 'daily_activities', headers)
    within(t, daily, 'date', '2026-08-03', '2026-08-05', 'official daily activities')
  }
})

void t.test('reading ranges from a query', (t) => {
  const day = 86_400_000
  t.same(dateRanges(new URLSearchParams('date[start]=2026-08-03&date[stop]=2026-08-03')), [{ name: 'date', start: Date.parse('2026-08-03'), stop: Date.parse('2026-08-03') + day }])
  t.same(dateRanges(new URLSearchParams('updated[start]=2026-08-03T00:00:00Z')), [{ name: 'updated', start: Date.parse('2026-08-03T00:00:00Z'), stop: Date.parse('2026-08-03T00:00:00Z') + 7 * day }], 'one end: seven days')
  t.same(dateRanges(new URLSearchParams('created[stop]=2026-08-10T00:00:00Z')), [{ name: 'created', start: Date.parse('2026-08-03T00:00:00Z'), stop: Date.parse('2026-08-10T00:00:00Z') }])
  t.same(dateRanges(new URLSearchParams('time_slot[start]=soon&time_slot[stop]=2026-08-10T00:00:00Z&page_limit=2')), [], 'an unreadable end: no range')
  const record = { id: 1, note: 'no dates here' }
  t.same(placeInRanges([record], dateRanges(new URLSearchParams('time_slot[start]=2026-08-03T00:00:00Z'))), [record], 'records without the field stay as they are')
  t.end()
})
