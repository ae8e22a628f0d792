import type { Logger } from 'pino'
import type { Config, Mode } from './config/settings.js'
import { GatewayError } from './errors.js'
import { ModeSwitch } from './mode.js'
import { authStage } from './pipeline/auth.js'
import { buildPipelines } from './pipeline/index.js'
import type { GatewayRequest, GatewayResponse, Handler } from './pipeline/types.js'
import { upstreamTerminal } from './pipeline/upstream.js'
import { exchangeRefreshToken } from './token/exchange.js'
import { TokenManager, type TokenStatus } from './token/manager.js'
import { FileTokenStore, type TokenStore } from './token/store.js'
import { UpstreamClient } from './upstream/client.js'

export interface GatewayOptions {
  readonly config: Config
  readonly logger: Logger
  readonly now?: () => number
  /** Replaces the file store (tests, later the Redis store). */
  readonly tokenStore?: TokenStore
}

export interface Health {
  readonly httpStatus: 200 | 503
  readonly body: { status: 'ok' | 'error'; mode: Mode; code?: string; reason?: string; token?: TokenStatus['state'] }
}

const UPSTREAM_MODES: ReadonlySet<Mode> = new Set(['live', 'record'])

/**
 * The gateway without its HTTP skin: configuration in, `handle()` for /v2 requests, health and
 * status for the admin surface. Everything it owns is closed by `close()`.
 */
export class Gateway {
  readonly config: Config
  readonly mode: ModeSwitch
  readonly tokens: TokenManager
  readonly #api: UpstreamClient
  readonly #auth: UpstreamClient
  readonly #pipelines: Record<Mode, Handler>
  readonly #startedAt: number
  readonly #now: () => number
  #inflight = 0
  #closing = false

  private constructor(options: GatewayOptions, tokens: TokenManager, api: UpstreamClient, auth: UpstreamClient) {
    this.config = options.config
    this.#now = options.now ?? Date.now
    this.#startedAt = this.#now()
    this.tokens = tokens
    this.#api = api
    this.#auth = auth
    this.#pipelines = buildPipelines({
      stages: { auth: authStage(tokens) },
      terminals: { live: upstreamTerminal(api) },
      upstreamOnly: new Set(['auth', 'budget']),
    })
    const initial = options.config.mode ?? (tokens.hasToken ? 'live' : 'mock')
    this.mode = new ModeSwitch(initial, (mode) => this.#unavailable(mode))
  }

  static async create(options: GatewayOptions): Promise<Gateway> {
    const { config, logger } = options
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
    const store =
      options.tokenStore ??
      new FileTokenStore({
        stateDir: config.stateDir,
        onLockCompromised: (err) => logger.error({ err }, 'token lock compromised'),
      })
    const now = options.now ?? Date.now
    const tokens = new TokenManager({
      store,
      exchange: (refreshToken) => exchangeRefreshToken(auth, refreshToken, now),
      seed: config.refreshToken,
      refreshMarginMs: config.refreshMargin * 1000,
      logger: logger.child({ component: 'token' }),
      now,
    })
    await tokens.init()
    const gateway = new Gateway(options, tokens, api, auth)
    const why = gateway.#unavailable(gateway.mode.current)
    if (why !== undefined && config.mode !== undefined) {
      await gateway.close()
      throw new GatewayError('HSG_CONFIG_INVALID', `invalid --mode "${config.mode}": ${why}`)
    }
    return gateway
  }

  /** Runs a /v2 request through the pipeline of the mode current when it arrives. */
  async handle(request: GatewayRequest): Promise<GatewayResponse> {
    if (this.#closing) throw new GatewayError('HSG_SHUTTING_DOWN', 'The gateway is shutting down; retry shortly.', { headers: { 'retry-after': '1' } })
    const pipeline = this.#pipelines[this.mode.current]
    this.#inflight++
    try {
      return await pipeline(request)
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

  status(): Record<string, unknown> {
    const token = this.tokens.status()
    return {
      mode: this.mode.current,
      uptime: Math.round((this.#now() - this.#startedAt) / 1000),
      inflight: this.#inflight,
      upstream: this.config.upstream,
      token: {
        state: token.state,
        expiresAt: token.expiresAt,
        refreshedAt: token.refreshedAt,
        refreshes: token.refreshes,
        failures: token.failures,
        reason: token.reason,
      },
    }
  }

  /** Stops taking requests; in-flight ones finish within the shutdown timeout, then everything closes. */
  async close(): Promise<void> {
    this.#closing = true
    this.tokens.close()
    const deadline = this.#now() + this.config.shutdownTimeout * 1000
    const closing = Promise.all([this.#api.close(), this.#auth.close()])
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), Math.max(0, deadline - this.#now())).unref())
    if ((await Promise.race([closing.then(() => 'closed' as const), timer])) === 'timeout') {
      await Promise.all([this.#api.destroy(), this.#auth.destroy()])
    }
  }

  #unavailable(mode: Mode): string | undefined {
    if (UPSTREAM_MODES.has(mode) && !this.tokens.hasToken) {
      return `the ${mode} mode needs a Hubstaff personal access token: set HUBSTAFF_REFRESH_TOKEN or --refresh-token`
    }
    if (mode !== 'live') return `the ${mode} mode is not available in this version of the gateway`
    return undefined
  }
}
