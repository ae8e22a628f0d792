// The sessions of the twin, without HTTP: each named session reads and writes its own fork of the
// seeded organization, reset goes back to the seed, idle sessions are dropped on the injected clock
// (no sleeps), fixtures build exactly the given organization and state counts its records. The real
// World is used, so forks are the engine's copy-on-write forks.
import t from 'tap'
import type { Dataset } from '../src/twin/dataset.js'
import { sessionName, Sessions } from '../src/twin/sessions.js'
import { World } from '../src/twin/world.js'

const SEED: Dataset = {
  me: 1,
  collections: {
    User: [{ id: 1, name: 'Ada' }, { id: 2, name: 'Grace' }],
    Project: [{ id: 10, name: 'Apollo' }],
  },
}

function addProject(world: World, id: number): void {
  world.write('Project').insert({ id, name: `P${id}` })
}

function setup(options: { idleMs?: number; max?: number } = {}) {
  let now = 1_000_000
  const sessions = new Sessions<World>({ seed: () => SEED, build: (d) => World.fromDataset(d), now: () => now, ...options })
  return { sessions, advance: (ms: number) => void (now += ms) }
}

void t.test('two sessions never see each other’s writes, nor the default world’s', (t) => {
  const { sessions } = setup()
  addProject(sessions.world('a'), 11)
  addProject(sessions.world('b'), 12)
  addProject(sessions.world(), 13)
  t.same(sessions.world('a').read('Project')?.get(12), undefined, 'a does not see b')
  t.ok(sessions.world('a').read('Project')?.get(11), 'a sees its own write')
  t.same(sessions.world('b').read('Project')?.get(11), undefined, 'b does not see a')
  t.same(sessions.world('c').read('Project')?.get(13), undefined, 'a new session starts from the seed, not from the default world')
  t.equal(sessions.state('a').counts.Project, 2)
  t.equal(sessions.state('b').counts.Project, 2)
  t.equal(sessions.state().counts.Project, 2)
  t.equal(sessions.state('c').counts.Project, 1)
  t.end()
})

void t.test('reset restores the seed: one session, or every world', (t) => {
  const { sessions } = setup()
  addProject(sessions.world('a'), 11)
  addProject(sessions.world('b'), 12)
  addProject(sessions.world(), 13)
  sessions.reset('a')
  t.equal(sessions.state('a').counts.Project, 1, 'a is back to the seed')
  t.equal(sessions.state('b').counts.Project, 2, 'b keeps its write')
  t.equal(sessions.state().counts.Project, 2, 'the default world keeps its write')
  sessions.reset()
  t.equal(sessions.size, 0, 'every session dropped')
  t.equal(sessions.state('b').counts.Project, 1)
  t.equal(sessions.state().counts.Project, 1, 'the default world is back to the seed')
  t.end()
})

void t.test('a session unused for the idle time is dropped with its writes', (t) => {
  const { sessions, advance } = setup({ idleMs: 60_000 })
  addProject(sessions.world('old'), 11)
  advance(30_000)
  addProject(sessions.world('young'), 12)
  advance(30_000)
  t.equal(sessions.state('young').counts.Project, 2, 'a session used within the idle time is kept')
  t.equal(sessions.size, 1, 'the idle one is gone')
  t.equal(sessions.world('old').read('Project')?.get(11), undefined, 'a dropped session starts again from the seed')
  t.end()
})

void t.test('past the cap, the session unused longest goes first', (t) => {
  const { sessions, advance } = setup({ max: 2 })
  addProject(sessions.world('a'), 11)
  advance(1)
  addProject(sessions.world('b'), 12)
  advance(1)
  sessions.world('a')
  advance(1)
  sessions.world('c')
  t.equal(sessions.size, 2)
  t.equal(sessions.state('a').counts.Project, 2, 'a was used after b: kept')
  t.equal(sessions.world('b').read('Project')?.get(12), undefined, 'b was dropped')
  t.end()
})

void t.test('fixtures build exactly the given organization, in one session or the default world', (t) => {
  const { sessions } = setup()
  const fixtures: Dataset = { me: 7, collections: { User: [{ id: 7, name: 'Lin' }], Task: [{ id: 1, summary: 'x' }, { id: 2, summary: 'y' }] } }
  const before = sessions.tag('s')
  sessions.loadFixtures(fixtures, 's')
  t.same(sessions.state('s'), { session: 's', counts: { User: 1, Task: 2 }, sessions: 1 })
  t.equal(sessions.world('s').me, 7)
  t.not(sessions.tag('s'), before, 'the session’s tag changes, so nothing kept from before is served')
  t.same(sessions.state().counts, { User: 2, Project: 1 }, 'the default world is untouched')
  sessions.loadFixtures(fixtures)
  t.same(sessions.state().counts, { User: 1, Task: 2 })
  sessions.reset()
  t.same(sessions.state().counts, { User: 2, Project: 1 }, 'reset goes back to the seed, not to the fixtures')
  t.end()
})

void t.test('tags tell worlds apart and change with a reset', (t) => {
  const { sessions } = setup()
  const a = sessions.tag('a')
  t.not(a, sessions.tag('b'))
  t.not(a, sessions.tag(undefined))
  t.equal(sessions.tag('a'), a, 'stable while the world lives')
  sessions.reset('a')
  t.not(sessions.tag('a'), a)
  t.equal(sessions.tag('bad name'), 'invalid')
  t.notMatch(sessions.tag('a'), / /, 'no spaces: tags go into cache keys')
  t.end()
})

void t.test('session names are bounded', (t) => {
  t.equal(sessionName(undefined), undefined)
  t.equal(sessionName('test-42.a_b'), 'test-42.a_b')
  t.equal(sessionName('x'.repeat(64)), 'x'.repeat(64))
  for (const bad of ['', 'x'.repeat(65), 'a b', 'é', '../x', 'a,b']) {
    t.throws(() => sessionName(bad), { code: 'HSG_MOCK_SESSION_INVALID' }, JSON.stringify(bad))
  }
  t.throws(() => sessionName(['a', 'b']), { code: 'HSG_MOCK_SESSION_INVALID' }, 'sent twice')
  t.end()
})
