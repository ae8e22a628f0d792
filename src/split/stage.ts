import { paramValue, parsedKey, parseRequest, type QueryParam } from '../api/query.js'
import { compilePolicy, type PolicyOverride } from '../cache/policy.js'
import { requestDirectives } from '../cache/directives.js'
import type { GatewayRequest, GatewayResponse, Handler, HeaderMap, SplitSummary, Stage } from '../pipeline/types.js'
import { RequestAborted } from '../upstream/client.js'
import { GatewayError } from '../errors.js'
import { blankForm, isBlankError } from './detect.js'
import { KeptResults, type KeptResult } from './keep.js'
import { renderPage } from './merge.js'
import { bisect, cutToMaxSpan, dayCellCount, dayCells, fewestPieces, isWholeDay, lowerPageLimit, maxSpan } from './plan.js'
import { parseSpan, type Span } from '../api/dates.js'
import { rangedEndpointFor, type RangedEndpoint } from '../api/ranges.js'
import { formatIn, formOf, type RangeForm } from './form.js'
import type { PlanBudget } from './budget.js'
import { PieceAnswer, PlanRefused, runPlan, type PlanPiece, type PlanProgress, type PlanResult, type StoredPiece } from './walk.js'

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
  /** Most pieces one range is cut into; a range needing more is refused before it is cut. @default 1000 */
  readonly maxPieces?: number
  /** The cache's route overrides: a merged result is kept as long as the cache would keep its answer. */
  readonly policy?: Readonly<Record<string, PolicyOverride>>
  /** Names what answers behind the stage (mode and upstream), so their results never mix. */
  readonly identity?: (request: GatewayRequest) => string
  /** Reserves a plan's budget before it fans out; undefined where no budget applies (the mock). */
  readonly reserve?: () => PlanBudget | undefined
  readonly now?: () => number
  readonly logger?: { info(obj: object, msg: string): void; debug?(obj: object, msg: string): void }
}

/** A split plan running now, as `/_gateway/status` shows it. */
export interface RunningPlan {
  readonly path: string
  /** Pieces planned so far (a re-cut after a blank reply adds some), and how many are done (kept ones included). */
  readonly pieces: number
  readonly done: number
  readonly upstreamCalls: number
  /** Seconds since it started: a plan paced by the budget runs across windows. */
  readonly runningFor: number
}

export interface SplitStage extends Stage {
  stats(): { kept: number; keptBytes: number; plans: number; running: RunningPlan[] }
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

/** HSG_SPLIT_TOO_LARGE for a range that would be cut into more than `--split-max-pieces` pieces. */
function tooManyPieces(pieces: number, maxPieces: number): GatewayError {
  return new GatewayError(
    'HSG_SPLIT_TOO_LARGE',
    `This query's date range would be cut into at least ${pieces} pieces, more than the gateway cuts one range into (--split-max-pieces ${maxPieces}). Narrow the date range, or ask it as shorter ranges. No piece of it was sent.`,
    { extensions: { pieces, maxPieces } },
  )
}

/** A running plan, owned by every request waiting for it: it stops only when all of them have left. */
interface PlanFlight {
  readonly promise: Promise<KeptResult>
  readonly controller: AbortController
  waiters: number
  done: boolean
}

interface Ranged {
  readonly endpoint: RangedEndpoint
  readonly span: Span
  /** How the app wrote its range: every piece is written the same way. */
  readonly form: RangeForm
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
  const maxPieces = options.maxPieces ?? 1000
  const plans = new Map<string, PlanFlight>()
  const running = new Set<{ readonly path: string; readonly startedAt: number; readonly progress: PlanProgress }>()
  let planCount = 0

  function ranged(request: GatewayRequest): Ranged | undefined {
    if (request.method !== 'GET' || request.body !== undefined) return undefined
    const endpoint = rangedEndpointFor(request.path)
    if (endpoint === undefined) return undefined
    const parsed = parseRequest(request)
    const { params } = parsed
    const start = paramValue(params, `${endpoint.param}[start]`)
    const stop = paramValue(params, `${endpoint.param}[stop]`)
    const span = parseSpan(endpoint.kind, start, stop)
    const startId = whole(paramValue(params, 'page_start_id')) ?? 0
    const limit = whole(paramValue(params, 'page_limit'))
    // Malformed, reversed or empty ranges and bad page parameters go as sent: Hubstaff's 400 says why.
    if (span === undefined || Number.isNaN(startId) || (limit !== undefined && (Number.isNaN(limit) || limit < 1))) return undefined
    const rest = params.filter((p) => !PAGE_PARAMS.has(p.name))
    const rangeFree = rest.filter((p) => p.name !== `${endpoint.param}[start]` && p.name !== `${endpoint.param}[stop]`)
    const id = identity(request)
    return { endpoint, span, form: formOf(endpoint.kind, start ?? '', stop ?? ''), params, startId, limit, key: `${id} ${parsedKey({ ...parsed, params: rest })}`, dayKey: `${id} ${parsedKey({ ...parsed, params: rangeFree })}#` }
  }

  const dayKeyOf = (r: Ranged, span: Span) => `${r.dayKey}${span.lo}-${span.hi}`

  /** How long a piece of `r` is fresh: the cache's freshness for the same query over the piece's range. */
  function ttlOf(path: string, r: Ranged, span: Span, now: number): number {
    const ends = formatIn(r.form, span)
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

  /**
   * Keeps every piece a plan fetched whole, each under its own key and for its own freshness:
   * whole days serve later queries that share them, longer pieces (an up-front cut) the retry of
   * this one.
   */
  function keepDays(request: GatewayRequest, r: Ranged, complete: readonly StoredPiece[], now: number): void {
    if (!reuse) return
    for (const piece of complete) {
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
    const budget = options.reserve?.()
    const progress: PlanProgress = { pieces: pieces.length + preloaded.length, done: preloaded.length, upstreamCalls: spent }
    const entry = { path: request.path, startedAt: clock(), progress }
    running.add(entry)
    let result: PlanResult
    try {
      result = await runPlan({ endpoint: r.endpoint, form: r.form, request, next, concurrency, reserve: budget, spent, cut, preloaded, progress }, pieces)
    } catch (err) {
      if (!(err instanceof PlanRefused)) throw err
      throw await refusedPart(request, r, err, budget, pieces.length + (spent > 0 ? 1 : 0))
    } finally {
      running.delete(entry)
    }
    const now = clock()
    const ttlMs = policy.freshness(request.path, r.params, now).ttlMs
    const keptResult: KeptResult = { list: result.list, headers: result.headers, summary: result.summary, fromId: r.startId, reused: preloaded.length, storedAt: now, expiresAt: now + ttlMs }
    kept.set(r.key, keptResult)
    keepDays(request, r, result.complete, now)
    options.logger?.info({ reqId: request.id, path: request.path, split: result.summary, reused: preloaded.length }, 'split and merged a date range')
    return keptResult
  }

  /**
   * The budget ran out part-way through a plan: the whole days fetched are kept, so that a retry
   * costs only what is missing, and the app's Retry-After is when the slots that retry must
   * reserve at once are free (not merely the next one).
   */
  async function refusedPart(request: GatewayRequest, r: Ranged, stopped: PlanRefused, budget: PlanBudget | undefined, unkeptCost: number): Promise<Error> {
    const now = clock()
    keepDays(request, r, stopped.complete, now)
    const again = reusable(r, now) ?? cutAgain(r, now)
    const cost = again?.missing.length ?? unkeptCost
    const keptDays = again?.preloaded.length ?? 0
    options.logger?.info({ reqId: request.id, path: request.path, keptDays, retryCost: cost }, 'split plan refused part-way by the budget')
    if (budget === undefined) return stopped.refusal
    const what = keptDays > 0 ? `the ${keptDays} whole days already fetched are kept, and a retry fetches only the ${cost} pieces still missing` : `a retry needs ${cost} upstream requests at once`
    return budget.refusal(request, cost, `The budget ran out part-way through the split of this date range (Hubstaff's further pages are paid as they come): ${what}.`)
  }

  /** Runs a plan once per query: a page asked while the plan runs waits for it. */
  async function planned(next: Handler, request: GatewayRequest, r: Ranged, pieces: PlanPiece[], spent: number, preloaded: StoredPiece[] = []): Promise<GatewayResponse> {
    // A plan nobody waits for would never be stopped.
    if (request.signal.aborted) throw new RequestAborted()
    const controller = new AbortController()
    // Every page asked while the plan runs waits for it: it must not end with the first app that leaves.
    const forAll: GatewayRequest = { ...request, signal: controller.signal }
    const state = { controller, waiters: 0, done: false }
    const promise = plan(next, forAll, r, pieces, spent, preloaded).finally(() => {
      state.done = true
      if (plans.get(r.key) === flight) plans.delete(r.key)
    })
    // Rejections reach every waiter; one left unwaited (all gone) must not be reported as unhandled.
    promise.catch(() => undefined)
    const flight: PlanFlight = Object.assign(state, { promise })
    plans.set(r.key, flight)
    try {
      return await answerFrom(await join(flight, r, request.signal), r, true)
    } catch (err) {
      // A piece Hubstaff refused (403, 404, a 400 on another parameter): the app gets that answer.
      if (err instanceof PieceAnswer) return err.response
      throw err
    }
  }

  /** Waits for a plan; a request that leaves stops waiting (RequestAborted), and the last one to leave stops the plan. */
  async function join(flight: PlanFlight, r: Ranged, signal: AbortSignal): Promise<KeptResult> {
    if (signal.aborted) throw new RequestAborted()
    flight.waiters++
    let onAbort: (() => void) | undefined
    try {
      return await new Promise<KeptResult>((resolve, reject) => {
        onAbort = () => reject(new RequestAborted())
        signal.addEventListener('abort', onAbort, { once: true })
        flight.promise.then(resolve, reject)
      })
    } finally {
      if (onAbort !== undefined) signal.removeEventListener('abort', onAbort)
      flight.waiters--
      if (flight.waiters === 0 && !flight.done) {
        flight.controller.abort()
        if (plans.get(r.key) === flight) plans.delete(r.key)
      }
    }
  }

  /** The pieces of the range's up-front cut kept from an earlier attempt, and those still to fetch; undefined when none is kept. */
  function cutAgain(r: Ranged, now: number): { preloaded: StoredPiece[]; missing: Span[] } | undefined {
    if (!reuse || r.span.hi - r.span.lo <= maxSpan(r.endpoint)) return undefined
    const preloaded: StoredPiece[] = []
    const missing: Span[] = []
    for (const piece of cutToMaxSpan(r.endpoint, r.span)) {
      const held = kept.get(dayKeyOf(r, piece), now)
      if (held === undefined) missing.push(piece)
      else preloaded.push({ span: piece, list: held.list, headers: held.headers })
    }
    return preloaded.length === 0 ? undefined : { preloaded, missing }
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
    // Sized from the span alone, before anything below cuts it: a range of centuries is refused
    // at once instead of being cut into hundreds of thousands of pieces first.
    const fewest = fewestPieces(endpoint, span)
    if (fewest > maxPieces) throw tooManyPieces(fewest, maxPieces)
    const overLong = span.hi - span.lo > maxSpan(endpoint) && upFront
    if (overLong) options.reserve?.()?.check(request, fewest)
    const pageLimit = r.limit === undefined ? undefined : Math.min(r.limit, PIECE_PAGE_LIMIT_MAX)
    const startId = r.startId > 0 ? r.startId : undefined
    if (!requestDirectives(request.headers).noCache) {
      const now = clock()
      const result = kept.get(r.key, now)
      if (result !== undefined && result.fromId <= r.startId) return answerFrom(result, r, false)
      const running = plans.get(r.key)
      if (running !== undefined) {
        options.logger?.debug?.({ reqId: request.id, path: request.path }, 'joined a running split plan')
        try {
          const joined = await join(running, r, request.signal)
          if (joined.fromId <= r.startId) return await answerFrom(joined, r, false)
        } catch (err) {
          if (request.signal.aborted) throw err instanceof RequestAborted ? err : new RequestAborted()
          // The plan failed (or was refused the budget of the app that started it): this request asks on its own.
        }
      }
      const days = reusable(r, now)
      if (days !== undefined) {
        const pieces = days.missing.map((s) => ({ span: s, depth: 0, startId, pageLimit }))
        return planned(next, request, r, pieces, 0, days.preloaded)
      }
    }
    if (overLong) {
      // The pieces of the same cut a refused attempt fetched whole are kept: only the rest is asked.
      const cut = (requestDirectives(request.headers).noCache ? undefined : cutAgain(r, clock())) ?? { preloaded: [], missing: cutToMaxSpan(endpoint, span) }
      const pieces = cut.missing.map((s) => ({ span: s, depth: 0, startId, pageLimit }))
      return planned(next, request, r, pieces, 0, cut.preloaded)
    }
    let spent = 1
    try {
      const first = await next(request)
      if (blankForm(first) === undefined) return first
      spent = first.upstreamCalls
    } catch (err) {
      if (!isBlankError(err)) throw err
    }
    // Cut at every midnight: a range sent whole (--split-up-front off) may hold many more days than pieces.
    const cellCount = reuse ? dayCellCount(endpoint.kind, span) : 0
    if (cellCount > maxPieces) throw tooManyPieces(cellCount, maxPieces)
    const cells = reuse ? dayCells(endpoint.kind, span) : []
    const halves = cells.length >= 2 ? cells : bisect(endpoint.kind, span)
    let pieces: PlanPiece[]
    if (halves !== undefined) pieces = halves.map((s) => ({ span: s, depth: 1, startId, pageLimit }))
    else pieces = [{ span, depth: 0, startId, pageLimit: lowerPageLimit(pageLimit) ?? pageLimit }]
    return planned(next, request, r, pieces, spent)
  }

  return Object.assign(stage, {
    stats: () => {
      const now = clock()
      const plansNow = [...running].map(({ path, startedAt, progress }) => ({ path, ...progress, runningFor: Math.round((now - startedAt) / 1000) }))
      return { kept: kept.entries, keptBytes: kept.bytes, plans: planCount, running: plansNow }
    },
  })
}
