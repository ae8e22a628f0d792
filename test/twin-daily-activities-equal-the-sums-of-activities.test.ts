// Property: every daily activity is the sum of the activity slots of its user, project, task and
// date (tracked, overall, keyboard, mouse, input, billable and manual seconds), and every slot
// is counted in one; daily tool usages likewise sum the tool usage slots.
import fc from 'fast-check'
import t, { type Test } from 'tap'
import type { Dataset } from '../src/twin/dataset.js'
import { World } from '../src/twin/world.js'
import { NOW, ORG, generatedDataset, smallDataset, twinEngine, walk } from './helpers/twin-world.js'

const engine = twinEngine()
const DAY = 86_400_000
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read as loose JSON; the assertions check their shape
type Rec = Record<string, any>

const groupKey = (r: Rec, extra: string[] = []): string => [r.user_id, r.project_id, r.task_id ?? null, r.date, ...extra.map((f) => r[f])].join('|')

/** Every slot of the organization whose `date` lies in [first, last], walked in 7-day windows. */
function slotsByDate(world: World, now: number, org: number, path: string, first: number, last: number): Rec[] {
  const out: Rec[] = []
  // A slot's date is the organization's date: a day either side covers any time zone.
  for (let lo = first - DAY; lo < last + 2 * DAY; lo += 7 * DAY) {
    const hi = Math.min(lo + 7 * DAY, last + 2 * DAY)
    out.push(...walk(engine, world, `/v2/organizations/${org}/${path}?time_slot[start]=${new Date(lo).toISOString()}&time_slot[stop]=${new Date(hi).toISOString()}`, 500, now).records)
  }
  const from = new Date(first).toISOString().slice(0, 10)
  const to = new Date(last).toISOString().slice(0, 10)
  return out.filter((r) => r.date >= from && r.date <= to)
}

function sums(slots: Rec[], extra: string[], fields: Record<string, (r: Rec) => number>): Map<string, Rec> {
  const out = new Map<string, Rec>()
  for (const slot of slots) {
    const k = groupKey(slot, extra)
    const total = out.get(k) ?? Object.fromEntries(Object.keys(fields).map((f) => [f, 0]))
    for (const [f, of] of Object.entries(fields)) total[f] += of(slot)
    out.set(k, total)
  }
  return out
}

function property(t: Test, dataset: Dataset, org: number, now: number, maxBack: number): void {
  const world = World.fromDataset(dataset)
  const today = Math.floor(now / DAY) * DAY
  fc.assert(
    fc.property(fc.integer({ min: 0, max: maxBack }), fc.integer({ min: 0, max: 9 }), fc.boolean(), (back, span, tools) => {
      const first = today - back * DAY
      const last = Math.min(today, first + span * DAY)
      const range = `date[start]=${new Date(first).toISOString().slice(0, 10)}&date[stop]=${new Date(last).toISOString().slice(0, 10)}`
      if (tools) {
        const daily = walk(engine, world, `/v2/organizations/${org}/tool_usages/daily?${range}`, 50, now).records
        const want = sums(slotsByDate(world, now, org, 'tool_usages', first, last), ['name', 'tool_type'], { tracked: (r) => r.tracked, activations: (r) => r.activations ?? 0 })
        t.equal(daily.length, want.size, 'one daily tool usage per user, project, task, date and tool')
        for (const d of daily) t.same({ tracked: d.tracked, activations: d.activations }, want.get(groupKey(d, ['name', 'tool_type'])))
        return
      }
      const daily = walk(engine, world, `/v2/organizations/${org}/activities/daily?${range}`, 50, now).records
      const want = sums(slotsByDate(world, now, org, 'activities', first, last), [], {
        tracked: (r) => r.tracked,
        overall: (r) => r.overall,
        keyboard: (r) => r.keyboard,
        mouse: (r) => r.mouse,
        input_tracked: (r) => r.input_tracked,
        billable: (r) => (r.billable ? r.tracked : 0),
        manual: (r) => (r.time_type === 'manual' ? r.tracked : 0),
      })
      t.equal(daily.length, want.size, `${range}: one daily activity per user, project, task and date`)
      for (const d of daily) {
        const { tracked, overall, keyboard, mouse, input_tracked, billable, manual } = d
        t.same({ tracked, overall, keyboard, mouse, input_tracked, billable, manual }, want.get(groupKey(d)), `${groupKey(d)} sums its slots`)
      }
    }),
    { numRuns: 25 },
  )
}

void t.test('daily totals of the hand-built world are the sums of its slots', (t) => {
  property(t, smallDataset(), ORG, NOW, 25)
  t.end()
})

void t.test('daily totals of a generated world are the sums of its slots', async (t) => {
  const { dataset, now } = await generatedDataset()
  property(t, dataset, dataset.collections.Organization?.[0]?.id ?? 0, now, 25)
})

void t.test('daily totals keep their ids from one request to the next and after unrelated writes', (t) => {
  const world = World.fromDataset(smallDataset())
  const url = `/v2/organizations/${ORG}/activities/daily?date[start]=2026-11-05&date[stop]=2026-12-05`
  const before = walk(engine, world, url, 3).records
  t.same(walk(engine, world, url, 7).records, before)
  world.write('Task').replace({ ...(world.get('Task', 3001) as Rec), id: 3001, summary: 'Renamed' })
  t.same(walk(engine, world, url, 4).records, before)
  t.end()
})

void t.test('daily updates hold the totals whose slots changed in the range', (t) => {
  const world = World.fromDataset(smallDataset())
  const changed = walk(engine, world, `/v2/organizations/${ORG}/activities/updates?updated[start]=2026-12-04T00:00:00Z&updated[stop]=2026-12-05T12:00:00Z`, 50).records
  const daily = walk(engine, world, `/v2/organizations/${ORG}/activities/daily/updates?updated[start]=2026-12-04T00:00:00Z&updated[stop]=2026-12-05T12:00:00Z`, 2).records
  t.ok(changed.length > 0)
  const touched = new Set(changed.map((r) => groupKey(r)))
  t.ok(daily.length > 0)
  for (const d of daily) t.ok(touched.has(groupKey(d)), `${groupKey(d)} has a changed slot`)
  t.end()
})
