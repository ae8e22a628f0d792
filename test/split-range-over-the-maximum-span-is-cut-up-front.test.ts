// Activities allow 7 days per request. An app asking for 30 days gets 30 days: the gateway cuts the
// range before sending it, so Hubstaff never sees (and never refuses) the long one. With
// --split-up-front off, and for reversed or malformed ranges, Hubstaff's own 400 reaches the app.
import t from 'tap'
import { request } from 'undici'
import { activitiesBetween } from './helpers/fake-hubstaff-data.js'
import { FAKE_DATA } from './helpers/fake-hubstaff.js'
import { startLiveGateway } from './helpers/gateway.js'
import { ids, walk } from './helpers/split-walk.js'

const PATH = `/v2/organizations/${FAKE_DATA.organizationId}/activities`
const START = Date.UTC(2026, 0, 5)
const STOP = Date.UTC(2026, 1, 4) // 30 days later
const QUERY = 'time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-02-04T00:00:00Z'
const DAY = 86_400_000

void t.test('30 days of activities, page by page', async (t) => {
  const { fake, gw } = await startLiveGateway(t)
  const got = await walk(gw.address, PATH, QUERY, 'activities', 100)
  const expected = activitiesBetween(START, STOP, Date.now())
  t.equal(expected.length, 22 * 48 * 5, '22 working days of five users')
  t.same(ids(got.records), ids(expected), 'every activity of the 30 days, in id order')
  t.same(got.records, expected)
  t.equal(got.pages[0]?.headers['x-gateway-source'], 'split')
  t.match(String(got.pages[0]?.headers['x-gateway-split']), /^pieces=5; depth=0; upstream=\d+$/, 'five pieces of six days, cut up front')

  const spans = fake.requests.map((r) => {
    const q = new URLSearchParams(r.query)
    return Date.parse(q.get('time_slot[stop]') ?? '') - Date.parse(q.get('time_slot[start]') ?? '')
  })
  t.ok(spans.every((ms) => ms <= 7 * DAY), 'no request to Hubstaff spans more than 7 days')
  t.ok(spans.every((ms) => ms % DAY === 0), 'the pieces are whole days')
  const before = fake.stats.apiRequests
  const again = await walk(gw.address, PATH, QUERY, 'activities', 100)
  t.same(ids(again.records), ids(expected), 'the walk again')
  t.equal(fake.stats.apiRequests, before, 'costs nothing: the first page is cached, the others come from the merged result')
})

void t.test('without a page_limit: the whole range in one answer', async (t) => {
  const { gw } = await startLiveGateway(t)
  const res = await request(`${gw.address}${PATH}?${QUERY}&include=users`)
  const body = (await res.body.json()) as { activities: { id: number; user_id: number }[]; users: { id: number }[]; pagination?: unknown }
  t.equal(res.statusCode, 200)
  t.equal(body.activities.length, 22 * 48 * 5)
  t.notOk('pagination' in body, 'nothing left to page through')
  t.same(body.users.map((u) => u.id), [...FAKE_DATA.userIds], 'side-loaded users merged once each, in id order')
})

void t.test('what is not split goes to Hubstaff as sent', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { splitUpFront: 'off' })
  const cases = [
    ['30 days with --split-up-front off', QUERY],
    ['a reversed range', 'time_slot[start]=2026-01-12T00:00:00Z&time_slot[stop]=2026-01-05T00:00:00Z'],
    ['a malformed start', 'time_slot[start]=last-monday&time_slot[stop]=2026-01-05T00:00:00Z'],
    ['no stop', 'time_slot[start]=2026-01-05T00:00:00Z'],
  ] as const
  for (const [what, query] of cases) {
    const before = fake.stats.apiRequests
    const res = await request(`${gw.address}${PATH}?${query}`)
    const body = (await res.body.json()) as { code?: string; error_code?: number }
    t.equal(res.statusCode, 400, `${what}: Hubstaff's 400`)
    t.equal(body.code, 'invalid_params', `${what}: Hubstaff's own envelope`)
    t.equal(res.headers['x-gateway-source'], 'upstream', what)
    t.equal(fake.stats.apiRequests - before, 1, `${what}: sent once, as it was`)
  }
})

void t.test('a piece Hubstaff refuses: the app gets that answer', async (t) => {
  const { gw } = await startLiveGateway(t)
  const res = await request(`${gw.address}/v2/organizations/9999/activities?${QUERY}`)
  const body = (await res.body.json()) as { code?: string }
  t.equal(res.statusCode, 404, "Hubstaff's 404 for an organization it does not know")
  t.equal(body.code, 'not_found')
  t.equal(res.headers['x-gateway-source'], 'upstream')
})
