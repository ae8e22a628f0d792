import type { Logger } from 'pino'
import { ANONYMOUS, AppRegistry } from './apps.js'
import { BudgetEngine } from './budget/engine.js'
import { checkPurgePrefix } from './cache/invalidation.js'
import { cacheStage, type CacheStage } from './cache/stage.js'
import { CACHE_OFF, type CacheStats } from './cache/stats.js'
import type { BudgetStore } from './budget/store.js'
import { checkSettingRelations, type Config, type Mode } from './config/settings.js'
import { GatewayError, shuttingDown } from './errors.js'
import { MockMode } from './mock/mock-mode.js'
import { SESSION_HEADER } from './twin/sessions.js'
import { ModeSwitch } from './mode.js'
import { planReserver } from './split/budget.js'
import { splitStage, type SplitStage } from './split/stage.js'
import { Recordings } from './recordings/recordings.js'
import { authStage } from './pipeline/auth.js'
import { budgetStage } from './pipeline/budget.js'
import { buildPipelines, modeOf, spendsBudget, UPSTREAM_MODES, type ModeSettings, type Pipeline } from './pipeline/modes.js'
import { chargedPlans } from './pipeline/plan-budget.js'
import type { GatewayRequest, GatewayResponse } from './pipeline/types.js'
import { upstreamTerminal } from './pipeline/upstream.js'
import { exchangeRefreshToken } from './token/exchange.js'
import { BudgetHistory, seedHistory, type BudgetHistorySeries } from './budget/history.js'
import { Journal } from './journal.js'
import { Metrics } from './metrics.js'
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
  readonly history: BudgetHistory
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
  /** The operator's view: the last requests, budget use per minute, Prometheus metrics. */
  readonly journal: Journal
  readonly history: BudgetHistory
  readonly metrics: Metrics
  readonly #api: UpstreamClient
  readonly #auth: UpstreamClient
  /** Each mode's pipeline, built once: see `src/pipeline/modes.ts`. */
  readonly pipelines: Readonly<Record<Mode, Pipeline>>
  readonly #cache: CacheStage | undefined
  readonly #split: SplitStage | undefined
  readonly mock: MockMode
  /** The recordings folder: written in record mode, read in replay mode. */
  readonly recordings: Recordings
  readonly #stores: Stores
  readonly #startedAt: number
  readonly #now: () => number
  #inflight = 0
  #closing = false

  private constructor(options: GatewayOptions, parts: Parts) {
    const { tokens, api, auth, budget, apps, mock, stores, history } = parts
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
    this.journal = new Journal(config.journalSize)
    this.history = history
    this.metrics = new Metrics({
      budget: () => budget.status(),
      queued: () => budget.queued,
      cache: () => this.cacheStats(),
      token: () => tokens.status(),
    })
    this.#cache = config.cache
      ? cacheStage({
          maxEntries: config.cacheMaxEntries,
          maxBytes: config.cacheMaxBytes,
          staleWhileRevalidate: config.cacheStaleWhileRevalidate,
          staleIfError: config.cacheStaleIfError,
          policy: config.cachePolicy,
          // Answers of the mock, of recordings and of another upstream never stand in for each other.
          identity: (request) => this.#identity(request),
          now: this.#now,
          logger: options.logger.child({ component: 'cache' }),
          // With --redis: entries and the coalescing lock shared with the other instances.
          ...(stores.cache === undefined ? {} : { shared: stores.cache, sharedWaitMs: config.upstreamTimeout * 1000 }),
        })
      : undefined
    const authGate = authStage(tokens)
    const modeSettings: ModeSettings = { mockBudget: config.mockBudget, fallback: config.fallback }
    const budgetGate = budgetStage(budget, { maxWaitMs: options.config.budgetMaxWait * 1000, now: this.#now })
    const planBudget = chargedPlans(planReserver(budget, config.budgetMaxWait * 1000), (request) => spendsBudget(request, modeSettings))
    this.#split = config.split
      ? splitStage({
          concurrency: config.splitConcurrency,
          upFront: config.splitUpFront,
          reuse: config.splitReuse,
          keepBytes: config.splitKeepBytes,
          maxPieces: config.splitMaxPieces,
          policy: config.cachePolicy,
          identity: (request) => this.#identity(request),
          // A plan reserves its budget where its request's pipeline charges it (in front of Hubstaff).
          reserve: () => planBudget,
          now: this.#now,
          logger: options.logger.child({ component: 'split' }),
        })
      : undefined
    const live = this.metrics.timed(upstreamTerminal(api))
    this.recordings = new Recordings({
      dir: config.recordings,
      redactPaths: config.recordRedact,
      secrets: () => tokens.knownSecrets(),
      origin: config.upstream,
      maxBytes: config.replayMaxBytes,
      logger: options.logger.child({ component: 'recordings' }),
      now: this.#now,
    })
    this.pipelines = buildPipelines({
      stages: { cache: this.#cache, split: this.#split, auth: authGate, budget: budgetGate },
      terminals: { upstream: live, record: this.recordings.recording(live), replay: (fallback) => this.recordings.replaying(fallback), mock: mock.terminal },
      settings: modeSettings,
    })
    const initial = options.config.mode ?? (tokens.hasToken ? 'live' : 'mock')
    this.mode = new ModeSwitch(initial, (mode) => this.#unavailable(mode))
  }

  static async create(options: GatewayOptions): Promise<Gateway> {
    const { config, logger } = options
    checkSettingRelations(config)
    const mock = new MockMode({
      spec: config.spec,
      stateDir: config.stateDir,
      logger: logger.child({ component: 'mock' }),
      blankAfter: config.mockBlankAfter,
      seed: config.mockSeed,
      size: config.mockSize,
      fixtures: config.mockFixtures,
      latency: config.mockLatency,
      sessionIdle: config.mockSessionIdle,
      sessionsMax: config.mockSessionsMax,
      ...(options.now === undefined ? {} : { now: options.now }),
    })
    const api = new UpstreamClient({
      origin: config.upstream,
      timeoutMs: config.upstreamTimeout * 1000,
      connections: config.upstreamConnections,
      label: 'The Hubstaff API',
      maxBytes: config.upstreamMaxBytes,
    })
    const auth = new UpstreamClient({
      origin: config.authUrl,
      timeoutMs: config.tokenTimeout * 1000,
      connections: 2,
      label: 'The Hubstaff token endpoint',
      maxBytes: config.upstreamMaxBytes,
    })
    const now = options.now ?? Date.now
    const windowMs = config.budgetWindow * 1000
    const stores = await openStores(config, logger, now, { token: options.tokenStore, budget: options.budgetStore })
    const history = new BudgetHistory()
    await seedHistory(history, stores.budget, now(), windowMs)
    const budget = new BudgetEngine({
      onGrant: (app, cost, at) => history.record(app, cost, at),
      store: stores.budget,
      limit: config.budget,
      windowMs,
      marginMs: config.budgetMargin * 1000,
      reserve: config.budgetReserve,
      defaultPauseMs: config.budgetPause * 1000,
      maxPauseMs: (config.budgetMaxPause ?? config.budgetWindow) * 1000,
      maxQueued: config.budgetMaxQueue,
      maxWaitMs: config.budgetMaxWait * 1000,
      now,
      logger: logger.child({ component: 'budget' }),
    })
    // A token stored by `login` belongs to the user's OAuth app: its refresh sends the app's credentials.
    const app = config.clientId !== undefined && config.clientSecret !== undefined ? { id: config.clientId, secret: config.clientSecret } : undefined
    const exchange = (refreshToken: string) => exchangeRefreshToken(auth, refreshToken, now, app)
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
      maxPauseMs: (config.budgetMaxPause ?? config.budgetWindow) * 1000,
      logger: logger.child({ component: 'token' }),
      now,
    })
    await tokens.init()
    const gateway = new Gateway(options, { tokens, api, auth, budget, apps: new AppRegistry(config.apps), mock, stores, history })
    await gateway.recordings.open()
    const why = gateway.#unavailable(gateway.mode.current)
    if (why !== undefined && config.mode !== undefined) {
      await gateway.close()
      throw new GatewayError('HSG_CONFIG_INVALID', `invalid --mode "${config.mode}": ${why}`)
    }
    // The mock's spec and organization are loaded now when the mock serves from the start or --spec
    // or --mock-fixtures names a file (a bad one must stop start-up); otherwise when first used.
    if (config.spec !== undefined || config.mockFixtures !== undefined || gateway.mode.current === 'mock') {
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
    const pipeline = this.pipelines[this.mode.current].handle
    this.#inflight++
    try {
      const answer = await pipeline(request)
      // One copy with the budget's headers (made once per change, not per answer) on top: the
      // app's own figures, at most a second old even when other instances spend the budget.
      return { ...answer, headers: Object.assign({}, answer.headers, await this.budget.currentHeaders(request.app)) }
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
      // Date-range splits: kept results, and the plans running now with their progress.
      split: this.#split?.stats(),
      apps: this.apps.teamMode ? this.apps.names : undefined,
      uptime: Math.round((this.#now() - this.#startedAt) / 1000),
      inflight: this.#inflight,
      upstream: this.config.upstream,
      mock: this.mock.status(),
      recordings: await this.recordings.status(),
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

  /** The gateway's clock (epoch ms): the budget's, the token's and the journal's. */
  now(): number {
    return this.#now()
  }

  /** Budget use per minute over the last `minutes`, with the limit it is spent against. */
  budgetHistory(minutes: number): { now: number; limit: number; window: number } & BudgetHistorySeries {
    const now = this.#now()
    return { now, limit: this.config.budget, window: this.config.budgetWindow, ...this.history.series(now, minutes) }
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
    await this.recordings.flush()
    await this.#stores.close()
  }

  /**
   * What answers a request behind the cache and the split: mode and upstream, and in mock mode the
   * world of the request's session, so that no answer crosses sessions or outlives a reset.
   */
  #identity(request: GatewayRequest): string {
    const mode = modeOf(request)
    return mode === 'mock' ? `mock:${this.config.upstream}:${this.mock.worldTag(request.headers[SESSION_HEADER])}` : `${mode}:${this.config.upstream}`
  }

  #unavailable(mode: Mode): string | undefined {
    if (UPSTREAM_MODES.has(mode) && !this.tokens.hasToken) {
      return `the ${mode} mode needs a Hubstaff personal access token: set HUBSTAFF_REFRESH_TOKEN or --refresh-token`
    }
    if (mode === 'replay' && this.config.fallback === 'record-missing' && !this.tokens.hasToken) {
      return 'replay with --fallback record-missing records what has no recording from Hubstaff: it needs a personal access token (HUBSTAFF_REFRESH_TOKEN or --refresh-token)'
    }
    return undefined
  }
}
