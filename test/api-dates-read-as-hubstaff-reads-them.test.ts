// One reading of dates for the whole gateway: ISO dates (real calendar dates only), date-times with
// or without seconds, fraction and offset (none is UTC, as Ruby reads it), and Hubstaff's rule for a
// date parameter given a date-time: its date part counts (what a published npm client sends).
import t from 'tap'
import { DAY_MS, formatSpan, parseDate, parseDateTime, parseRangeValue, parseSpan, rangeEnd } from '../src/api/dates.js'
import { rangedEndpointFor } from '../src/api/ranges.js'

const day = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS

void t.test('dates are real calendar dates', (t) => {
  t.equal(parseDate('2026-03-01'), day('2026-03-01'))
  t.equal(parseDate('2028-02-29'), day('2028-02-29'), 'a leap day')
  for (const bad of ['2026-02-29', '2026-02-30', '2026-13-01', '2026-00-10', '2026-1-5', '26-01-05', 'yesterday', '']) t.equal(parseDate(bad), undefined, bad)
  t.end()
})

void t.test('date-times: offsets, fractions, none read as UTC', (t) => {
  const noon = Date.UTC(2026, 0, 5, 12)
  t.equal(parseDateTime('2026-01-05T12:00:00Z'), noon)
  t.equal(parseDateTime('2026-01-05T12:00:00'), noon, 'no offset: UTC')
  t.equal(parseDateTime('2026-01-05T12:00'), noon, 'no seconds')
  t.equal(parseDateTime('2026-01-05T12:00:00.000Z'), noon)
  t.equal(parseDateTime('2026-01-05T12:00:00.537143Z'), noon + 537, 'microseconds, as Hubstaff writes them')
  t.equal(parseDateTime('2026-01-05T14:00:00+02:00'), noon)
  t.equal(parseDateTime('2026-01-05T07:00:00-0500'), noon)
  t.equal(parseDateTime('2026-01-05'), Date.UTC(2026, 0, 5), 'a bare date is its midnight')
  for (const bad of ['2026-01-05T24:00:00Z', '2026-01-05T12:60Z', '2026-02-30T00:00:00Z', '2026-01-05T12:00:00+25:00', '2026-01-05 12:00:00', 'now']) t.equal(parseDateTime(bad), undefined, bad)
  t.end()
})

void t.test('date[start]=2026-11-23T00:00:00.000Z reads as 2026-11-23 on a date endpoint', (t) => {
  const daily = rangedEndpointFor('/v2/organizations/1001/activities/daily')
  t.equal(daily?.kind, 'date')
  const kind = daily?.kind ?? 'date'
  t.equal(parseRangeValue(kind, '2026-11-23T00:00:00.000Z'), day('2026-11-23'))
  t.equal(parseRangeValue(kind, '2026-11-23T23:30:00-05:00'), day('2026-11-23'), 'the date as written, whatever the time and offset')
  const span = parseSpan(kind, '2026-11-23T00:00:00.000Z', '2026-11-29T00:00:00.000Z')
  t.same(span, { lo: day('2026-11-23'), hi: day('2026-11-30') }, 'the stop day is included, as a date stop is')
  t.same(span && formatSpan(kind, span), { start: '2026-11-23', stop: '2026-11-29' }, 'pieces are sent as plain dates')
  t.equal(rangeEnd('2026-11-29T00:00:00.000Z', kind), Date.UTC(2026, 10, 30))
  t.equal(parseRangeValue(kind, '2026-11-23T25:00:00Z'), undefined, 'not a date-time either: refused')
  t.end()
})

void t.test('date-time spans are half-open ms; reversed or empty ones are none', (t) => {
  t.same(parseSpan('date-time', '2026-01-05T00:00:00Z', '2026-01-06'), { lo: Date.UTC(2026, 0, 5), hi: Date.UTC(2026, 0, 6) })
  t.equal(parseSpan('date-time', '2026-01-05T02:00:00+02:00', '2026-01-05T00:00:00'), undefined, 'the same instant: empty')
  t.equal(parseSpan('date', '2026-01-06', '2026-01-05'), undefined)
  t.equal(parseSpan('date', '2026-01-06', undefined), undefined)
  t.same(formatSpan('date-time', { lo: Date.UTC(2026, 0, 5), hi: Date.UTC(2026, 0, 5, 0, 0, 0, 250) }), { start: '2026-01-05T00:00:00Z', stop: '2026-01-05T00:00:00.250Z' })
  t.end()
})
