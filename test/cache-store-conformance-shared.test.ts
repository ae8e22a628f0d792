// The cache tier conformance suite against the shared tier (SharedCacheTier) on a private
// redis-server, each store under its own key prefix.
import t from 'tap'
import { SharedCacheTier } from '../src/cache/shared-tier.js'
import { createRedisClient, whenReady } from '../src/redis-client.js'
import { cacheStoreConformance } from './helpers/cache-store-conformance.js'
import { REDIS_AVAILABLE, REDIS_SKIP, startRedis, uniquePrefix } from './helpers/redis-server.js'

if (!REDIS_AVAILABLE) {
  t.plan(0, REDIS_SKIP)
} else {
  const server = await startRedis(t)
  cacheStoreConformance(t, 'shared', async () => {
    const redis = createRedisClient(server.url)
    if (!(await whenReady(redis, 5000))) throw new Error(`no connection to ${server.url}`)
    // A generous timeout: a loaded machine must not turn a slow answer into a miss here.
    const tier = new SharedCacheTier({ redis, prefix: uniquePrefix('cache'), timeoutMs: 5000 })
    return {
      get: (key) => tier.get(key),
      set: (key, entry) => tier.set(key, entry, 60_000),
      delete: (key) => tier.delete(key),
      deleteWhere: (test) => tier.deleteWhere(test),
      close: async () => {
        tier.close()
        await redis.quit()
      },
    }
  })
}
