import { canonicalQuery, paramValue, parseQuery, type QueryParam } from '../cache/key.js'
import { compilePolicy, type PolicyOverride } from '../cache/policy.js'
import { requestDirectives } from '../cache/directives.js'
import type { GatewayRequest, GatewayResponse, Handler, HeaderMap, SplitSummary, Stage } from '../pipeline/types.js'
import { RequestAborted } from '../upstream/client.js'
import { blankForm, isBlankError } from './detect.js'
import { KeptResults, type KeptResult } from './keep.js'
import { renderPage } from './merge.js'
import { bisect, cutToMaxSpan, dayCells, isWholeDay, lowerPageLimit, maxSpan } from './plan.js'
import { endpointFor, formatSpan, parseSpan, type RangedEndpoint, type Span } from './ranges.js'
import { PieceAnswer, runPlan, type PlanPiece, type PlanResult, type ReservePlan, type StoredPiece } from './walk.js'

export interface SplitOptions {
  /** Upstream calls of one plan at once. @default 2 */
  readonly concurrency?: number
  /** Cut a range longer than the endpoint allows before sending it. @default true */
  readonly upFront?: boolean
  /**
   * Cut a blank range at midnights and keep its whole days, so that a later query overlapping them
   * fetches only the days it lacks. @default true
   */
  readonly reuse?: boolean
  /** Memory for merged results and kept days, bytes. @default 67108864 */
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

/** `X-Gateway-Split` and the log line's `split`: `pieces=8; depth=2; upstream=11`. */
export function summaryHeader(result: Pick<KeptResult, 'summary' | 'reused'>, kept = false): string {
  const { summary } = result
  const reused = result.reused > 0 ? `; reused=${result.reused}` : ''
  return `pieces=${summary.pieces}; depth=${summary.depth}; upstream=${kept ? 0 : summary.upstreamCalls}${reused}${kept ? '; kept' : ''}`
}

interface Ranged {
  readonly endpoint: RangedEndpoint
  readonly span: Span
  readonly params: readonly QueryParam[]
  readonly startId: number
  readonly limit: number | undefined
  /** The query without its page parameters: one merged result serves every page of it. */
  readonly key: string
  /** The query without its page parameters and its range: the days of it are kept under this. */
  readonly dayKey: string
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
  const reuse = options.reuse ?? true
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
    const rangeFree = rest.filter((p) => p.name !== `${endpoint.param}[start]` && p.name !== `${endpoint.param}[stop]`)
    const id = identity()
    return { endpoint, span, params, startId, limit, key: `${id} ${request.path}?${canonicalQuery(rest)}`, dayKey: `${id} ${request.path}?${canonicalQuery(rangeFree)}#` }
  }

  const dayKeyOf = (r: Ranged, span: Span) => `${r.dayKey}${span.lo}-${span.hi}`

  /** How long a piece of `r` is fresh: the cache's freshness for the same query over the piece's range. */
  function ttlOf(path: string, r: Ranged, span: Span, now: number): number {
    const ends = formatSpan(r.endpoint.kind, span)
    const params = r.params.map((p) => (p.name === `${r.endpoint.param}[start]` ? { name: p.name, values: [ends.start] } : p.name === `${r.endpoint.param}[stop]` ? { name: p.name, values: [ends.stop] } : p))
    return policy.freshness(path, params, now).ttlMs
  }

  async function answerFrom(result: KeptResult, r: Ranged, fresh: boolean): Promise<GatewayResponse> {
    const body = await renderPage(result.list, r.startId, r.limit)
    const headers: HeaderMap = { ...result.headers, 'x-gateway-split': summaryHeader(result, !fresh) }
    return fresh
      ? { status: 200, headers, body, source: 'split', upstreamCalls: result.summary.upstreamCalls, split: result.summary }
      : { status: 200, headers, body, source: 'split', upstreamCalls: 0 }
  }

  /** Keeps the whole days a plan fetched, each under its own key and for its own freshness. */
  function keepDays(request: GatewayRequest, r: Ranged, result: PlanResult, now: number): void {
    if (!reuse) return
    for (const piece of result.complete) {
      if (!isWholeDay(r.endpoint.kind, piece.span)) continue
      const ttlMs = ttlOf(request.path, r, piece.span, now)
      const summary: SplitSummary = { pieces: 1, depth: 0, upstreamCalls: 0 }
      kept.set(dayKeyOf(r, piece.span), { list: piece.list, headers: piece.headers, summary, fromId: 0, reused: 0, storedAt: now, expiresAt: now + ttlMs })
    }
  }

  async function plan(next: Handler, request: GatewayRequest, r: Ranged, pieces: PlanPiece[], spent: number, preloaded: StoredPiece[]): Promise<KeptResult> {
    planCount++
    const cut = (span: Span): Span[] | undefined => {
      const cells = reuse ? dayCells(r.endpoint.kind, span) : []
      return cells.length >= 2 ? cells : bisect(r.endpoint.kind, span)
    }
    const result = await runPlan({ endpoint: r.endpoint, request, next, concurrency, reserve: options.reserve?.(), spent, cut, preloaded }, pieces)
    const now = clock()
    const ttlMs = policy.freshness(request.path, r.params, now).ttlMs
    const keptResult: KeptResult = { list: result.list, headers: result.headers, summary: result.summary, fromId: r.startId, reused: preloaded.length, storedAt: now, expiresAt: now + ttlMs }
    kept.set(r.key, keptResult)
    keepDays(request, r, result, now)
    options.logger?.info({ reqId: request.id, path: request.path, split: result.summary, reused: preloaded.length }, 'split and merged a date range')
    return keptResult
  }

  /** Runs a plan once per query: a page asked while the plan runs waits for it. */
  async function planned(next: Handler, request: GatewayRequest, r: Ranged, pieces: PlanPiece[], spent: number, preloaded: StoredPiece[] = []): Promise<GatewayResponse> {
    const running: Promise<KeptResult> = plan(next, request, r, pieces, spent, preloaded).finally(() => {
      if (plans.get(r.key) === running) plans.delete(r.key)
    })
    plans.set(r.key, running)
    try {
      return await answerFrom(await running, r, true)
    } catch (err) {
      // A piece Hubstaff refused (403, 404, a 400 on another parameter): the app gets that answer.
      if (err instanceof PieceAnswer) return err.response
      throw err
    }
  }

  /** The whole days of the range kept from earlier queries, and the cells still to fetch; undefined when none is kept. */
  function reusable(r: Ranged, now: number): { preloaded: StoredPiece[]; missing: Span[] } | undefined {
    if (!reuse) return undefined
    const cells = dayCells(r.endpoint.kind, r.span)
    if (cells.length < 2) return undefined
    const preloaded: StoredPiece[] = []
    const missing: Span[] = []
    for (const cell of cells) {
      const day = isWholeDay(r.endpoint.kind, cell) ? kept.get(dayKeyOf(r, cell), now) : undefined
      if (day === undefined) missing.push(cell)
      else preloaded.push({ span: cell, list: day.list, headers: day.headers })
    }
    return preloaded.length === 0 ? undefined : { preloaded, missing }
  }

  const stage = (next: Handler): Handler => async (request) => {
    const r = ranged(request)
    if (r === undefined) return next(request)
    const { endpoint, span } = r
    const pageLimit = r.limit === undefined ? undefined : Math.min(r.limit, PIECE_PAGE_LIMIT_MAX)
    const startId = r.startId > 0 ? r.startId : undefined
    if (!requestDirectives(request.headers).noCache) {
      const now = clock()
      const result = kept.get(r.key, now)
      if (result !== undefined && result.fromId <= r.startId) return answerFrom(result, r, false)
      const running = plans.get(r.key)
      if (running !== undefined) {
        try {
          const joined = await running
          if (joined.fromId <= r.startId) return await answerFrom(joined, r, false)
        } catch {
          // Another app's plan ended (it left, or failed): this request asks on its own.
          if (request.signal.aborted) throw new RequestAborted()
        }
      }
      const days = reusable(r, now)
      if (days !== undefined) {
        const pieces = days.missing.map((s) => ({ span: s, depth: 0, startId, pageLimit }))
        return planned(next, request, r, pieces, 0, days.preloaded)
      }
    }
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
    const cells = reuse ? dayCells(endpoint.kind, span) : []
    const halves = cells.length >= 2 ? cells : bisect(endpoint.kind, span)
    let pieces: PlanPiece[]
    if (halves !== undefined) pieces = halves.map((s) => ({ span: s, depth: 1, startId, pageLimit }))
    else pieces = [{ span, depth: 0, startId, pageLimit: lowerPageLimit(pageLimit) ?? pageLimit }]
    return planned(next, request, r, pieces, spent)
  }

  return Object.assign(stage, {
    stats: () => ({ kept: kept.entries, keptBytes: kept.bytes, plans: planCount }),
  })
}
