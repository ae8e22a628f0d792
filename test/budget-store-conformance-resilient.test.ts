// The conformance suite against ResilientBudgetStore, the store `--redis` runs: once with Redis
// answering (every take goes through the shared Lua script) and once with Redis unreachable from
// the start, where one expected instance's fallback ledger must still be RollingWindow exactly.
import { createServer } from 'node:net'
import { pino } from 'pino'
import t from 'tap'
import { RedisBudgetStore } from '../src/budget/redis-store.js'
import { ResilientBudgetStore } from '../src/budget/resilient-store.js'
import { whenReady } from '../src/redis-client.js'
import { budgetStoreConformance } from './budget-store-conformance.js'
import { REDIS_AVAILABLE, REDIS_SKIP, startRedis, uniquePrefix } from './helpers/redis-server.js'

const logger = pino({ level: 'silent' })

/** A loopback port nothing listens on: connections are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

if (!REDIS_AVAILABLE) {
  t.plan(0, REDIS_SKIP)
} else {
  const server = await startRedis(t)
  budgetStoreConformance(t, 'redis with fallback, Redis up', async ({ now }) => {
    const redis = new RedisBudgetStore({ redis: server.url, prefix: uniquePrefix('conformance-resilient'), now })
    if (!(await whenReady(redis.client, 5000))) throw new Error(`no connection to ${server.url}`)
    return new ResilientBudgetStore({ redis, expectedInstances: 1, logger })
  })

  const down = `redis://127.0.0.1:${await closedPort()}`
  budgetStoreConformance(t, 'redis with fallback, Redis down', ({ now }) => {
    const redis = new RedisBudgetStore({ redis: down, prefix: uniquePrefix('conformance-down'), now })
    // Redis is never tried again during a test: every take after the first is the fallback's own.
    return Promise.resolve(new ResilientBudgetStore({ redis, expectedInstances: 1, logger, connectTimeoutMs: 50, timeoutMs: 50, retryMs: 3_600_000 }))
  })
}
