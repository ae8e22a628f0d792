import { join } from 'node:path'
import type { Logger } from 'pino'
import { FileBudgetStore } from './budget/file-store.js'
import { RedisBudgetStore } from './budget/redis-store.js'
import { ResilientBudgetStore } from './budget/resilient-store.js'
import type { BudgetStore } from './budget/store.js'
import { SharedCacheTier } from './cache/shared-tier.js'
import type { Config } from './config/settings.js'
import { createRedisClient } from './redis-client.js'
import { MirroredTokenStore } from './token/layered-store.js'
import { RedisTokenStore } from './token/redis-store.js'
import { FileTokenStore, type TokenStore } from './token/store.js'

export interface Stores {
  readonly token: TokenStore
  readonly budget: BudgetStore
  /** The cache tier shared through Redis; absent without `--redis`. */
  readonly cache?: SharedCacheTier
  close(): Promise<void>
}

/**
 * Where shared state lives: the state dir for one gateway, Redis for several. With `--redis`, the
 * budget, the token lock and the rotated refresh token are shared, so N instances on N machines
 * behave as one; the budget falls back to a conservative local share while Redis is away, and each
 * instance keeps a copy of the tokens in its state dir, which a Redis restarted empty gets back.
 */
export async function openStores(
  config: Config,
  logger: Logger,
  now: () => number,
  overrides: { token?: TokenStore | undefined; budget?: BudgetStore | undefined } = {},
): Promise<Stores> {
  const onLockCompromised = (err: Error) => logger.error({ err }, 'token lock compromised')
  if (config.redis === undefined) {
    const budget =
      overrides.budget ??
      (await FileBudgetStore.open({
        stateDir: config.stateDir,
        windowMs: (config.budgetWindow + config.budgetMargin) * 1000,
        maxPauseMs: (config.budgetMaxPause ?? config.budgetWindow) * 1000,
        now,
        onWriteError: (err) => logger.error({ err }, 'budget ledger not written; a restart would forget these requests'),
        onDamaged: (skipped) =>
          logger.warn({ code: 'HSG_BUDGET_LEDGER_DAMAGED', skipped }, `budget ledger ${join(config.stateDir, 'budget.log')}: ${skipped} unreadable line(s) skipped; the readable grants still count`),
      }))
    const token = overrides.token ?? new FileTokenStore({ stateDir: config.stateDir, onLockCompromised })
    return { token, budget, close: () => budget.close() }
  }
  const client = createRedisClient(config.redis)
  const budget =
    overrides.budget ??
    new ResilientBudgetStore({
      redis: new RedisBudgetStore({ redis: client, now }),
      expectedInstances: config.redisInstances,
      logger: logger.child({ component: 'budget' }),
    })
  // The rotated refresh token also goes to a copy in this instance's state dir, so a Redis that
  // restarts without its data gets the lineage back from whichever instance holds it.
  let mirrored: MirroredTokenStore | undefined
  const token =
    overrides.token ??
    (mirrored = new MirroredTokenStore({
      shared: new RedisTokenStore({ redis: client, onLockCompromised }),
      mirror: new FileTokenStore({ stateDir: config.stateDir }),
      logger: logger.child({ component: 'token' }),
    }))
  // Cached answers too (when the cache is on): a miss on one instance is a hit on the next.
  const cache = config.cache ? new SharedCacheTier({ redis: client, logger: logger.child({ component: 'cache' }) }) : undefined
  logger.info({ redis: config.redis.replace(/\/\/[^@/]*@/, '//***@'), instances: config.redisInstances }, 'sharing budget, tokens and cache through Redis')
  return {
    token,
    budget,
    ...(cache === undefined ? {} : { cache }),
    close: async () => {
      await mirrored?.close()
      await budget.close()
      cache?.close()
      client.disconnect()
    },
  }
}
