import { canonicalQuery, paramValue, parseQuery, type QueryParam } from '../cache/key.js'
import { compilePolicy, type PolicyOverride } from '../cache/policy.js'
import { requestDirectives } from '../cache/directives.js'
import type { GatewayRequest, GatewayResponse, Handler, HeaderMap, SplitSummary, Stage } from '../pipeline/types.js'
import { RequestAborted } from '../upstream/client.js'
import { blankForm, isBlankError } from './detect.js'
import { KeptResults, type KeptResult } from './keep.js'
import { renderPage } from './merge.js'
import { bisect, cutToMaxSpan, lowerPageLimit, maxSpan } from './plan.js'
import { endpointFor, parseSpan, type RangedEndpoint, type Span } from './ranges.js'
import { PieceAnswer, runPlan, type PlanPiece, type ReservePlan } from './walk.js'

export interface SplitOptions {
  /** Upstream calls of one plan at once. @default 2 */
  readonly concurrency?: number
  /** Cut a range longer than the endpoint allows before sending it. @default true */
  readonly upFront?: boolean
  /** Memory for merged results kept for the app's next pages, bytes. @default 67108864 */
  readonly keepBytes?: number
  /** The cache's route overrides: a merged result is kept as long as the cache would keep its answer. */
  readonly policy?: Readonly<Record<string, PolicyOverride>>
  /** Names what answers behind the stage (mode and upstream), so their results never mix. */
  readonly identity?: () => string
  /** Reserves a plan's budget before it fans out; undefined where no budget applies (the mock). */
  readonly reserve?: () => ReservePlan | undefined
  readonly now?: () => number
  readonly logger?: { info(obj: object, msg: string): void }
}

export interface SplitStage extends Stage {
  stats(): { kept: number; keptBytes: number; plans: number }
}

/** Pieces fetched with the app's `page_limit`, but never more than this per page: pages stay small to parse. */
const PIECE_PAGE_LIMIT_MAX = 500
const PAGE_PARAMS = new Set(['page_start_id', 'page_limit'])

/** A positive whole number as sent, undefined when absent; NaN when malformed (Hubstaff answers those). */
function whole(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  return /^\d+$/.test(value) ? Number(value) : NaN
}

export function summaryHeader(summary: SplitSummary, kept = false): string {
  return `pieces=${summary.pieces}; depth=${summary.depth}; upstream=${kept ? 0 : summary.upstreamCalls}${kept ? '; kept' : ''}`
}

interface Ranged {
  readonly endpoint: RangedEndpoint
  readonly span: Span
  readonly params: readonly QueryParam[]
  readonly startId: number
  readonly limit: number | undefined
  /** The query without its page parameters: one merged result serves every page of it. */
  readonly key: string
}

/**
 * Blank replies to date-ranged queries (Hubstaff's 30-second cut) become smaller queries whose
 * answers are merged into the one the app asked for; ranges longer than an endpoint allows are cut
 * before they are sent. The app sees Hubstaff's contract: its `page_limit`, cursor pagination, the
 * last page without `pagination`. Answers carry `X-Gateway-Source: split` and `X-Gateway-Split`.
 */
export function splitStage(options: SplitOptions = {}): SplitStage {
  const clock = options.now ?? Date.now
  const identity = options.identity ?? (() => 'default')
  const policy = compilePolicy(options.policy)
  const kept = new KeptResults(options.keepBytes ?? 64 * 1024 * 1024)
  const concurrency = Math.max(1, options.concurrency ?? 2)
  const upFront = options.upFront ?? true
  const plans = new Map<string, Promise<KeptResult>>()
  let planCount = 0

  function ranged(request: GatewayRequest): Ranged | undefined {
    if (request.method !== 'GET' || request.body !== undefined) return undefined
    const endpoint = endpointFor(request.path)
    if (endpoint === undefined) return undefined
    const params = parseQuery(request.query)
    const span = parseSpan(endpoint.kind, paramValue(params, `${endpoint.param}[start]`), paramValue(params, `${endpoint.param}[stop]`))
    const startId = whole(paramValue(params, 'page_start_id')) ?? 0
    const limit = whole(paramValue(params, 'page_limit'))
    // Malformed, reversed or empty ranges and bad page parameters go as sent: Hubstaff's 400 says why.
    if (span === undefined || Number.isNaN(startId) || (limit !== undefined && (Number.isNaN(limit) || limit < 1))) return undefined
    const rest = params.filter((p) => !PAGE_PARAMS.has(p.name))
    return { endpoint, span, params, startId, limit, key: `${identity()} ${request.path}?${canonicalQuery(rest)}` }
  }

  async function answerFrom(result: KeptResult, r: Ranged, fresh: boolean): Promise<GatewayResponse> {
    const body = await renderPage(result.list, r.startId, r.limit)
    const headers: HeaderMap = { ...result.headers, 'x-gateway-split': summaryHeader(result.summary, !fresh) }
    return fresh
      ? { status: 200, headers, body, source: 'split', upstreamCalls: result.summary.upstreamCalls, split: result.summary }
      : { status: 200, headers, body, source: 'split', upstreamCalls: 0 }
  }

  async function plan(next: Handler, request: GatewayRequest, r: Ranged, pieces: PlanPiece[], spent: number): Promise<KeptResult> {
    planCount++
    const result = await runPlan({ endpoint: r.endpoint, request, next, concurrency, reserve: options.reserve?.(), spent }, pieces)
    const now = clock()
    const ttlMs = policy.freshness(request.path, r.params, now).ttlMs
    const keptResult: KeptResult = { list: result.list, headers: result.headers, summary: result.summary, storedAt: now, expiresAt: now + ttlMs }
    kept.set(r.key, keptResult)
    options.logger?.info({ reqId: request.id, path: request.path, split: result.summary }, 'split and merged a date range')
    return keptResult
  }

  /** Runs a plan once per query: a page asked while the plan runs waits for it. */
  function shared(next: Handler, request: GatewayRequest, r: Ranged, pieces: PlanPiece[], spent: number): Promise<KeptResult> {
    const running = plan(next, request, r, pieces, spent).finally(() => plans.delete(r.key))
    plans.set(r.key, running)
    return running
  }

  const stage = (next: Handler): Handler => async (request) => {
    const r = ranged(request)
    if (r === undefined) return next(request)
    if (!requestDirectives(request.headers).noCache) {
      const result = kept.get(r.key, clock())
      if (result !== undefined) return answerFrom(result, r, false)
      const running = plans.get(r.key)
      if (running !== undefined) {
        try {
          return await answerFrom(await running, r, false)
        } catch (err) {
          // Another app's plan ended (it left, or failed): this request asks on its own.
          if (request.signal.aborted) throw new RequestAborted()
          void err
        }
      }
    }
    const { endpoint, span } = r
    const pageLimit = r.limit === undefined ? undefined : Math.min(r.limit, PIECE_PAGE_LIMIT_MAX)
    const startId = r.startId > 0 ? r.startId : undefined
    if (span.hi - span.lo > maxSpan(endpoint) && upFront) {
      const pieces = cutToMaxSpan(endpoint, span).map((s) => ({ span: s, depth: 0, startId, pageLimit }))
      return planned(next, request, r, pieces, 0)
    }
    let spent = 1
    try {
      const first = await next(request)
      if (blankForm(first) === undefined) return first
      spent = first.upstreamCalls
    } catch (err) {
      if (!isBlankError(err)) throw err
    }
    const halves = bisect(endpoint.kind, span)
    let pieces: PlanPiece[]
    if (halves !== undefined) pieces = halves.map((s) => ({ span: s, depth: 1, startId, pageLimit }))
    else pieces = [{ span, depth: 0, startId, pageLimit: lowerPageLimit(pageLimit) ?? pageLimit }]
    return planned(next, request, r, pieces, spent)
  }

  async function planned(next: Handler, request: GatewayRequest, r: Ranged, pieces: PlanPiece[], spent: number): Promise<GatewayResponse> {
    try {
      return await answerFrom(await shared(next, request, r, pieces, spent), r, true)
    } catch (err) {
      // A piece Hubstaff refused (403, 404, a 400 on another parameter): the app gets that answer.
      if (err instanceof PieceAnswer) return err.response
      throw err
    }
  }

  return Object.assign(stage, {
    stats: () => ({ kept: kept.entries, keptBytes: kept.bytes, plans: planCount }),
  })
}
