// Property: whatever list an app reads, every record in it, and every record it refers to
// (`user_id`, `project_id`, `task_id`, side-loads, a member's user), reads the same through its own
// `/{id}` operation: the twin has one model, not one answer per endpoint.
import fc from 'fast-check'
import t, { type Test } from 'tap'
import { OPERATIONS } from '../src/api/description.js'
import type { Dataset } from '../src/twin/dataset.js'
import { World } from '../src/twin/world.js'
import { NOW, ORG, ask, generatedDataset, smallDataset, twinEngine, walk } from './helpers/twin-world.js'

const engine = twinEngine()
const DAY = 86_400_000

/** `GET /v2/<x>/{id}` per record schema, for records and the ids that name them. */
const getters = new Map<string, string>()
for (const op of OPERATIONS) if (op.method === 'GET' && op.twin.kind === 'get' && op.params.filter((p) => p.in === 'path').length === 1) getters.set(op.twin.collection, op.path)
const LINKS: Readonly<Record<string, string>> = { user_id: 'User', project_id: 'Project', task_id: 'Task', client_id: 'Client', last_project_id: 'Project', last_task_id: 'Task' }
const SIDELOAD: Readonly<Record<string, string>> = { User: 'users', Project: 'projects', Task: 'tasks', Client: 'clients' }

function lists(org: number, now: number, dayBack: number): string[] {
  const from = new Date(Math.floor(now / DAY) * DAY - dayBack * DAY).toISOString()
  const to = new Date(Math.floor(now / DAY) * DAY - dayBack * DAY + 2 * DAY).toISOString()
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
  return [
    `/v2/organizations/${org}/projects?status=all&include=clients`,
    `/v2/organizations/${org}/tasks?include=users,projects`,
    `/v2/organizations/${org}/members?include=users,projects&include_removed=true`,
    `/v2/organizations/${org}/clients?status=all`,
    `/v2/organizations/${org}/teams`,
    `/v2/organizations/${org}/activities?time_slot[start]=${from}&time_slot[stop]=${to}&include=users,projects,tasks`,
    `/v2/organizations/${org}/notes?time_slot[start]=${from}&time_slot[stop]=${to}&include=users,projects,tasks`,
    `/v2/organizations/${org}/activities/daily?date[start]=${day(Date.parse(from))}&date[stop]=${day(Date.parse(to))}&include=users,projects,tasks`,
    `/v2/organizations/${org}/last_activities?include=users,projects,tasks`,
    `/v2/projects/2001/tasks?include=users`,
  ]
}

function check(t: Test, world: World, now: number, url: string, limit: number): void {
  const answer = ask(engine, world, 'GET', `${url}${url.includes('?') ? '&' : '?'}page_limit=${limit}`, { now })
  t.equal(answer.status, 200, url)
  if (answer.status !== 200) return
  const body = answer.json()
  const listKey = Object.keys(body)[0] as string
  const collection = OPERATIONS.find((op) => op.ok.kind === 'list' && op.ok.key === listKey && url.includes(op.path.split('/').at(-1) as string))?.ok
  const schema = collection?.kind === 'list' ? collection.schema : undefined
  const read = (name: string, id: number) => {
    const path = getters.get(name)?.replace(/\{[^}]+\}/, String(id))
    return path === undefined ? undefined : ask(engine, world, 'GET', path, { now })
  }
  for (const record of body[listKey] as Record<string, unknown>[]) {
    if (schema !== undefined && typeof record.id === 'number' && getters.has(schema) && !/daily|last_activities/.test(url)) {
      const one = read(schema, record.id)?.json() as Record<string, unknown>
      t.same(Object.values(one)[0], record, `${schema} ${record.id} reads the same by id`)
    }
    for (const [field, target] of Object.entries(LINKS)) {
      const id = record[field]
      if (typeof id !== 'number') continue
      const one = read(target, id)
      if (one === undefined) continue
      t.equal(one.status, 200, `${field} ${id} of ${url} exists`)
      const loaded = (body[SIDELOAD[target] ?? ''] as { id: number }[] | undefined)?.find((r) => r.id === id)
      if (loaded !== undefined) t.same(one.json()[Object.keys(one.json())[0] as string], loaded, `the side-loaded ${target} ${id} is the record`)
      else if (body[SIDELOAD[target] ?? ''] !== undefined) t.fail(`${target} ${id} is referred to but not side-loaded`)
    }
    if (typeof record.user === 'object' && record.user !== null) t.same(read('User', record.user_id as number)?.json().user, record.user, 'a member shows its user as it is')
  }
  for (const [target, key] of Object.entries(SIDELOAD)) {
    const loaded = body[key] as { id: number }[] | undefined
    if (loaded === undefined) continue
    t.same(loaded.map((r) => r.id), [...new Set(loaded.map((r) => r.id))].sort((a, b) => a - b), `${key} are each once, in id order`)
    for (const r of loaded) t.equal(read(target, r.id)?.status, 200)
  }
}

function property(t: Test, dataset: Dataset, org: number, now: number): void {
  const world = World.fromDataset(dataset)
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 40 }), (which, dayBack, limit) => {
      const url = lists(org, now, dayBack)[which] as string
      if (url.startsWith('/v2/projects/2001') && !world.get('Project', 2001)) return
      check(t, world, now, url, limit)
    }),
    { numRuns: 60 },
  )
}

void t.test('ids in the hand-built world resolve to the records the lists show', (t) => {
  property(t, smallDataset(), ORG, NOW)
  t.end()
})

void t.test('ids in a generated world resolve to the records the lists show', async (t) => {
  const { dataset, now } = await generatedDataset()
  const org = (dataset.collections.Organization?.[0]?.id ?? 0)
  property(t, dataset, org, now)
  const world = World.fromDataset(dataset)
  const all = walk(engine, world, `/v2/organizations/${org}/tasks?status=active,completed,deleted`, 100, now).records
  t.ok(all.length > 0, 'the generated world has tasks to check')
})
