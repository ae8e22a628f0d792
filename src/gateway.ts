import type { Logger } from 'pino'
import { ANONYMOUS, AppRegistry } from './apps.js'
import { BudgetEngine } from './budget/engine.js'
import { checkPurgePrefix } from './cache/invalidation.js'
import { cacheStage, type CacheStage } from './cache/stage.js'
import { CACHE_OFF, type CacheStats } from './cache/stats.js'
import type { BudgetStore } from './budget/store.js'
import type { Config, Mode } from './config/settings.js'
import { GatewayError, shuttingDown } from './errors.js'
import { MockMode } from './mock/mock-mode.js'
import { ModeSwitch } from './mode.js'
import { authStage } from './pipeline/auth.js'
import { budgetStage } from './pipeline/budget.js'
import { buildPipelines, UPSTREAM_MODES } from './pipeline/index.js'
import type { GatewayRequest, GatewayResponse, Handler } from './pipeline/types.js'
import { upstreamTerminal } from './pipeline/upstream.js'
import { exchangeRefreshToken } from './token/exchange.js'
import { TokenManager, type TokenStatus } from './token/manager.js'
import type { TokenStore } from './token/store.js'
import { openStores, type Stores } from './stores.js'
import { UpstreamClient } from './upstream/client.js'

export interface GatewayOptions {
  readonly config: Config
  readonly logger: Logger
  readonly now?: () => number
  /** Replaces the file store (tests, later the Redis store). */
  readonly tokenStore?: TokenStore
  /** Replaces the file ledger. */
  readonly budgetStore?: BudgetStore
}

/** What `create` builds before the gateway exists. */
interface Parts {
  readonly tokens: TokenManager
  readonly api: UpstreamClient
  readonly auth: UpstreamClient
  readonly budget: BudgetEngine
  readonly apps: AppRegistry
  readonly mock: MockMode
  readonly stores: Stores
}

export interface Health {
  readonly httpStatus: 200 | 503
  readonly body: { status: 'ok' | 'error'; mode: Mode; code?: string; reason?: string; token?: TokenStatus['state'] }
}

/**
 * The gateway without its HTTP skin: configuration in, `handle()` for /v2 requests, health and
 * status for the admin surface. Everything it owns is closed by `close()`.
 */
export class Gateway {
  readonly config: Config
  readonly mode: ModeSwitch
  readonly tokens: TokenManager
  readonly budget: BudgetEngine
  readonly apps: AppRegistry
  readonly #api: UpstreamClient
  readonly #auth: UpstreamClient
  readonly #pipelines: Record<Mode, Handler>
  readonly #cache: CacheStage | undefined
  readonly mock: MockMode
  readonly #stores: Stores
  readonly #startedAt: number
  readonly #now: () => number
  #inflight = 0
  #closing = false

  private constructor(options: GatewayOptions, parts: Parts) {
    const { tokens, api, auth, budget, apps, mock, stores } = parts
    this.#stores = stores
    this.config = options.config
    this.#now = options.now ?? Date.now
    this.#startedAt = this.#now()
    this.tokens = tokens
    this.budget = budget
    this.apps = apps
    this.#api = api
    this.#auth = auth
    this.mock = mock
    const { config } = options
    this.#cache = config.cache
      ? cacheStage({
          maxEntries: config.cacheMaxEntries,
          maxBytes: config.cacheMaxBytes,
          staleWhileRevalidate: config.cacheStaleWhileRevalidate,
          staleIfError: config.cacheStaleIfError,
          policy: config.cachePolicy,
          // Answers of the mock, of recordings and of another upstream never stand in for each other.
          identity: () => `${this.mode.current}:${config.upstream}`,
          now: this.#now,
          logger: options.logger.child({ component: 'cache' }),
          // With --redis: entries and the coalescing lock shared with the other instances.
          ...(stores.cache === undefined ? {} : { shared: stores.cache, sharedWaitMs: config.upstreamTimeout * 1000 }),
        })
      : undefined
    this.#pipelines = buildPipelines({
      stages: {
        cache: this.#cache,
        auth: authStage(tokens),
        budget: budgetStage(budget, { maxWaitMs: options.config.budgetMaxWait * 1000, now: this.#now }),
      },
      terminals: { live: upstreamTerminal(api), mock: mock.terminal },
      runsIn: { auth: UPSTREAM_MODES, budget: UPSTREAM_MODES },
    })
    const initial = options.config.mode ?? (tokens.hasToken ? 'live' : 'mock')
    this.mode = new ModeSwitch(initial, (mode) => this.#unavailable(mode))
  }

  static async create(options: GatewayOptions): Promise<Gateway> {
    const { config, logger } = options
    const mock = new MockMode({ spec: config.spec, stateDir: config.stateDir, logger: logger.child({ component: 'mock' }) })
    const api = new UpstreamClient({
      origin: config.upstream,
      timeoutMs: config.upstreamTimeout * 1000,
      connections: config.upstreamConnections,
      label: 'The Hubstaff API',
    })
    const auth = new UpstreamClient({
      origin: config.authUrl,
      timeoutMs: config.tokenTimeout * 1000,
      connections: 2,
      label: 'The Hubstaff token endpoint',
    })
    const now = options.now ?? Date.now
    const windowMs = config.budgetWindow * 1000
    const stores = await openStores(config, logger, now, { token: options.tokenStore, budget: options.budgetStore })
    const budget = new BudgetEngine({
      store: stores.budget,
      limit: config.budget,
      windowMs,
      reserve: config.budgetReserve,
      defaultPauseMs: config.budgetPause * 1000,
      now,
      logger: logger.child({ component: 'budget' }),
    })
    const exchange = (refreshToken: string) => exchangeRefreshToken(auth, refreshToken, now)
    const tokens = new TokenManager({
      store: stores.token,
      exchange: config.budgetChargeTokenExchanges
        ? async (refreshToken) => {
            await budget.acquire({ app: ANONYMOUS, waitMs: config.budgetMaxWait * 1000 })
            return exchange(refreshToken)
          }
        : exchange,
      seed: config.refreshToken,
      refreshMarginMs: config.refreshMargin * 1000,
      logger: logger.child({ component: 'token' }),
      now,
    })
    await tokens.init()
    const gateway = new Gateway(options, { tokens, api, auth, budget, apps: new AppRegistry(config.apps), mock, stores })
    const why = gateway.#unavailable(gateway.mode.current)
    if (why !== undefined && config.mode !== undefined) {
      await gateway.close()
      throw new GatewayError('HSG_CONFIG_INVALID', `invalid --mode "${config.mode}": ${why}`)
    }
    // The mock's spec is loaded now when the mock serves from the start or --spec names one (a bad
    // one must stop start-up); otherwise when the mock is first used.
    if (config.spec !== undefined || gateway.mode.current === 'mock') {
      try {
        await mock.load()
      } catch (err) {
        await gateway.close()
        throw err
      }
    }
    return gateway
  }

  /** Runs a /v2 request through the pipeline of the mode current when it arrives. */
  async handle(request: GatewayRequest): Promise<GatewayResponse> {
    if (this.#closing) throw shuttingDown()
    const pipeline = this.#pipelines[this.mode.current]
    this.#inflight++
    try {
      const answer = await pipeline(request)
      return { ...answer, headers: { ...answer.headers, ...this.budget.headers() } }
    } finally {
      this.#inflight--
    }
  }

  health(): Health {
    const mode = this.mode.current
    if (this.#closing) return { httpStatus: 503, body: { status: 'error', mode, code: 'HSG_SHUTTING_DOWN', reason: 'shutting down' } }
    if (!UPSTREAM_MODES.has(mode)) return { httpStatus: 200, body: { status: 'ok', mode } }
    const token = this.tokens.status()
    const expired = token.expiresAt !== null && Date.parse(token.expiresAt) <= this.#now()
    const failing = token.state === 'rejected' || token.state === 'empty' || (token.state === 'degraded' && expired)
    if (failing && token.reason !== null) {
      return { httpStatus: 503, body: { status: 'error', mode, code: token.reason.code, reason: token.reason.detail, token: token.state } }
    }
    return { httpStatus: 200, body: { status: 'ok', mode, token: token.state, ...(token.reason === null ? {} : { reason: token.reason.detail }) } }
  }

  async status(): Promise<Record<string, unknown>> {
    return {
      mode: this.mode.current,
      budget: await this.budget.status(),
      cache: this.cacheStats(),
      apps: this.apps.teamMode ? this.apps.names : undefined,
      uptime: Math.round((this.#now() - this.#startedAt) / 1000),
      inflight: this.#inflight,
      upstream: this.config.upstream,
      mock: this.mock.status(),
      token: this.tokens.status(),
    }
  }

  /**
   * `DELETE /_gateway/cache`: drops every cached answer, or those under `prefix`, here and (with
   * `--redis`) in the shared tier and the other instances; returns how many this instance held.
   */
  async purgeCache(prefix?: unknown): Promise<number> {
    const checked = checkPurgePrefix(prefix)
    const purged = this.#cache?.purge(checked) ?? 0
    await this.#cache?.sharedSettled()
    return purged
  }

  cacheStats(): CacheStats {
    return this.#cache?.stats() ?? CACHE_OFF
  }

  /** Stops taking requests; in-flight ones finish within the shutdown timeout, then everything closes. */
  async close(): Promise<void> {
    this.#closing = true
    this.tokens.close()
    this.budget.close()
    const deadline = this.#now() + this.config.shutdownTimeout * 1000
    const closing = Promise.all([this.#api.close(), this.#auth.close()])
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), Math.max(0, deadline - this.#now())).unref())
    if ((await Promise.race([closing.then(() => 'closed' as const), timer])) === 'timeout') {
      await Promise.all([this.#api.destroy(), this.#auth.destroy()])
    }
    await this.#stores.close()
  }

  #unavailable(mode: Mode): string | undefined {
    if (UPSTREAM_MODES.has(mode) && !this.tokens.hasToken) {
      return `the ${mode} mode needs a Hubstaff personal access token: set HUBSTAFF_REFRESH_TOKEN or --refresh-token`
    }
    if (mode !== 'live' && mode !== 'mock') return `the ${mode} mode is not available in this version of the gateway`
    return undefined
  }
}
