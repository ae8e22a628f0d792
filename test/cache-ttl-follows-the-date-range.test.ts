// Date-ranged reports: a range that ended more than a day ago is settled and kept for hours; a range
// that touches today (activity data lags up to 20 minutes) is kept for minutes.
import t from 'tap'
import { rangeEnd } from '../src/api/dates.js'
import { parseQuery } from '../src/api/query.js'
import { compilePolicy } from '../src/cache/policy.js'
import { cacheAround, header, req } from './helpers/cache-harness.js'

const NOW = Date.UTC(2026, 6, 15, 12, 0, 0) // Wednesday 2026-07-15 12:00 UTC
const MIN = 60_000
const HOUR = 60 * MIN

void t.test('where a range ends', (t) => {
  t.equal(rangeEnd('2026-07-10'), Date.UTC(2026, 6, 11), 'a date stop is inclusive: its day ends at the next midnight')
  t.equal(rangeEnd('2026-07-10T08:30:00Z'), Date.UTC(2026, 6, 10, 8, 30), 'a date-time stop is exclusive')
  t.equal(rangeEnd('2026-07-10T08:30:00'), Date.UTC(2026, 6, 10, 8, 30), 'no offset reads as UTC, as Hubstaff reads it')
  t.equal(rangeEnd('2026-07-10T10:30:00+02:00'), Date.UTC(2026, 6, 10, 8, 30))
  t.equal(rangeEnd('yesterday'), undefined)
  t.equal(rangeEnd('2026-13-45'), undefined)
  t.equal(rangeEnd('2026-07-10T08:30:00Z', 'date'), Date.UTC(2026, 6, 11), 'for a date parameter, a date-time is its date')
  t.end()
})

void t.test('the TTL depends on how long ago the range ended', (t) => {
  const policy = compilePolicy()
  const ttl = (path: string, query: string) => policy.freshness(path, parseQuery(query), NOW).ttlMs
  const daily = '/v2/organizations/1001/activities/daily'
  const slots = '/v2/projects/20001/activities'

  t.equal(ttl(daily, 'date[start]=2026-07-01&date[stop]=2026-07-07'), 6 * HOUR, 'last week: settled')
  t.equal(ttl(daily, 'date[start]=2026-07-13&date[stop]=2026-07-13'), 6 * HOUR, 'Monday ended 36 h ago: settled')
  t.equal(ttl(daily, 'date[start]=2026-07-14&date[stop]=2026-07-14'), 2 * MIN, 'yesterday ended 12 h ago: still open')
  t.equal(ttl(daily, 'date[start]=2026-07-09&date[stop]=2026-07-15'), 2 * MIN, 'a week up to today: open')
  t.equal(ttl(daily, 'date[start]=2026-07-15&date[stop]=2026-07-20'), 2 * MIN, 'a range into the future: open')

  t.equal(ttl(slots, 'time_slot[start]=2026-07-12T00:00:00Z&time_slot[stop]=2026-07-13T00:00:00Z'), 6 * HOUR, 'date-times: settled')
  t.equal(ttl(slots, 'time_slot[start]=2026-07-14T00:00:00Z&time_slot[stop]=2026-07-14T12:00:00Z'), 2 * MIN, 'ended exactly a day ago: not yet settled')
  t.equal(ttl(slots, 'time_slot[start]=2026-07-14T00:00:00Z&time_slot[stop]=2026-07-14T11:59:00Z'), 6 * HOUR, 'ended a day and a minute ago: settled')
  t.equal(ttl('/v2/organizations/1001/activities/updates', 'updated[start]=2026-07-01T00:00:00Z'), 2 * MIN, 'no stop: the range runs up to now')
  t.equal(ttl('/v2/organizations/1001/time_edit_logs', 'created[start]=2026-06-01T00:00:00Z&created[stop]=2026-06-30T00:00:00Z'), 6 * HOUR, 'time edit logs are ranged by `created`')
  t.equal(ttl('/v2/organizations/1001/time_edit_logs', 'date[start]=2026-06-01&date[stop]=2026-06-30'), 2 * MIN, 'not by `date`, which Hubstaff does not read there')
  t.equal(ttl(daily, 'date[start]=2026-07-01T00:00:00.000Z&date[stop]=2026-07-07T00:00:00.000Z'), 6 * HOUR, 'a date parameter given date-times counts their dates, as Hubstaff reads them')
  t.equal(ttl(daily, 'date[start]=2026-07-14T00:00:00.000Z&date[stop]=2026-07-14T00:00:00.000Z'), 2 * MIN, 'the whole of that day, which ended 12 h ago: open')
  t.equal(ttl(daily, 'date[start]=2026-07-01&date[stop]=garbage'), 2 * MIN, 'an unreadable stop counts as open (Hubstaff answers 400 anyway)')
  t.end()
})

void t.test('through the stage: last week stays for hours, today for minutes', async (t) => {
  const { handle, stub, clock } = cacheAround({ staleWhileRevalidate: 0, staleIfError: 0 })
  const lastWeek = req('GET', '/v2/organizations/1001/activities/daily?date[start]=2026-07-06&date[stop]=2026-07-10')
  const thisWeek = req('GET', '/v2/organizations/1001/activities/daily?date[start]=2026-07-13&date[stop]=2026-07-15')
  await handle(lastWeek)
  await handle(thisWeek)
  t.equal(stub.calls.length, 2)

  clock.advance(2 * MIN)
  t.equal(header(await handle(lastWeek), 'cache-status'), `hubstaff-gateway; hit; ttl=${6 * 3600 - 120}`)
  t.equal(header(await handle(thisWeek), 'cache-status'), 'hubstaff-gateway; fwd=miss; stored', 'today: refetched after 2 minutes (no stale window here)')
  t.equal(stub.calls.length, 3)

  clock.advance(5 * HOUR)
  t.match(header(await handle(lastWeek), 'cache-status'), /; hit;/, 'last week: still a hit after 5 hours')
  clock.advance(HOUR)
  t.match(header(await handle(lastWeek), 'cache-status'), /fwd=/, 'and refetched after 6')
})

void t.test('a range that settles while cached is judged again when refetched', async (t) => {
  // Yesterday, asked at noon: open (2 min). Asked again the next noon: settled (6 h).
  const { handle, clock } = cacheAround({ staleWhileRevalidate: 0, staleIfError: 0 })
  const yesterday = req('GET', '/v2/organizations/1001/activities/daily?date[start]=2026-07-14&date[stop]=2026-07-14')
  await handle(yesterday)
  clock.advance(3 * MIN)
  t.equal(header(await handle(yesterday), 'cache-status'), 'hubstaff-gateway; fwd=miss; stored')
  clock.advance(24 * HOUR)
  await handle(yesterday)
  clock.advance(HOUR)
  t.match(header(await handle(yesterday), 'cache-status'), /; hit;/)
})
