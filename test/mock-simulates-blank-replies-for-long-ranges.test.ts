// --mock-blank-after: the mock answers Hubstaff's blank reply (504, empty body) to a date range
// longer than the span, as Hubstaff answers a query past its 30-second limit. The split runs in
// front of the mock as in front of Hubstaff, so an app sees what it would see live: the range
// answered whole, merged from pieces. With --split off the app sees the blank reply itself.
import t, { type Test } from 'tap'
import { request } from 'undici'
import { startTestGateway, type Settings } from './helpers/gateway.js'

const DAY = 86_400_000
const today = Math.floor(Date.now() / DAY) * DAY
const time = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z')
const range = (from: number, days: number) => `time_slot[start]=${time(from)}&time_slot[stop]=${time(from + days * DAY)}`

async function gateway(t: Test, settings: Settings) {
  const gw = await startTestGateway({ mode: 'mock', stateDir: t.testdir(), ...settings })
  t.teardown(() => gw.close())
  const org = ((await (await request(`${gw.address}/v2/organizations`)).body.json()) as { organizations: { id: number }[] }).organizations[0]?.id
  const get = async (query: string) => {
    const res = await request(`${gw.address}/v2/organizations/${org}/activities?${query}`)
    const text = await res.body.text()
    const body = () => JSON.parse(text) as { activities: { id: number }[]; pagination?: { next_page_start_id: number } }
    return { status: res.statusCode, source: res.headers['x-gateway-source'], text, body, ids: () => body().activities.map((a) => a.id) }
  }
  return { gw, get }
}

void t.test('--mock-blank-after 1d with the split on: a longer range is answered whole, merged from pieces', async (t) => {
  const { get } = await gateway(t, { mockBlankAfter: '1d' })
  const from = today - 3 * DAY
  const days = [] as number[]
  for (let d = 0; d < 3; d++) {
    const one = await get(`${range(from + d * DAY, 1)}&page_limit=500`)
    t.equal(one.status, 200, `day ${d + 1}: within the span, answered by the mock`)
    t.equal(one.source, 'mock')
    t.notOk(one.body().pagination, 'one page holds the day')
    days.push(...one.ids())
  }
  t.ok(days.length > 0, `${days.length} activities over three days`)
  const merged: number[] = []
  let next = ''
  for (let pages = 0; pages < 20; pages++) {
    const page = await get(`${range(from, 3)}&page_limit=200${next}`)
    t.equal(page.status, 200, 'three days: the blank reply is split and merged')
    t.equal(page.source, 'split')
    merged.push(...page.ids())
    const cursor = page.body().pagination?.next_page_start_id
    if (cursor === undefined) break
    next = `&page_start_id=${cursor}`
  }
  t.same(merged.sort(), days.sort(), 'the merged pages hold exactly the records of the three days')
})

void t.test('--mock-blank-after 1d with --split off: apps see the blank reply', async (t) => {
  const { get } = await gateway(t, { mockBlankAfter: '1d', split: 'off' })
  for (let i = 0; i < 2; i++) {
    const longer = await get(range(today - 3 * DAY, 2))
    t.equal(longer.status, 504, 'two days: the blank reply')
    t.equal(longer.text, '', 'with an empty body')
    t.equal(longer.source, 'mock')
  }
  t.equal((await get(range(today - DAY, 1))).status, 200, 'one day answers')
  t.equal((await get(`time_slot[start]=${time(today - DAY)}`)).status, 504, 'a range open at one end spans the endpoint’s longest: blank')
})

void t.test('without --mock-blank-after, a range within Hubstaff limits answers at once', async (t) => {
  const { get } = await gateway(t, {})
  const res = await get(range(today - 7 * DAY, 7))
  t.equal(res.status, 200)
  t.equal(res.source, 'mock')
})

void t.test('a range longer than Hubstaff allows is cut up front by the split, or refused with Hubstaff’s 400 with --split off', async (t) => {
  const on = await gateway(t, {})
  const cut = await on.get(`${range(today - 20 * DAY, 20)}&page_limit=500`)
  t.equal(cut.status, 200, 'twenty days of activities, cut into pieces of seven', { body: cut.text.slice(0, 300) })
  t.equal(cut.source, 'split')
  const off = await gateway(t, { split: 'off' })
  const refused = await off.get(range(today - 20 * DAY, 20))
  t.equal(refused.status, 400, 'the twin refuses what Hubstaff refuses')
  t.match(JSON.parse(refused.text), { code: 'invalid_params' })
})
