// Property: whatever a forked world writes, its parent and its siblings answer exactly as before;
// the fork itself answers with its writes. Forking costs one map of collections, however large.
import fc from 'fast-check'
import t from 'tap'
import { World } from '../src/twin/world.js'
import { ME, ORG, ask, smallDataset, twinEngine, walk } from './helpers/twin-world.js'

const engine = twinEngine()

const READS = [
  `/v2/organizations/${ORG}/tasks?status=active,completed,deleted`,
  `/v2/organizations/${ORG}/projects?status=all`,
  `/v2/organizations/${ORG}/members?include_removed=true&include=users`,
  `/v2/organizations/${ORG}/activities?time_slot[start]=2026-11-29T00:00:00Z&time_slot[stop]=2026-12-06T00:00:00Z`,
  `/v2/organizations/${ORG}/activities/daily?date[start]=2026-11-05&date[stop]=2026-12-05`,
  `/v2/organizations/${ORG}/last_activities`,
  '/v2/organizations',
  '/v2/users/me',
]

function snapshot(world: World): string[] {
  return READS.map((url) => (url.includes('?') || url.endsWith('s') ? JSON.stringify(walk(engine, world, url, 3).records) : ask(engine, world, 'GET', url).text))
}

type Write = (world: World) => number

const WRITES: Write[] = [
  (w) => ask(engine, w, 'POST', '/v2/projects/2001/tasks', { body: { summary: 'Forked task' } }).status,
  (w) => ask(engine, w, 'PUT', '/v2/tasks/3001', { body: { lock_version: ask(engine, w, 'GET', '/v2/tasks/3001').json().task.lock_version, summary: 'Changed in a fork' } }).status,
  (w) => ask(engine, w, 'DELETE', '/v2/tasks/3002').status,
  (w) => ask(engine, w, 'POST', `/v2/users/${ME}/time_entries`, { body: { project_id: 2001, start_time: '2026-12-05T06:00:00Z', tracked: 900 } }).status,
  (w) => ask(engine, w, 'PUT', `/v2/organizations/${ORG}/update_members`, { body: { members: [{ user_id: 502, role: 'remove' }] } }).status,
  (w) => ask(engine, w, 'PUT', `/v2/organizations/${ORG}/update_members`, { body: { members: [{ user_id: ME, first_name: 'Forked' }] } }).status,
  (w) => ask(engine, w, 'PUT', '/v2/projects/2002', { body: { status: 'archived' } }).status,
  (w) => ask(engine, w, 'POST', `/v2/organizations/${ORG}/members`, { body: { user: { email: `x${Math.random()}@example.com`, password: 'p' } } }).status,
]

void t.test('a fork\'s writes are invisible to its parent and its siblings', (t) => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: WRITES.length - 1 }), { minLength: 1, maxLength: 6 }), fc.boolean(), (writes, parentFirst) => {
      const seed = World.fromDataset(smallDataset())
      const parent = seed.fork()
      if (parentFirst) ask(engine, parent, 'PUT', '/v2/projects/2001', { body: { name: 'Parent wrote first' } })
      const before = snapshot(parent)
      const sibling = parent.fork()
      const fork = parent.fork()
      const siblingBefore = snapshot(sibling)
      const seedBefore = snapshot(seed)
      for (const i of writes) t.ok([200, 201, 204, 400, 422].includes((WRITES[i] as Write)(fork)), `write ${i} is answered`)
      t.same(snapshot(parent), before, 'the parent answers as before')
      t.same(snapshot(sibling), siblingBefore, 'a sibling answers as before')
      t.same(snapshot(seed), seedBefore, 'the seed answers as before')
      t.notSame(snapshot(fork), before, 'the fork answers with its writes')
    }),
    { numRuns: 30 },
  )
  t.end()
})

void t.test('a parent that writes after forking does not reach into its forks', (t) => {
  const parent = World.fromDataset(smallDataset())
  const fork = parent.fork()
  const before = snapshot(fork)
  ask(engine, parent, 'DELETE', '/v2/tasks/3001')
  ask(engine, parent, 'POST', '/v2/projects/2001/tasks', { body: { summary: 'Parent task' } })
  t.same(snapshot(fork), before)
  t.equal(ask(engine, parent, 'GET', '/v2/tasks/3001').json().task.status, 'deleted')
  t.equal(ask(engine, fork, 'GET', '/v2/tasks/3001').json().task.status, 'active')
  t.end()
})

void t.test('forking a large world is cheap and counts what it holds', (t) => {
  const rows = Array.from({ length: 200_000 }, (_, i) => ({ id: i + 1, _organization_id: ORG, name: `r${i}` }))
  const world = World.fromDataset({ me: ME, collections: { ...smallDataset().collections, Note: rows } })
  const started = performance.now()
  for (let i = 0; i < 1000; i++) world.fork()
  const ms = performance.now() - started
  t.ok(ms < 500, `1000 forks took ${ms.toFixed(1)} ms`)
  t.equal(world.fork().counts().Note, 200_000)
  t.equal(world.fork().counts().Task, smallDataset().collections.Task?.length)
  t.end()
})
