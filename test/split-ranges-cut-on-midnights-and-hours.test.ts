// How ranges are read and cut: Hubstaff's two kinds of range (date-times, stop exclusive; dates,
// stop inclusive), its longest spans, cuts on UTC midnights or whole hours, never below the
// smallest piece; and what is not a range to cut at all.
import t from 'tap'
import { bisect, cutToMaxSpan, dayCells, isWholeDay, lowerPageLimit } from '../src/split/plan.js'
import { formatSpan, parseSpan, type Span } from '../src/api/dates.js'
import { rangedEndpointFor as endpointFor, RANGED_ENDPOINTS, type RangedEndpoint } from '../src/api/ranges.js'

const H = 3_600_000
const D = 24 * H
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / D
const show = (e: RangedEndpoint, spans: Span[]) => spans.map((s) => Object.values(formatSpan(e.kind, s)).join('..'))

void t.test('which endpoints', (t) => {
  t.equal(endpointFor('/v2/organizations/1/activities')?.maxDays, 7)
  t.equal(endpointFor('/v2/projects/20001/activities/daily')?.listKey, 'daily_activities')
  t.equal(endpointFor('/v2/organizations/1/notes')?.param, 'time_slot')
  t.equal(endpointFor('/v2/organizations/1/time_edit_logs')?.param, 'created')
  t.equal(endpointFor('/v2/organizations/1/attendance_shifts')?.kind, 'date')
  t.equal(endpointFor('/v2/projects/1/attendance_shifts'), undefined, 'attendance shifts exist at organization level only')
  t.equal(endpointFor('/v2/organizations/1/projects'), undefined, 'not a date-ranged list')
  t.equal(endpointFor('/v2/organizations/x/activities'), undefined)
  t.ok(RANGED_ENDPOINTS.every((e) => (e.maxDays === undefined || e.maxDays > 0) && e.listKey !== ''), 'a documented maximum is a positive number of days')
  t.equal(endpointFor('/v2/organizations/1/job_site_visits')?.maxDays, undefined, 'none documented: cut only after a blank reply')
  t.end()
})

void t.test('reading ranges', (t) => {
  t.same(parseSpan('date-time', '2026-01-05T00:00:00Z', '2026-01-06T00:00:00Z'), { lo: Date.UTC(2026, 0, 5), hi: Date.UTC(2026, 0, 6) })
  t.equal(parseSpan('date-time', '2026-01-05T00:00:00', '2026-01-05T02:00:00+02:00'), undefined, 'no offset is UTC; 02:00+02:00 is that same instant: an empty range')
  t.same(parseSpan('date-time', '2026-01-05', '2026-01-06'), { lo: Date.UTC(2026, 0, 5), hi: Date.UTC(2026, 0, 6) }, 'a bare date is its midnight')
  t.same(parseSpan('date', '2026-03-01', '2026-03-31'), { lo: day('2026-03-01'), hi: day('2026-04-01') }, 'a date stop is inclusive')
  t.same(parseSpan('date', '2026-03-01', '2026-03-01'), { lo: day('2026-03-01'), hi: day('2026-03-02') }, 'one day')
  t.same(parseSpan('date', '2026-03-01T00:00:00.000Z', '2026-03-02T23:00:00-05:00'), { lo: day('2026-03-01'), hi: day('2026-03-03') }, 'a date-time sent for a date counts its date as written, as Hubstaff reads it')
  for (const [kind, start, stop] of [
    ['date-time', '2026-01-06T00:00:00Z', '2026-01-05T00:00:00Z'],
    ['date-time', 'yesterday', '2026-01-05T00:00:00Z'],
    ['date-time', '2026-01-05T00:00:00Z', undefined],
    ['date', '2026-03-31', '2026-03-01'],
    ['date', '2026-02-30', '2026-03-01'],
    ['date', '2026-03-01T25:00:00Z', '2026-03-02'],
  ] as const) t.equal(parseSpan(kind, start, stop), undefined, `${start}..${stop}: not cut, sent as it is`)
  t.end()
})

void t.test('cutting', (t) => {
  const activities = endpointFor('/v2/organizations/1/activities') as RangedEndpoint
  const daily = endpointFor('/v2/organizations/1/activities/daily') as RangedEndpoint
  const month = { lo: Date.UTC(2026, 0, 5), hi: Date.UTC(2026, 1, 4) }
  t.same(show(activities, cutToMaxSpan(activities, month)), [
    '2026-01-05T00:00:00Z..2026-01-11T00:00:00Z',
    '2026-01-11T00:00:00Z..2026-01-17T00:00:00Z',
    '2026-01-17T00:00:00Z..2026-01-23T00:00:00Z',
    '2026-01-23T00:00:00Z..2026-01-29T00:00:00Z',
    '2026-01-29T00:00:00Z..2026-02-04T00:00:00Z',
  ], '30 days of activities: five pieces of six days')
  const odd = { lo: Date.UTC(2026, 0, 5, 10, 30), hi: Date.UTC(2026, 0, 19, 10, 30) }
  t.ok(cutToMaxSpan(activities, odd).every((s) => s.hi - s.lo <= 7 * D), '14 days from 10:30: every piece within 7 days')
  t.same(show(daily, cutToMaxSpan(daily, { lo: day('2026-01-01'), hi: day('2026-03-04') })), ['2026-01-01..2026-01-31', '2026-02-01..2026-03-03'], 'dates: inclusive stops')
  t.same(cutToMaxSpan(daily, { lo: day('2026-01-01'), hi: day('2026-01-10') }).length, 1, 'within the limit: one piece')

  t.same(show(activities, bisect('date-time', { lo: Date.UTC(2026, 0, 5), hi: Date.UTC(2026, 0, 12) }) ?? []), ['2026-01-05T00:00:00Z..2026-01-09T00:00:00Z', '2026-01-09T00:00:00Z..2026-01-12T00:00:00Z'], 'halves on a midnight')
  t.same(show(activities, bisect('date-time', { lo: Date.UTC(2026, 0, 5, 9), hi: Date.UTC(2026, 0, 5, 14) }) ?? []), ['2026-01-05T09:00:00Z..2026-01-05T12:00:00Z', '2026-01-05T12:00:00Z..2026-01-05T14:00:00Z'], 'under two days: on an hour')
  t.same(show(activities, bisect('date-time', { lo: Date.UTC(2026, 0, 5, 9, 10), hi: Date.UTC(2026, 0, 5, 10, 50) }) ?? []), ['2026-01-05T09:10:00Z..2026-01-05T10:00:00Z', '2026-01-05T10:00:00Z..2026-01-05T10:50:00Z'])
  t.equal(bisect('date-time', { lo: Date.UTC(2026, 0, 5, 9), hi: Date.UTC(2026, 0, 5, 10) }), undefined, 'an hour is the smallest piece')
  t.equal(bisect('date', { lo: day('2026-01-05'), hi: day('2026-01-06') }), undefined, 'a day is the smallest piece')
  t.same(show(daily, bisect('date', { lo: day('2026-01-05'), hi: day('2026-01-08') }) ?? []), ['2026-01-05..2026-01-06', '2026-01-07..2026-01-07'])

  const cells = dayCells('date-time', { lo: Date.UTC(2026, 0, 5, 12), hi: Date.UTC(2026, 0, 8, 6) })
  t.same(show(activities, cells), ['2026-01-05T12:00:00Z..2026-01-06T00:00:00Z', '2026-01-06T00:00:00Z..2026-01-07T00:00:00Z', '2026-01-07T00:00:00Z..2026-01-08T00:00:00Z', '2026-01-08T00:00:00Z..2026-01-08T06:00:00Z'])
  t.same(cells.map((c) => isWholeDay('date-time', c)), [false, true, true, false], 'only whole days are kept for later queries')
  t.same(dayCells('date', { lo: day('2026-01-05'), hi: day('2026-01-08') }).length, 3)

  const limits = []
  for (let l: number | undefined = 50; l !== undefined; l = lowerPageLimit(l)) limits.push(l)
  t.same(limits, [50, 25, 12, 10], 'page_limit halves down to 10')
  t.equal(lowerPageLimit(undefined), 50, 'no page_limit sent: from 100, Hubstaff-like')
  t.end()
})
