// Hubstaff rotates the refresh token at every exchange, so with --redis the only live refresh token
// is the one in Redis. MirroredTokenStore keeps a copy in each instance's state dir and gives it
// back to a Redis that lost it: after a restart without persistence, an instance that never
// refreshed still learns the lineage from the one that did; a newer copy is written back, an older
// one never overwrites a newer record; and a Redis that is merely away is no unreadable store.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Redis } from 'ioredis'
import t, { type Test } from 'tap'
import { isGatewayError } from '../src/errors.js'
import { createRedisClient, whenReady } from '../src/redis-client.js'
import { MirroredTokenStore } from '../src/token/layered-store.js'
import { TokenManager } from '../src/token/manager.js'
import { RedisTokenStore } from '../src/token/redis-store.js'
import { FileTokenStore, parseStored, seedHash, type StoredTokens } from '../src/token/store.js'
import { Clock, StubExchange, capturingLogger, silentLogger, sleep, tempDir } from './helpers/memory-token-store.js'
import { REDIS_AVAILABLE, REDIS_SKIP, RedisServer, startRedis, uniquePrefix } from './helpers/redis-server.js'

const record = (n: number, refreshedAt: number | undefined, expiresAt = 4_000_000_000_000): StoredTokens => ({
  refreshToken: `refresh-${n}`,
  accessToken: `access-${n}`,
  expiresAt,
  refreshedAt,
  // Grown from the seed the managers below are given, so the record wins over it.
  seeds: [seedHash('pat-seed')],
})

/** Polls `check` until it holds; fails after `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

if (!REDIS_AVAILABLE) {
  t.plan(0, REDIS_SKIP)
} else {
  const server = await startRedis(t)

  interface Instance {
    readonly store: MirroredTokenStore
    readonly shared: RedisTokenStore
    readonly mirror: FileTokenStore
    readonly dir: string
    readonly lines: Record<string, unknown>[]
  }

  /** A gateway instance's token store: its own connection (another machine) and its own state dir. */
  const instance = async (
    t: Test,
    prefix: string,
    options: { url?: string; lockWaitMs?: number; connectTimeoutMs?: number; retryMs?: number } = {},
  ): Promise<Instance> => {
    const dir = tempDir(t)
    const shared = new RedisTokenStore({ redis: options.url ?? server.url, prefix, lockWaitMs: options.lockWaitMs, connectTimeoutMs: options.connectTimeoutMs })
    const mirror = new FileTokenStore({ stateDir: dir })
    const { logger, lines } = capturingLogger()
    const store = new MirroredTokenStore({ shared, mirror, logger, retryMs: options.retryMs ?? 100 })
    t.teardown(() => store.close())
    t.ok(await whenReady(shared.client, 5000), 'connected')
    return { store, shared, mirror, dir, lines }
  }
  const admin = async (t: Test, url = server.url): Promise<Redis> => {
    const client = createRedisClient(url)
    t.teardown(() => client.disconnect())
    t.ok(await whenReady(client, 5000), 'admin connected')
    return client
  }
  const inRedis = async (redis: Redis, prefix: string): Promise<StoredTokens | undefined> => {
    const raw = await redis.get(`${prefix}tokens`).catch(() => null)
    return raw === null ? undefined : parseStored(raw)
  }
  const mode = async (path: string) => (await stat(path)).mode & 0o777

  void t.test('A writes; Redis restarts empty; B, which never refreshed, reads A’s lineage once A has reconnected', async (t) => {
    const prefix = uniquePrefix('restart')
    const a = await instance(t, prefix)
    const b = await instance(t, prefix)
    const lineage = record(1, 1_700_000_000_000)
    await a.store.write(lineage)
    t.same(await inRedis(await admin(t), prefix), lineage, 'written to Redis')
    t.same(await a.mirror.read(), lineage, 'and, through, to A’s state dir')
    t.equal(await mode(a.mirror.location), 0o600, 'the mirror is 0600')
    t.equal(await b.mirror.read(), undefined, 'B has no copy of its own')

    const marker = `${prefix}marker`
    const before = await admin(t)
    await before.set(marker, 'x')
    await server.stop()
    await server.start()
    const after = await admin(t)
    t.equal(await after.get(marker), null, 'Redis came back without its data')

    await eventually(async () => (await inRedis(after, prefix)) !== undefined, 10_000, 'A to write its copy back on reconnecting')
    t.same(await inRedis(after, prefix), lineage, 'A gave Redis the lineage back, unasked')
    t.ok(
      a.lines.some((l) => typeof l.msg === 'string' && l.msg.includes('written back')),
      'and said so',
    )
    t.ok(await whenReady(b.shared.client, 10_000), 'B reconnected')
    t.same(await b.store.read(), lineage, 'B reads A’s lineage, not nothing (its seed is long dead)')
    t.same(await b.mirror.read(), lineage, 'and keeps a copy too, so it could give it back in turn')
    t.equal(await mode(b.mirror.location), 0o600, 'its copy is 0600 as well')
  })

  void t.test('a newer local record is written back; an older one never overwrites a newer Redis one', async (t) => {
    const prefix = uniquePrefix('newer')
    const redis = await admin(t)
    const a = await instance(t, prefix)
    const [r1, r2, r3] = [record(1, 1_000), record(2, 2_000), record(3, 3_000)]

    await redis.set(`${prefix}tokens`, JSON.stringify(r1))
    await a.mirror.write(r2)
    t.same(await a.store.read(), r2, 'read answers the newer: the local copy')
    t.same(await inRedis(redis, prefix), r2, 'and writes it back to Redis')

    await redis.set(`${prefix}tokens`, JSON.stringify(r3))
    t.same(await a.store.read(), r3, 'read answers the newer: Redis’s record')
    t.same(await inRedis(redis, prefix), r3, 'the older local copy did not overwrite it')
    t.same(await a.mirror.read(), r3, 'the mirror learnt the newer record')

    await a.mirror.write(r1)
    t.equal(await a.store.restore(), true, 'Redis answered the offer')
    t.same(await inRedis(redis, prefix), r3, 'an offer of an older copy (as on reconnect) changes nothing')

    await redis.set(`${prefix}tokens`, JSON.stringify(record(4, undefined)))
    t.equal(await a.shared.offer(record(5, undefined)), false, 'without refreshedAt, a record does not replace another')
    await redis.del(`${prefix}tokens`)
    t.equal(await a.shared.offer(record(5, undefined)), true, 'but it beats none')
    t.equal(await a.shared.offer(r1), true, 'a record with a time beats one without')
  })

  void t.test('two instances offering at once: the newer copy stays, in either order', async (t) => {
    const redis = await admin(t)
    for (const order of ['older first', 'newer first']) {
      const prefix = uniquePrefix('race')
      const a = await instance(t, prefix)
      const b = await instance(t, prefix)
      const [older, newer] = [record(1, 1_000), record(2, 2_000)]
      const offers = order === 'older first' ? [a.shared.offer(older), b.shared.offer(newer)] : [b.shared.offer(newer), a.shared.offer(older)]
      await Promise.all(offers)
      t.same(await inRedis(redis, prefix), newer, order)
      await Promise.all([a.mirror.write(older), b.mirror.write(newer)])
      await redis.del(`${prefix}tokens`)
      await Promise.all([a.store.read(), b.store.read()])
      t.same(await inRedis(redis, prefix), newer, `${order}: both write back on read, the newer stays`)
    }
  })

  void t.test('an unreadable Redis record is moved aside for the local copy; with no copy it is an error', async (t) => {
    const prefix = uniquePrefix('corrupt')
    const redis = await admin(t)
    const a = await instance(t, prefix)
    const b = await instance(t, prefix)
    const lineage = record(1, 1_000)
    await a.mirror.write(lineage)

    await redis.set(`${prefix}tokens`, '{"refreshToken": ')
    const err = await b.store.read().catch((e: unknown) => e)
    t.ok(isGatewayError(err) && err.code === 'HSG_AUTH_STORE_UNREADABLE', 'no copy: unreadable, for the manager to quarantine')
    t.same(await a.store.read(), lineage, 'with a copy: the copy')
    t.same(await inRedis(redis, prefix), lineage, 'written in its place')
    const aside = await redis.keys(`${prefix}tokens.corrupt-*`)
    t.equal(aside.length, 1, 'the unreadable value was moved aside')
    t.equal(await redis.get(aside[0] ?? ''), '{"refreshToken": ', 'nothing lost')
  })

  void t.test('an unreadable mirror is moved aside and Redis’s record used', async (t) => {
    const prefix = uniquePrefix('bad-mirror')
    const a = await instance(t, prefix)
    const lineage = record(1, 1_000)
    await a.shared.write(lineage)
    await writeFile(a.mirror.location, 'not json', { mode: 0o600 })
    t.same(await a.store.read(), lineage)
    const files = await readdir(a.dir)
    t.ok(files.some((f) => f.startsWith('tokens.json.corrupt-')), `moved aside (${files.join(', ')})`)
    t.same(parseStored(await readFile(a.mirror.location, 'utf8')), lineage, 'and the mirror holds Redis’s record again')
  })

  void t.test('Redis away: reads fall back to the mirror, init quarantines nothing, the lock times out, a write reaches Redis later', async (t) => {
    const gone = await RedisServer.launch()
    t.teardown(() => gone.destroy())
    const prefix = uniquePrefix('down')
    const a = await instance(t, prefix, { url: gone.url, lockWaitMs: 300, connectTimeoutMs: 200, retryMs: 100 })
    const clock = new Clock()
    const lineage = record(1, clock.t - 60_000, clock.t + 3_600_000)
    await a.store.write(lineage)

    await gone.stop()
    await eventually(() => Promise.resolve(a.shared.client.status !== 'ready'), 5000, 'the client to notice')
    t.same(await a.store.read(), lineage, 'read: the local copy, not an error')
    t.equal(await a.store.quarantine(), undefined, 'quarantine moves nothing')

    const exchange = new StubExchange(clock.now)
    const manager = new TokenManager({ store: a.store, exchange: exchange.fn, seed: 'pat-seed', refreshMarginMs: 120_000, logger: silentLogger(), now: clock.now })
    t.teardown(() => manager.close())
    await manager.init()
    t.equal(manager.status().state, 'ok', 'the manager starts from the copy')
    t.equal(await manager.accessToken(), lineage.accessToken, 'and serves its still-valid access token')
    t.same(exchange.calls, [], 'without an exchange')
    t.same(await readdir(a.dir).then((f) => f.filter((n) => n.includes('corrupt'))), [], 'nothing was moved aside')
    t.same(await a.mirror.read(), lineage, 'the copy is where it was')

    const lock = await a.store.withLock(() => Promise.resolve()).catch((e: unknown) => e)
    t.ok(isGatewayError(lock) && lock.code === 'HSG_AUTH_LOCK_TIMEOUT', 'withLock: HSG_AUTH_LOCK_TIMEOUT, still Redis’s lock')

    const rotated = record(2, clock.t)
    await a.store.write(rotated)
    t.same(await a.mirror.read(), rotated, 'a write while Redis is away lands in the mirror, without an error')
    t.ok(
      a.lines.some((l) => typeof l.msg === 'string' && l.msg.includes('not written to Redis')),
      'and is reported',
    )

    await gone.start()
    const redis = await admin(t, gone.url)
    await eventually(async () => (await inRedis(redis, prefix))?.refreshToken === 'refresh-2', 10_000, 'the copy to reach Redis')
    t.same(await inRedis(redis, prefix), rotated, 'Redis got it once it was back')
  })

  void t.test('write fails only when both Redis and the mirror fail', async (t) => {
    const gone = await RedisServer.launch()
    t.teardown(() => gone.destroy())
    const file = join(tempDir(t), 'not-a-dir')
    await writeFile(file, '')
    const shared = new RedisTokenStore({ redis: gone.url, prefix: uniquePrefix('both'), connectTimeoutMs: 200 })
    const store = new MirroredTokenStore({ shared, mirror: new FileTokenStore({ stateDir: file }), logger: silentLogger() })
    t.teardown(() => store.close())
    t.ok(await whenReady(shared.client, 5000))
    await store.write(record(1, 1_000))
    t.pass('Redis took it; the mirror failing alone is no error')
    await gone.stop()
    await eventually(() => Promise.resolve(shared.client.status !== 'ready'), 5000, 'the client to notice')
    const err = await store.write(record(2, 2_000)).catch((e: unknown) => e)
    t.ok(isGatewayError(err) && err.code === 'HSG_AUTH_STORE_UNREADABLE', 'both failing is reported to the manager')
  })
}
