// The conformance suite against RedisBudgetStore on a private redis-server: the Lua take script
// must give exactly RollingWindow's answers (deny reasons and retryAt included), with the caller's
// fake clock. Each store gets its own key prefix on the one server.
import t from 'tap'
import { RedisBudgetStore } from '../src/budget/redis-store.js'
import { whenReady } from '../src/redis-client.js'
import { budgetStoreConformance } from './budget-store-conformance.js'
import { REDIS_AVAILABLE, REDIS_SKIP, startRedis, uniquePrefix } from './helpers/redis-server.js'

if (!REDIS_AVAILABLE) {
  t.plan(0, REDIS_SKIP)
} else {
  const server = await startRedis(t)
  budgetStoreConformance(t, 'redis', async () => {
    const store = new RedisBudgetStore({ redis: server.url, prefix: uniquePrefix('conformance') })
    // The client fails fast instead of queueing: wait until it is connected.
    if (!(await whenReady(store.client, 5000))) throw new Error(`no connection to ${server.url}`)
    return store
  })
}
