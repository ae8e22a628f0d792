import { performance } from 'node:perf_hooks'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { BudgetStatus } from './budget/engine.js'
import type { CacheStats } from './cache/stats.js'
import type { GatewayResponse, Handler, SplitSummary } from './pipeline/types.js'
import type { TokenStatus } from './token/manager.js'

/** The part of `BudgetEngine.status()` the metrics read. */
export type BudgetFigures = Pick<BudgetStatus, 'limit' | 'used' | 'remaining' | 'refused' | 'upstream429s' | 'apps'>

/** Where the figures that are not counted per request come from, read at scrape time. */
export interface MetricSources {
  readonly budget: () => Promise<BudgetFigures>
  readonly queued: () => number
  readonly cache: () => CacheStats
  readonly token: () => TokenStatus
}

const TOKEN_STATES = ['empty', 'ok', 'degraded', 'rejected'] as const

/** Seconds: most Hubstaff answers take 0.1 to 2 s; it cuts requests at 30 s. */
const LATENCY_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60]
const WAIT_BUCKETS = [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 3600]

/** A count kept by the gateway itself: the hot path adds to a number, prom-client reads it when scraped. */
type Cell = { n: number }

/** A counter whose value lives elsewhere (a monotonic count of the gateway's own), set at scrape time. */
function mirroredCounter(registry: Registry, name: string, help: string, read: () => number | Promise<number>): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    async collect() {
      const value = await read()
      this.reset()
      this.inc(value)
    },
  })
}

/**
 * The gateway's Prometheus metrics, in a registry of its own (never prom-client's global one:
 * several gateways may live in one process). Per-request counting is a few additions; everything
 * else is read from the gateway's parts when scraped.
 */
export class Metrics {
  readonly registry = new Registry()
  readonly #requests = new Map<string, Map<number, Cell>>()
  readonly #upstreamCalls: Cell = { n: 0 }
  readonly #splitPlans: Cell = { n: 0 }
  readonly #splitPieces: Cell = { n: 0 }
  readonly #queueWait: Histogram
  readonly #latency: Histogram<'outcome'>

  constructor(sources: MetricSources) {
    const registers = [this.registry]
    const requests = this.#requests
    new Counter({
      name: 'hsg_requests_total',
      help: 'Requests answered, by X-Gateway-Source (upstream, cache, split, replay, mock, gateway) and HTTP status (499: the client left).',
      labelNames: ['source', 'status'],
      registers,
      collect() {
        this.reset()
        for (const [source, byStatus] of requests) for (const [status, cell] of byStatus) this.inc({ source, status: String(status) }, cell.n)
      },
    })
    mirroredCounter(this.registry, 'hsg_upstream_calls_total', 'Upstream API requests spent on answers (retries, replays and split pieces included).', () => this.#upstreamCalls.n)
    this.#queueWait = new Histogram({ name: 'hsg_budget_queue_wait_seconds', help: 'Time requests sent with Prefer: wait spent queued for a budget slot.', buckets: WAIT_BUCKETS, registers })
    this.#latency = new Histogram({
      name: 'hsg_upstream_latency_seconds',
      help: 'Time one upstream API request took, by outcome (2xx, 3xx, 4xx, 5xx, error).',
      labelNames: ['outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    })
    mirroredCounter(this.registry, 'hsg_split_plans_total', 'Requests answered in date-range pieces.', () => this.#splitPlans.n)
    mirroredCounter(this.registry, 'hsg_split_pieces_total', 'Date-range pieces fetched for split requests.', () => this.#splitPieces.n)

    // One read of the budget per scrape, shared by every figure taken from it.
    let budget: BudgetFigures | undefined
    let reading: Promise<BudgetFigures | undefined> | undefined
    const readBudget = (): Promise<BudgetFigures | undefined> => {
      reading ??= sources
        .budget()
        .then(
          (figures) => (budget = figures),
          // The store is away (Redis down): the last figures read stay.
          () => budget,
        )
        .finally(() => {
          reading = undefined
        })
      return reading
    }
    const budgetGauge = (name: string, help: string, pick: (b: BudgetFigures) => number) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          const b = await readBudget()
          if (b !== undefined) this.set(pick(b))
        },
      })
    budgetGauge('hsg_budget_limit', 'Upstream requests allowed per budget window.', (b) => b.limit)
    budgetGauge('hsg_budget_used', 'Upstream requests spent in the current rolling window.', (b) => b.used)
    budgetGauge('hsg_budget_remaining', 'Upstream requests left in the current rolling window (0 while paused after a Hubstaff 429).', (b) => b.remaining)
    new Gauge({
      name: 'hsg_budget_used_by_app',
      help: 'Upstream requests spent in the current window, per team-mode app.',
      labelNames: ['app'],
      registers,
      async collect() {
        const b = await readBudget()
        this.reset()
        for (const [app, used] of Object.entries(b?.apps ?? {})) this.set({ app }, used)
      },
    })
    mirroredCounter(this.registry, 'hsg_budget_refused_total', 'Requests refused with 429 HSG_BUDGET_EXHAUSTED.', async () => (await readBudget())?.refused ?? 0)
    mirroredCounter(this.registry, 'hsg_upstream_429_total', "Hubstaff's own 429 answers (each pauses upstream traffic).", async () => (await readBudget())?.upstream429s ?? 0)
    new Gauge({
      name: 'hsg_budget_queue_length',
      help: 'Requests waiting for a budget slot (Prefer: wait).',
      registers,
      collect() {
        this.set(sources.queued())
      },
    })

    mirroredCounter(this.registry, 'hsg_cache_hits_total', 'GETs answered from the cache.', () => sources.cache().hits)
    mirroredCounter(this.registry, 'hsg_cache_misses_total', 'Cacheable GETs that went upstream or joined an identical request on its way.', () => sources.cache().misses)
    mirroredCounter(this.registry, 'hsg_cache_collapsed_total', 'Misses that joined an identical request already on its way.', () => sources.cache().collapsed)
    mirroredCounter(this.registry, 'hsg_cache_stale_if_error_total', 'Stale answers served because Hubstaff failed or the budget was spent.', () => sources.cache().staleIfError)
    new Gauge({
      name: 'hsg_cache_bytes',
      help: 'Memory held by cached answers, bytes.',
      registers,
      collect() {
        this.set(sources.cache().bytes)
      },
    })
    new Gauge({
      name: 'hsg_cache_entries',
      help: 'Cached answers held.',
      registers,
      collect() {
        this.set(sources.cache().entries)
      },
    })

    mirroredCounter(this.registry, 'hsg_token_refreshes_total', 'Successful exchanges of the refresh token.', () => sources.token().refreshes)
    mirroredCounter(this.registry, 'hsg_token_refresh_failures_total', 'Failed exchanges of the refresh token (rejected or token endpoint unavailable).', () => sources.token().failures)
    // Timestamps, as Prometheus has it: alert on `hsg_token_expires_timestamp_seconds - time() < 300`.
    const timestamp = (iso: string | null) => (iso === null ? 0 : Date.parse(iso) / 1000)
    new Gauge({
      name: 'hsg_token_expires_timestamp_seconds',
      help: 'When the held access token expires, Unix time (0: none held yet).',
      registers,
      collect() {
        this.set(timestamp(sources.token().expiresAt))
      },
    })
    new Gauge({
      name: 'hsg_token_refreshed_timestamp_seconds',
      help: 'When the access token was last exchanged, Unix time (0: not yet).',
      registers,
      collect() {
        this.set(timestamp(sources.token().refreshedAt))
      },
    })
    new Gauge({
      name: 'hsg_token_state',
      help: 'The managed token state: 1 for the current one of empty, ok, degraded, rejected.',
      labelNames: ['state'],
      registers,
      collect() {
        const state = sources.token().state
        for (const s of TOKEN_STATES) this.set({ state: s }, s === state ? 1 : 0)
      },
    })
  }

  /** One answered request (hot path: two map lookups and a few additions, nothing allocated). */
  requestFinished(source: string, status: number, response: Pick<GatewayResponse, 'upstreamCalls' | 'queueWaitMs' | 'split'> | undefined): void {
    let bySource = this.#requests.get(source)
    if (bySource === undefined) {
      bySource = new Map()
      this.#requests.set(source, bySource)
    }
    const cell = bySource.get(status)
    if (cell === undefined) bySource.set(status, { n: 1 })
    else cell.n++
    if (response === undefined) return
    this.#upstreamCalls.n += response.upstreamCalls
    if (response.queueWaitMs !== undefined) this.#queueWait.observe(response.queueWaitMs / 1000)
    if (response.split !== undefined) this.#split(response.split)
  }

  #split(split: SplitSummary): void {
    this.#splitPlans.n++
    this.#splitPieces.n += split.pieces
  }

  /** Wraps a terminal that calls Hubstaff so that each call's latency is observed. */
  timed(terminal: Handler): Handler {
    return async (request) => {
      const started = performance.now()
      try {
        const answer = await terminal(request)
        this.#latency.observe({ outcome: `${Math.floor(answer.status / 100)}xx` }, (performance.now() - started) / 1000)
        return answer
      } catch (err) {
        this.#latency.observe({ outcome: 'error' }, (performance.now() - started) / 1000)
        throw err
      }
    }
  }

  get contentType(): string {
    return this.registry.contentType
  }

  text(): Promise<string> {
    return this.registry.metrics()
  }
}
