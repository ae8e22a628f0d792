// Property: walking any list to its end, with any page_limit, gives each record once, in id order,
// the same records one big page gives; `pagination` is there exactly when another page is.
import fc from 'fast-check'
import t, { type Test } from 'tap'
import type { Dataset } from '../src/twin/dataset.js'
import { World } from '../src/twin/world.js'
import { NOW, ORG, ask, generatedDataset, smallDataset, twinEngine, walk } from './helpers/twin-world.js'

const engine = twinEngine()
const DAY = 86_400_000

function urls(org: number, now: number): string[] {
  const day = Math.floor(now / DAY) * DAY
  const iso = (ms: number) => new Date(ms).toISOString()
  return [
    `/v2/organizations/${org}/tasks?status=active,completed,deleted`,
    `/v2/organizations/${org}/projects?status=all`,
    `/v2/organizations/${org}/members?include_removed=true&include=users`,
    `/v2/organizations/${org}/activities?time_slot[start]=${iso(day - 6 * DAY)}&time_slot[stop]=${iso(day + DAY)}&include=users,tasks`,
    `/v2/organizations/${org}/activities/daily?date[start]=${iso(day - 30 * DAY).slice(0, 10)}&date[stop]=${iso(day).slice(0, 10)}`,
    `/v2/organizations/${org}/tool_usages/daily?date[start]=${iso(day - 13 * DAY).slice(0, 10)}&date[stop]=${iso(day).slice(0, 10)}`,
    `/v2/organizations/${org}/screenshots?time_slot[start]=${iso(day - 2 * DAY)}&time_slot[stop]=${iso(day + DAY)}`,
    `/v2/organizations/${org}/last_activities`,
  ]
}

function property(t: Test, dataset: Dataset, org: number, now: number): void {
  const world = World.fromDataset(dataset)
  const all = urls(org, now)
  const whole = new Map(all.map((url) => [url, walk(engine, world, url, 500, now).records]))
  fc.assert(
    fc.property(fc.integer({ min: 0, max: all.length - 1 }), fc.integer({ min: 1, max: 9 }), (which, limit) => {
      const url = all[which] as string
      const { records, pages } = walk(engine, world, url, limit, now)
      const ids = records.map((r) => r.id ?? r.user_id)
      t.same(ids, [...ids].sort((a, b) => a - b), `${url} comes in id order`)
      t.equal(new Set(ids).size, ids.length, 'each record once')
      t.same(records, whole.get(url), `page_limit=${limit} walks to the same records`)
      t.equal(pages, Math.max(1, Math.ceil(records.length / limit)), 'no empty page at the end')
    }),
    { numRuns: 60 },
  )
}

void t.test('walking the hand-built world', (t) => {
  property(t, smallDataset(), ORG, NOW)
  t.end()
})

void t.test('walking a generated world', async (t) => {
  const { dataset, now } = await generatedDataset()
  property(t, dataset, dataset.collections.Organization?.[0]?.id ?? 0, now)
})

void t.test('a page starts at page_start_id inclusive, and the last page has no pagination', (t) => {
  const world = World.fromDataset(smallDataset())
  const url = `/v2/organizations/${ORG}/projects?status=all`
  t.same(ask(engine, world, 'GET', `${url}&page_limit=2`).json().pagination, { next_page_start_id: 2003 })
  const from = ask(engine, world, 'GET', `${url}&page_limit=2&page_start_id=2002`).json()
  t.same(from.projects.map((p: { id: number }) => p.id), [2002, 2003])
  t.notOk('pagination' in from)
  t.same(ask(engine, world, 'GET', `${url}&page_start_id=999999`).json(), { projects: [] })
  t.equal(ask(engine, world, 'GET', `${url}&page_limit=100000`).status, 200, 'a page limit over the most is cut to it')
  t.end()
})
