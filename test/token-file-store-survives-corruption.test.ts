// A token file that cannot be parsed must neither crash the gateway nor be silently overwritten:
// it is moved aside (nothing lost, the user can recover it) and a new lineage starts from the seed.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { GatewayError } from '../src/errors.js'
import { TokenManager } from '../src/token/manager.js'
import { FileTokenStore, seedHash } from '../src/token/store.js'
import { Clock, StubExchange, capturingLogger, tempDir } from './helpers/memory-token-store.js'

const GARBAGE = '{"refreshToken": "refresh-7", "seeds": [\n\u0000\u0000 half a file'

void t.test('read: absent is undefined, garbage and wrong shapes are HSG_AUTH_STORE_UNREADABLE', async (t) => {
  const dir = tempDir(t)
  const store = new FileTokenStore({ stateDir: dir })
  t.equal(await store.read(), undefined, 'no file yet')

  for (const bad of [GARBAGE, '', 'null', '[]', '"refresh-7"', '{"refreshToken": ""}', '{"accessToken": "a", "seeds": []}', '{"refreshToken": 42}']) {
    await writeFile(store.location, bad)
    await t.rejects(store.read(), { name: 'GatewayError', code: 'HSG_AUTH_STORE_UNREADABLE' }, JSON.stringify(bad))
  }

  await writeFile(store.location, JSON.stringify({ refreshToken: 'r', accessToken: 7, expiresAt: 'soon', seeds: ['h', 3] }))
  t.same(await store.read(), { refreshToken: 'r', accessToken: undefined, expiresAt: undefined, refreshedAt: undefined, seeds: ['h'] }, 'bad optional fields are dropped, not fatal')
})

void t.test('read: a store that cannot be read at all is HSG_AUTH_STORE_UNREADABLE', async (t) => {
  const dir = tempDir(t)
  const store = new FileTokenStore({ stateDir: dir })
  await mkdir(store.location)
  const err = await store.read().then(
    () => undefined,
    (e: unknown) => e,
  )
  t.type(err, GatewayError)
  t.equal((err as GatewayError).code, 'HSG_AUTH_STORE_UNREADABLE')
  t.match((err as GatewayError).message, store.location, 'the message names the file')
})

void t.test('quarantine moves the file aside and keeps it; nothing to move is undefined', async (t) => {
  const dir = tempDir(t)
  const store = new FileTokenStore({ stateDir: dir })
  t.equal(await store.quarantine(), undefined)
  await writeFile(store.location, GARBAGE)
  const aside = await store.quarantine()
  t.match(aside, /tokens\.json\.corrupt-\d+$/)
  t.equal(await readFile(aside ?? '', 'utf8'), GARBAGE, 'byte for byte')
  t.equal(await store.read(), undefined, 'the store is empty again')
})

void t.test('init with a corrupt store: moved aside, a new lineage from the seed', async (t) => {
  const clock = new Clock()
  const dir = tempDir(t)
  const store = new FileTokenStore({ stateDir: dir })
  await writeFile(store.location, GARBAGE, { mode: 0o600 })
  const exchange = new StubExchange(clock.now)
  const { logger, lines } = capturingLogger()
  const manager = new TokenManager({ store, exchange: exchange.fn, seed: 'pat-1', refreshMarginMs: 120_000, logger, now: clock.now })
  t.teardown(() => manager.close())

  await manager.init()
  const files = await readdir(dir)
  const aside = files.filter((f) => /^tokens\.json\.corrupt-\d+$/.test(f))
  t.equal(aside.length, 1, 'the corrupt file was moved aside')
  t.equal(await readFile(join(dir, aside[0] ?? ''), 'utf8'), GARBAGE, 'nothing lost')
  t.notOk(files.includes('tokens.json'))
  const logged = lines.find((l) => l.code === 'HSG_AUTH_STORE_UNREADABLE')
  t.equal(logged?.movedTo, join(dir, aside[0] ?? ''), 'the log says where it went')
  t.equal(manager.status().state, 'ok')
  t.ok(manager.hasToken)

  const token = await manager.accessToken()
  t.same(exchange.calls, ['pat-1'], 'the seed is exchanged')
  const stored = await store.read()
  t.equal(stored?.accessToken, token)
  t.equal(stored?.refreshToken, 'refresh-1')
  t.same(stored?.seeds, [seedHash('pat-1')])
  t.equal((await readdir(dir)).filter((f) => f.includes('corrupt')).length, 1, 'the quarantined copy is still there')
})

void t.test('init with a corrupt store and no seed: empty, and says so', async (t) => {
  const dir = tempDir(t)
  const store = new FileTokenStore({ stateDir: dir })
  await writeFile(store.location, 'not json at all')
  const exchange = new StubExchange(Date.now)
  const { logger } = capturingLogger()
  const manager = new TokenManager({ store, exchange: exchange.fn, refreshMarginMs: 120_000, logger })
  t.teardown(() => manager.close())
  await manager.init()
  t.equal(manager.status().state, 'empty')
  t.equal(manager.status().reason?.code, 'HSG_AUTH_NO_TOKEN')
  await t.rejects(manager.accessToken(), { code: 'HSG_AUTH_NO_TOKEN' })
  t.equal(exchange.calls.length, 0)
  t.equal((await readdir(dir)).filter((f) => f.startsWith('tokens.json.corrupt-')).length, 1)
})

void t.test('a store corrupted while running is not fatal: the token in memory is used and rewritten', async (t) => {
  const clock = new Clock()
  const dir = tempDir(t)
  const store = new FileTokenStore({ stateDir: dir })
  const exchange = new StubExchange(clock.now)
  const { logger } = capturingLogger()
  const manager = new TokenManager({ store, exchange: exchange.fn, seed: 'pat-1', refreshMarginMs: 120_000, logger, now: clock.now })
  t.teardown(() => manager.close())
  await manager.init()
  await manager.accessToken()
  await writeFile(store.location, GARBAGE)
  clock.advance(3600_000)
  await manager.accessToken()
  t.same(exchange.calls, ['pat-1', 'refresh-1'])
  t.equal((await store.read())?.refreshToken, 'refresh-2', 'the store is whole again')
})
