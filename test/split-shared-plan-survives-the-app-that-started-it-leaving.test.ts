// A page asked while another app's split of the same query runs waits for that plan instead of
// starting its own. The plan belongs to every app waiting for it: when the app that started it
// leaves, that app's request ends (499), the plan goes on, and the other app gets the whole merged
// answer without a second plan. Only when every app has left does the plan stop.
import t from 'tap'
import { Client, request } from 'undici'
import { hashKey } from '../src/apps.js'
import { DAY_MS } from './helpers/fake-hubstaff-data.js'
import { FAKE_DATA } from './helpers/fake-hubstaff.js'
import { startLiveGateway } from './helpers/gateway.js'
import { until } from './helpers/memory-token-store.js'
import { ids, referenceWalk } from './helpers/split-walk.js'

const PATH = `/v2/organizations/${FAKE_DATA.organizationId}/activities`
const WEEK = 'time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-01-12T00:00:00Z'
const KEYS = { dashboard: 'hsg_dashboard-key', report: 'hsg_report-key' }
const APPS = JSON.stringify([
  { name: 'dashboard', keySha256: hashKey(KEYS.dashboard) },
  { name: 'report', keySha256: hashKey(KEYS.report) },
])

/** An app on a connection of its own, so that leaving is what it is for a real app: the connection closes. */
function app(address: string, key: string, query: string): { answer: Promise<unknown>; leave: () => Promise<void> } {
  const client = new Client(address)
  const answer = client.request({ method: 'GET', path: `${PATH}?${query}`, headers: { 'x-gateway-key': key } }).then(
    async (res) => ({ status: res.statusCode, text: await res.body.text() }),
    (err: unknown) => err,
  )
  return { answer, leave: () => client.destroy() }
}

function rangeOf(query: string): string {
  const q = new URLSearchParams(query)
  return `${q.get('time_slot[start]') ?? ''}..${q.get('time_slot[stop]') ?? ''}`
}

void t.test('the app that started the plan leaves mid-plan; the other gets the whole answer', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { apps: APPS, splitConcurrency: 2 })
  fake.blank = { overMs: 2 * DAY_MS, form: 'empty 504' }
  const expected = await referenceWalk(fake, PATH, WEEK, 'activities', undefined)
  t.equal(expected.records.length, 5 * 48 * 5, 'the week holds five working days of five users')

  // Each upstream answer takes a while: the plan (one blank attempt, then seven days, two at a time) runs for a second or more.
  fake.apiDelayMs = 150
  const before = fake.requests.length
  const first = app(gw.address, KEYS.dashboard, `${WEEK}&page_limit=500`)
  await until(() => fake.requests.length - before >= 2, 10_000, 'the plan to send its first piece')
  // Another app, another page of the same query (all of it, without page_limit).
  const second = request(`${gw.address}${PATH}?${WEEK}`, { headers: { 'x-gateway-key': KEYS.report } })
  await until(() => gw.logRecords().some((r) => r.msg === 'joined a running split plan'), 10_000, 'the second app to wait for the running plan')
  t.ok(fake.requests.length - before < 8, 'the plan is still running when the first app leaves')
  await first.leave()
  t.type(await first.answer, Error, 'the app that left gets nothing')

  const res = await second
  const body = (await res.body.json()) as { activities: { id: number }[]; pagination?: unknown }
  t.equal(res.statusCode, 200, 'the other app gets its answer')
  t.equal(res.headers['x-gateway-source'], 'split')
  t.same(ids(body.activities), ids(expected.records), 'every record of the week, in id order')
  t.same(body.activities, expected.records, 'record for record')
  t.notOk('pagination' in body, 'all of it in one answer, as asked')

  const asked = fake.requests.slice(before).map((r) => rangeOf(r.query))
  t.equal(asked.length, 8, 'one plan: the blank attempt and the seven days, nothing asked twice')
  t.equal(new Set(asked).size, 8, 'no day was asked again by a second plan')
  t.equal(asked.filter((range) => range === '2026-01-05T00:00:00Z..2026-01-12T00:00:00Z').length, 1, 'the whole week was tried once')

  await until(() => gw.logRecords().some((r) => r.msg === 'request' && r.status === 499), 10_000, "the first app's request line")
  const lines = gw.logRecords().filter((r) => r.msg === 'request' && r.path === PATH)
  t.same(lines.map((r) => r.status).sort(), [200, 499], 'the app that left is logged as gone (499), the other as answered')
})

void t.test('when every app has left, the plan stops and the next request starts afresh', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { apps: APPS, splitConcurrency: 1 })
  fake.blank = { overMs: 2 * DAY_MS, form: 'empty 504' }
  fake.apiDelayMs = 150
  const before = fake.requests.length
  const a = app(gw.address, KEYS.dashboard, `${WEEK}&page_limit=500`)
  await until(() => fake.requests.length - before >= 2, 10_000, 'the plan to send its first piece')
  const b = app(gw.address, KEYS.report, WEEK)
  await until(() => gw.logRecords().some((r) => r.msg === 'joined a running split plan'), 10_000, 'the second app to wait for the running plan')
  await a.leave()
  await b.leave()
  for (const left of [a, b]) t.type(await left.answer, Error)
  await until(() => gw.logRecords().filter((r) => r.msg === 'request' && r.status === 499).length === 2, 10_000, 'both request lines')
  const sent = fake.requests.length
  await new Promise((resolve) => setTimeout(resolve, 600))
  t.ok(fake.requests.length - sent <= 1, 'nobody waits: no further piece is sent (one at most was already on its way)')
  t.ok(fake.requests.length - before < 8, 'the plan did not run to its end')

  fake.apiDelayMs = 0
  const res = await request(`${gw.address}${PATH}?${WEEK}&page_limit=500`, { headers: { 'x-gateway-key': KEYS.report } })
  const body = (await res.body.json()) as { activities: unknown[] }
  t.equal(res.statusCode, 200, 'a new request is answered by a plan of its own')
  t.equal(body.activities.length, 500)
})
