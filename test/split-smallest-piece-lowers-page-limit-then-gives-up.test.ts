// When even the smallest piece (an hour of activities) comes back blank, the gateway asks again
// with a lower page_limit, as Hubstaff advises. When nothing helps, the app gets 504
// HSG_SPLIT_EXHAUSTED naming the piece that failed, and the gateway keeps serving.
import t from 'tap'
import { request } from 'undici'
import { FAKE_DATA } from './helpers/fake-hubstaff.js'
import { startLiveGateway } from './helpers/gateway.js'
import { ids, referenceWalk, walk } from './helpers/split-walk.js'

const PATH = `/v2/organizations/${FAKE_DATA.organizationId}/activities`
// Two working hours of five users: 60 activities.
const QUERY = 'time_slot[start]=2026-01-05T09:00:00Z&time_slot[stop]=2026-01-05T11:00:00Z'

void t.test('hour pieces blank at page_limit 50 and 25, pass at 12', async (t) => {
  const { fake, gw } = await startLiveGateway(t)
  fake.blank = { overMs: 30 * 60_000, form: 'error 15001', smallPagesPass: 20 }
  const expected = await referenceWalk(fake, PATH, QUERY, 'activities', 50)
  t.equal(expected.records.length, 60)
  const got = await walk(gw.address, PATH, QUERY, 'activities', 50)
  t.same(ids(got.records), ids(expected.records), 'the same walk')
  t.same(got.pages.map((p) => (p.body.activities as unknown[]).length), [50, 10], "the app's page size is kept")
  const limits = fake.requests.map((r) => new URLSearchParams(r.query).get('page_limit'))
  t.ok(limits.includes('25') && limits.includes('12'), `page_limit lowered step by step (${[...new Set(limits)].join(', ')})`)
  t.match(String(got.pages[0]?.headers['x-gateway-split']), /^pieces=2; depth=1; /)
})

void t.test('blank at every size: 504 naming the piece', async (t) => {
  const { fake, gw } = await startLiveGateway(t)
  fake.blank = { overMs: 0, form: 'empty 200' }
  const res = await request(`${gw.address}${PATH}?${QUERY}&page_limit=50`)
  const body = (await res.body.json()) as { code: string; detail: string; piece: Record<string, unknown> }
  t.equal(res.statusCode, 504)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.equal(body.code, 'HSG_SPLIT_EXHAUSTED')
  t.match(body.piece, { 'time_slot[start]': /^2026-01-05T(09|10):00:00Z$/, page_limit: 10 }, 'the piece: one hour, at the lowest page_limit')
  t.match(body.detail, /time_slot\[start\]=2026-01-05T(09|10):00:00Z&time_slot\[stop\]=2026-01-05T(10|11):00:00Z&page_limit=10/, 'named in the detail too')
  const upstream = fake.stats.apiRequests
  t.ok(upstream <= 20, `a bounded number of attempts (${upstream})`)
  const status = (await (await request(`${gw.address}/_gateway/status`)).body.json()) as { cache: { entries: number } }
  t.equal(status.cache.entries, 0, 'nothing blank was cached')

  fake.blank = undefined
  const again = await request(`${gw.address}${PATH}?${QUERY}&page_limit=50`)
  const page = (await again.body.json()) as { activities: unknown[] }
  t.equal(again.statusCode, 200, 'the gateway keeps serving')
  t.equal(page.activities.length, 50)
  t.equal(again.headers['x-gateway-source'], 'upstream', 'no blank reply, no split')
})
