// The token store conformance suite against the Redis stores on a private redis-server: the plain
// RedisTokenStore, and MirroredTokenStore (what --redis runs: Redis with a copy in each instance's
// state dir). The other handle is a second instance: its own client and, mirrored, its own state dir.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pino } from 'pino'
import t from 'tap'
import { MirroredTokenStore } from '../src/token/layered-store.js'
import { RedisTokenStore } from '../src/token/redis-store.js'
import { FileTokenStore } from '../src/token/store.js'
import { tempDir } from './helpers/memory-token-store.js'
import { REDIS_AVAILABLE, REDIS_SKIP, startRedis, uniquePrefix } from './helpers/redis-server.js'
import { tokenStoreConformance } from './helpers/token-store-conformance.js'

if (!REDIS_AVAILABLE) {
  t.plan(0, REDIS_SKIP)
} else {
  const server = await startRedis(t)
  const logger = pino({ level: 'silent' })
  const redisStore = (prefix: string, lockWaitMs: number) => new RedisTokenStore({ redis: server.url, prefix, lockWaitMs, lockRetryMs: 10 })

  tokenStoreConformance(t, 'redis', ({ lockWaitMs }) => {
    const prefix = uniquePrefix('tokens')
    const store = redisStore(prefix, lockWaitMs)
    const other = redisStore(prefix, lockWaitMs)
    return Promise.resolve({
      store,
      other,
      corrupt: async () => {
        await store.client.set(`${prefix}tokens`, 'not a token record')
      },
      close: async () => {
        await Promise.all([store.close(), other.close()])
      },
    })
  })

  tokenStoreConformance(t, 'redis mirrored in the state dir', ({ lockWaitMs }) => {
    const prefix = uniquePrefix('mirrored')
    const instance = (stateDir: string) => {
      const shared = redisStore(prefix, lockWaitMs)
      return { shared, store: new MirroredTokenStore({ shared, mirror: new FileTokenStore({ stateDir }), logger, retryMs: 10 }) }
    }
    const dir = tempDir(t)
    const first = instance(dir)
    const second = instance(tempDir(t))
    return Promise.resolve({
      store: first.store,
      other: second.store,
      // Both copies this instance reads: a good mirror would (rightly) stand in for a bad Redis record.
      corrupt: async () => {
        await first.shared.client.set(`${prefix}tokens`, 'not a token record')
        await writeFile(join(dir, 'tokens.json'), '{"refreshToken": "half a wri')
      },
      close: async () => {
        await Promise.all([first.store.close(), second.store.close()])
      },
    })
  })
}
