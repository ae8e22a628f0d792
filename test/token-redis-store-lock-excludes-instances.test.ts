// RedisTokenStore makes N gateway instances one for token rotation: their withLock sections never
// overlap (exchanging one refresh token twice would lock one out), a lock whose owner died
// expires, a lock is released and renewed only by its owner, and the tokens round-trip through
// one key. Separate connections stand in for separate machines.
import type { Redis } from 'ioredis'
import t, { type Test } from 'tap'
import { isGatewayError } from '../src/errors.js'
import { createRedisClient, whenReady } from '../src/redis-client.js'
import { TokenManager } from '../src/token/manager.js'
import { RedisTokenStore, type RedisTokenStoreOptions } from '../src/token/redis-store.js'
import type { StoredTokens } from '../src/token/store.js'
import { Clock, StubExchange, deferred, silentLogger, sleep, until } from './helpers/memory-token-store.js'
import { REDIS_AVAILABLE, REDIS_SKIP, RedisServer, startRedis, uniquePrefix } from './helpers/redis-server.js'

if (!REDIS_AVAILABLE) {
  t.plan(0, REDIS_SKIP)
} else {
  const server = await startRedis(t)

  /** A store on a connection of its own, as another machine would have. */
  const instance = async (t: Test, options: Partial<RedisTokenStoreOptions> & { prefix: string }): Promise<RedisTokenStore> => {
    const store = new RedisTokenStore({ redis: server.url, ...options })
    t.teardown(() => store.close())
    t.ok(await whenReady(store.client, 5000), 'connected')
    return store
  }
  const admin = async (t: Test): Promise<Redis> => {
    const client = createRedisClient(server.url)
    t.teardown(() => client.disconnect())
    await whenReady(client, 5000)
    return client
  }

  void t.test('two instances: lock sections never overlap', async (t) => {
    const prefix = uniquePrefix('lock')
    const stores = [await instance(t, { prefix, lockRetryMs: 5 }), await instance(t, { prefix, lockRetryMs: 5 })]
    let inside = 0
    let most = 0
    let sections = 0
    await Promise.all(
      stores.flatMap((store) =>
        Array.from({ length: 8 }, () =>
          store.withLock(async () => {
            inside++
            most = Math.max(most, inside)
            await sleep(10)
            sections++
            inside--
          }),
        ),
      ),
    )
    t.equal(sections, 16, 'every section ran')
    t.equal(most, 1, 'never two at once')
  })

  void t.test('a held lock is renewed past its TTL; a waiter times out with HSG_AUTH_LOCK_TIMEOUT', async (t) => {
    const prefix = uniquePrefix('renew')
    const a = await instance(t, { prefix, lockTtlMs: 200 })
    const b = await instance(t, { prefix, lockWaitMs: 700 })
    const release = deferred()
    const held = a.withLock(() => release.promise)
    await sleep(20)
    const err = await b.withLock(() => Promise.resolve('got it')).catch((e: unknown) => e)
    t.ok(isGatewayError(err) && err.code === 'HSG_AUTH_LOCK_TIMEOUT', 'waited 700 ms for a lock whose TTL is 200 ms, in vain')
    release.resolve()
    await held
    t.equal(await b.withLock(() => Promise.resolve('got it')), 'got it', 'free once released')
  })

  void t.test("a lock whose owner died expires, and the owner learns it lost the lock", async (t) => {
    const prefix = uniquePrefix('dead')
    const lost: Error[] = []
    const a = await instance(t, { prefix, lockTtlMs: 300, onLockCompromised: (e) => lost.push(e) })
    const b = await instance(t, { prefix, lockWaitMs: 5000, lockRetryMs: 10 })
    const aEntered = deferred()
    const hang = deferred()
    const held = a.withLock(async () => {
      aEntered.resolve()
      await hang.promise
    })
    await aEntered.promise
    // The owner's machine is gone: no renewal reaches Redis any more.
    a.client.disconnect()
    const started = Date.now()
    t.equal(await b.withLock(() => Promise.resolve('b')), 'b', 'another instance gets the lock')
    const waited = Date.now() - started
    t.ok(waited >= 150 && waited < 2000, `after about the TTL (${waited} ms)`)
    await until(() => lost.length > 0, 2000, 'the compromised callback')
    t.ok(lost.length === 1, 'the dead owner would have been told once')
    hang.resolve()
    await held
  })

  void t.test('the lock is released and renewed only by its owner', async (t) => {
    const prefix = uniquePrefix('owner')
    const redis = await admin(t)
    const lost: Error[] = []
    const a = await instance(t, { prefix, lockTtlMs: 300, onLockCompromised: (e) => lost.push(e) })
    const b = await instance(t, { prefix, lockWaitMs: 5000, lockRetryMs: 10 })
    const aDone = deferred()
    const aEntered = deferred()
    const heldA = a.withLock(async () => {
      aEntered.resolve()
      await aDone.promise
    })
    await aEntered.promise
    // Someone removes a's lock (an operator, an expiry during a long GC pause): b takes it.
    await redis.del(`${prefix}tokens:lock`)
    const bEntered = deferred()
    const bDone = deferred()
    const heldB = b.withLock(async () => {
      bEntered.resolve()
      await bDone.promise
    })
    await bEntered.promise
    aDone.resolve()
    await heldA
    t.ok((await redis.get(`${prefix}tokens:lock`)) !== null, "a's release left b's lock alone")
    await until(() => lost.length > 0, 2000, 'a to notice')
    t.equal(lost.length, 1, 'a learnt (at its next renewal) that the lock was no longer its own')
    await sleep(500)
    t.ok((await redis.get(`${prefix}tokens:lock`)) !== null, "a's renewals did not touch b's lock, and b's own kept it alive past its TTL")
    bDone.resolve()
    await heldB
    t.equal(await redis.get(`${prefix}tokens:lock`), null, 'b released it')
  })

  void t.test('tokens round-trip through one key; the location names no secret', async (t) => {
    const prefix = uniquePrefix('tokens')
    const a = await instance(t, { prefix })
    const b = await instance(t, { prefix })
    t.equal(await a.read(), undefined, 'empty at first')
    const tokens: StoredTokens = { refreshToken: 'refresh-1', accessToken: 'access-1', expiresAt: 1_700_000_360_000, refreshedAt: 1_700_000_000_000, seeds: ['abc'] }
    await a.write(tokens)
    t.same(await b.read(), tokens, 'another instance reads what one wrote')
    t.match(a.location, /^redis:\/\/127\.0\.0\.1:\d+\/0 /)
    t.notMatch(a.location, /refresh-1|access-1/)
  })

  void t.test('quarantine moves an unreadable record aside and leaves a good one alone', async (t) => {
    const prefix = uniquePrefix('quarantine')
    const redis = await admin(t)
    const store = await instance(t, { prefix })
    await redis.set(`${prefix}tokens`, '{"refreshToken": ')
    const err = await store.read().catch((e: unknown) => e)
    t.ok(isGatewayError(err) && err.code === 'HSG_AUTH_STORE_UNREADABLE', 'an unreadable record is an error, not "no token"')
    const aside = await store.quarantine()
    t.ok(aside?.startsWith(`${prefix}tokens.corrupt-`), `moved to ${aside}`)
    t.equal(await redis.get(aside ?? ''), '{"refreshToken": ', 'nothing lost')
    t.equal(await store.read(), undefined, 'a new lineage can start')

    await store.write({ refreshToken: 'refresh-2', seeds: [] })
    t.equal(await store.quarantine(), undefined, 'a readable record is not moved (the failed read was passing)')
    t.equal((await store.read())?.refreshToken, 'refresh-2')
  })

  void t.test('two token managers on two instances: one exchange, one lineage', async (t) => {
    const prefix = uniquePrefix('managers')
    const clock = new Clock()
    const exchange = new StubExchange(clock.now, { delayMs: 50 })
    const managers = await Promise.all(
      [0, 1].map(async () => {
        const manager = new TokenManager({ store: await instance(t, { prefix }), exchange: exchange.fn, seed: 'pat-seed', refreshMarginMs: 120_000, logger: silentLogger(), now: clock.now })
        t.teardown(() => manager.close())
        await manager.init()
        return manager
      }),
    )
    const tokens = await Promise.all(managers.flatMap((m) => Array.from({ length: 20 }, () => m.accessToken())))
    t.same(exchange.calls, ['pat-seed'], 'the seed was exchanged once, by one instance')
    t.equal(new Set(tokens).size, 1, 'both instances hand out the same access token')
  })

  void t.test('Redis unreachable: reads fail as unreadable, the lock times out, quarantine moves nothing', async (t) => {
    const gone = await RedisServer.launch()
    t.teardown(() => gone.destroy())
    const store = new RedisTokenStore({ redis: gone.url, prefix: uniquePrefix('down'), lockWaitMs: 300, connectTimeoutMs: 200 })
    t.teardown(() => store.close())
    t.ok(await whenReady(store.client, 5000))
    await gone.stop()
    await until(() => store.client.status !== 'ready', 5000, 'the client to notice')
    const read = await store.read().catch((e: unknown) => e)
    t.ok(isGatewayError(read) && read.code === 'HSG_AUTH_STORE_UNREADABLE', 'read: HSG_AUTH_STORE_UNREADABLE')
    const lock = await store.withLock(() => Promise.resolve()).catch((e: unknown) => e)
    t.ok(isGatewayError(lock) && lock.code === 'HSG_AUTH_LOCK_TIMEOUT', 'withLock: HSG_AUTH_LOCK_TIMEOUT')
    t.equal(await store.quarantine(), undefined)
    await t.rejects(store.write({ refreshToken: 'x', seeds: [] }), 'a failed write is reported to the manager')
  })
}
