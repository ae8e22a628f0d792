// Property: a list filtered by a documented parameter (`user_ids`, `project_ids`, `task_ids`,
// `status`, `membership_roles`, `search[name]`) holds exactly the records of the unfiltered list
// that match it, whether the values are sent as `a=1,2` or `a[]=1&a[]=2`.
import fc from 'fast-check'
import t, { type Test } from 'tap'
import type { Dataset } from '../src/twin/dataset.js'
import { World } from '../src/twin/world.js'
import { NOW, ORG, generatedDataset, smallDataset, twinEngine, walk } from './helpers/twin-world.js'

const engine = twinEngine()
const DAY = 86_400_000
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read as loose JSON; the assertions check their shape
type Rec = Record<string, any>

interface Case {
  readonly url: string
  readonly param: string
  /** The values a record answers to for `param`. */
  readonly values: (r: Rec) => unknown[]
  /** A value chosen from a record, to search by (search[name] takes a piece of a name). */
  readonly pick?: (r: Rec) => string
}

function cases(org: number, now: number): Case[] {
  const start = new Date(Math.floor(now / DAY) * DAY - 6 * DAY).toISOString()
  const stop = new Date(Math.floor(now / DAY) * DAY + DAY).toISOString()
  const range = `time_slot[start]=${start}&time_slot[stop]=${stop}`
  const dates = `date[start]=${start.slice(0, 10)}&date[stop]=${stop.slice(0, 10)}`
  const ALL_TASKS = 'status=active,completed,deleted'
  return [
    { url: `/v2/organizations/${org}/tasks?${ALL_TASKS}`, param: 'user_ids', values: (r) => r.assignee_ids },
    { url: `/v2/organizations/${org}/tasks?${ALL_TASKS}`, param: 'project_ids', values: (r) => [r.project_id] },
    { url: `/v2/organizations/${org}/tasks`, param: 'status', values: (r) => [r.status] },
    { url: `/v2/organizations/${org}/projects?status=all`, param: 'project_ids', values: (r) => [r.id] },
    { url: `/v2/organizations/${org}/activities?${range}`, param: 'user_ids', values: (r) => [r.user_id] },
    { url: `/v2/organizations/${org}/activities?${range}`, param: 'project_ids', values: (r) => [r.project_id] },
    { url: `/v2/organizations/${org}/activities?${range}`, param: 'task_ids', values: (r) => [r.task_id] },
    { url: `/v2/organizations/${org}/activities/daily?${dates}`, param: 'user_ids', values: (r) => [r.user_id] },
    { url: `/v2/organizations/${org}/tool_usages?${range}`, param: 'project_ids', values: (r) => [r.project_id] },
    { url: `/v2/organizations/${org}/members?include_removed=true`, param: 'membership_roles', values: (r) => [r.membership_role] },
    { url: `/v2/organizations/${org}/members?include_removed=true`, param: 'user_ids', values: (r) => [r.user_id] },
    { url: `/v2/organizations/${org}/members?include_removed=true`, param: 'search[name]', values: (r) => [r.user?.name], pick: (r) => String(r.user?.name ?? '').slice(1, 4) },
  ]
}

const key = (r: Rec): string => JSON.stringify(r)
const join = (url: string, query: string): string => `${url}${url.includes('?') ? '&' : '?'}${query}`

function property(t: Test, dataset: Dataset, org: number, now: number): void {
  const world = World.fromDataset(dataset)
  const all = cases(org, now)
  const unfiltered = new Map(all.map((c) => [c.url, walk(engine, world, c.url, 500, now).records as Rec[]]))
  fc.assert(
    fc.property(fc.integer({ min: 0, max: all.length - 1 }), fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), fc.boolean(), fc.integer({ min: 1, max: 50 }), (which, picks, brackets, limit) => {
      const c = all[which] as Case
      const records = unfiltered.get(c.url) as Rec[]
      if (records.length === 0) return
      const chosen = picks.map((n) => records[n % records.length] as Rec)
      if (c.pick !== undefined) {
        const needle = c.pick(chosen[0] as Rec)
        const got = walk(engine, world, join(c.url, `${c.param}=${encodeURIComponent(needle)}`), limit, now).records
        const want = records.filter((r) => c.values(r).some((v) => String(v).toLowerCase().includes(needle.toLowerCase())))
        t.same(got.map(key), want.map(key), `${c.url} ${c.param}=${needle}`)
        return
      }
      const values = [...new Set(chosen.flatMap((r) => c.values(r)).filter((v) => v !== null && v !== undefined).map(String))]
      if (values.length === 0) return
      const query = brackets ? values.map((v) => `${c.param}[]=${v}`).join('&') : `${c.param}=${values.join(',')}`
      const got = walk(engine, world, join(c.url, query), limit, now).records
      const want = records.filter((r) => c.values(r).some((v) => values.includes(String(v))))
      t.same(got.map(key), want.map(key), `${c.url} ${query}`)
    }),
    { numRuns: 80 },
  )
}

void t.test('filters keep exactly the matching records of the hand-built world', (t) => {
  property(t, smallDataset(), ORG, NOW)
  t.end()
})

void t.test('filters keep exactly the matching records of a generated world', async (t) => {
  const { dataset, now } = await generatedDataset()
  property(t, dataset, dataset.collections.Organization?.[0]?.id ?? 0, now)
})

void t.test('projects default to the active ones; status=all shows the archived too', (t) => {
  const world = World.fromDataset(smallDataset())
  t.same(walk(engine, world, `/v2/organizations/${ORG}/projects`, 10).records.map((p) => p.status), ['active', 'active'])
  t.same(walk(engine, world, `/v2/organizations/${ORG}/projects?status=archived`, 10).records.map((p) => p.id), [2003])
  t.equal(walk(engine, world, `/v2/organizations/${ORG}/projects?status=all`, 10).records.length, 3)
  t.end()
})

void t.test('global_todo_ids keeps the tasks of those to-dos, and the time tracked on them', (t) => {
  const world = World.fromDataset(smallDataset())
  t.same(walk(engine, world, `/v2/organizations/${ORG}/tasks?global_todo_ids=901`, 10).records.map((r) => r.id), [3005])
  t.same(walk(engine, world, `/v2/organizations/${ORG}/tasks?only_global_todos=true`, 10).records.map((r) => r.id), [3005])
  const slots = walk(engine, world, `/v2/organizations/${ORG}/activities?time_slot[start]=2026-11-29T00:00:00Z&time_slot[stop]=2026-12-05T00:00:00Z&global_todo_ids[]=901`, 2).records
  t.same(slots.map((r) => r.id), [700701, 700702, 700703])
  t.end()
})
