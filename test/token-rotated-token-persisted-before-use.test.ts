// The exchange killed the old refresh token upstream; if the process died after handing out the
// new access token but before writing the new refresh token, the store would hold a dead token.
// So the write must complete before accessToken() resolves, and the file must be private.
import { readFile, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { TokenManager } from '../src/token/manager.js'
import { FileTokenStore, seedHash } from '../src/token/store.js'
import { Clock, MemoryTokenStore, StubExchange, deferred, silentLogger, tempDir, until } from './helpers/memory-token-store.js'

void t.test('accessToken() does not resolve before the store write has completed', async (t) => {
  const clock = new Clock()
  const store = new MemoryTokenStore({ initial: { refreshToken: 'refresh-0', seeds: [] } })
  const gate = deferred()
  store.writeGate = gate.promise
  const exchange = new StubExchange(clock.now)
  const m = new TokenManager({ store, exchange: exchange.fn, refreshMarginMs: 120_000, logger: silentLogger(), now: clock.now })
  t.teardown(() => m.close())
  await m.init()

  let resolved = false
  const pending = m.accessToken().then((token) => {
    resolved = true
    store.events.push('resolved')
    return token
  })
  const joined = m.accessToken()
  await until(() => store.events.includes('write-start'), 5000, 'the write to start')
  // Give the manager every chance to hand the token out early.
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(exchange.calls.length, 1)
  t.notOk(resolved, 'no token while the rotated refresh token is not on disk')
  t.equal(store.data?.refreshToken, 'refresh-0')

  gate.resolve()
  const token = await pending
  t.equal(await joined, token)
  t.same(store.events, ['write-start', 'write-end', 'resolved'], 'write completes, then the token is handed out')
  t.equal(store.data?.refreshToken, 'refresh-1')
  t.equal(store.data?.accessToken, token)
})

void t.test('FileTokenStore: the new refresh token is on disk, private, valid JSON when the token is handed out', async (t) => {
  const clock = new Clock()
  const stateDir = join(tempDir(t), 'state')
  const store = new FileTokenStore({ stateDir })
  const exchange = new StubExchange(clock.now)
  const m = new TokenManager({ store, exchange: exchange.fn, seed: 'pat-1', refreshMarginMs: 120_000, logger: silentLogger(), now: clock.now })
  t.teardown(() => m.close())
  await m.init()

  // Read the file the moment the promise resolves: nothing else can have written it since.
  const { token, raw } = await m.accessToken().then(async (token) => ({ token, raw: await readFile(store.location, 'utf8') }))
  const onDisk = JSON.parse(raw) as Record<string, unknown>
  t.equal(onDisk.refreshToken, 'refresh-1', 'the rotated refresh token')
  t.equal(onDisk.accessToken, token)
  t.type(onDisk.expiresAt, 'number')
  t.equal(onDisk.refreshedAt, clock.t)
  t.same(onDisk.seeds, [seedHash('pat-1')], 'the seed is stored only as a hash')
  t.notMatch(raw, 'pat-1', 'the seed itself is not written')

  t.equal(store.location, join(stateDir, 'tokens.json'))
  t.equal((await stat(store.location)).mode & 0o777, 0o600, 'tokens.json is 0600')
  t.equal((await stat(stateDir)).mode & 0o777, 0o700, 'the state dir it created is 0700')
  t.same(await readdir(stateDir), ['tokens.json'], 'no temp file and no lock left behind')

  const reread = await store.read()
  t.equal(reread?.refreshToken, 'refresh-1', 'FileTokenStore reads back what it wrote')

  // Next rotation overwrites in place and keeps the mode.
  clock.advance(3600_000)
  await m.accessToken()
  t.equal((await store.read())?.refreshToken, 'refresh-2')
  t.equal((await stat(store.location)).mode & 0o777, 0o600)
})
