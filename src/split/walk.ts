import { GatewayError, isGatewayError } from '../errors.js'
import type { GatewayRequest, GatewayResponse, Handler, HeaderMap, SplitSummary } from '../pipeline/types.js'
import { RequestAborted } from '../upstream/client.js'
import { blankForm, isBlankError } from './detect.js'
import type { PlanBudget } from './budget.js'
import { Merger, type MergedList, Yielder } from './merge.js'
import { bisect, lowerPageLimit } from './plan.js'
import { pieceQuery } from './query.js'
import type { Span } from '../api/dates.js'
import type { RangedEndpoint } from '../api/ranges.js'
import { formatIn, type RangeForm } from './form.js'

/** Slots reserved for a plan, handed to the budget stage one upstream call at a time. */
export class PlanCredit {
  #left = 0
  add(slots: number): void {
    this.#left += slots
  }
  take(): boolean {
    if (this.#left <= 0) return false
    this.#left--
    return true
  }
  get left(): number {
    return this.#left
  }
}

/** A piece answered something that is neither data nor blank (400, 403, 404, ...): the app gets it. */
export class PieceAnswer extends Error {
  constructor(readonly response: GatewayResponse) {
    super(`a piece answered ${response.status}`)
  }
}

/** At most `size` upstream calls of a plan at once. */
class Slots {
  #free: number
  readonly #waiting: (() => void)[] = []
  constructor(size: number) {
    this.#free = size
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--
    else await new Promise<void>((resolve) => this.#waiting.push(resolve))
    try {
      return await fn()
    } finally {
      const next = this.#waiting.shift()
      if (next !== undefined) next()
      else this.#free++
    }
  }
}

export interface PlanPiece {
  readonly span: Span
  readonly depth: number
  /** First page's cursor (the app's `page_start_id`, or where a blank page cut the walk). */
  readonly startId: number | undefined
  /** Page size to use; lowered at the smallest piece. */
  readonly pageLimit: number | undefined
}

export interface PlanContext {
  readonly endpoint: RangedEndpoint
  /** How the app wrote its range: every piece is written the same way. */
  readonly form: RangeForm
  /** The app's request, whose other parameters and headers every piece carries. */
  readonly request: GatewayRequest
  readonly next: Handler
  readonly concurrency: number
  readonly reserve: PlanBudget | undefined
  /** Calls already spent on this request before the plan (the blank first attempt). */
  readonly spent: number
  /** How a piece that blanks is cut again; undefined when it is the smallest. @default bisect */
  readonly cut?: (span: Span) => Span[] | undefined
  /** Pieces kept from earlier queries, merged in without asking Hubstaff. */
  readonly preloaded?: readonly StoredPiece[]
  /** Kept up to date while the plan runs (what `/_gateway/status` shows of running splits). */
  readonly progress?: PlanProgress
}

/** How far a running plan has got: pieces planned so far (a re-cut adds some), pieces done, calls made. */
export interface PlanProgress {
  pieces: number
  done: number
  upstreamCalls: number
}

/** A piece walked from its first record to its last: the whole answer for its range. */
export interface StoredPiece {
  readonly span: Span
  readonly list: MergedList
  readonly headers: HeaderMap
}

/**
 * The budget refused a call the plan could not reserve up front (a later page, or the pieces of a
 * re-cut) and the app could not wait: the plan stopped once the calls already paid for were made.
 * `complete` holds the pieces fetched whole by then, which a retry need not fetch again.
 */
export class PlanRefused extends Error {
  constructor(
    readonly refusal: GatewayError,
    readonly complete: readonly StoredPiece[],
  ) {
    super(refusal.message)
  }
}

/** A piece stopped because the budget refused the plan: not a failure of its own. */
const STOPPED = new Error('stopped: the budget refused the plan')

const isBudgetRefusal = (err: unknown): err is GatewayError => isGatewayError(err) && err.code === 'HSG_BUDGET_EXHAUSTED'

export interface PlanResult {
  readonly list: MergedList
  readonly headers: HeaderMap
  readonly summary: SplitSummary
  /** The pieces fetched whole (from their first record, never cut), which later queries may reuse. */
  readonly complete: readonly StoredPiece[]
}

const DROPPED_HEADERS = ['content-length', 'transfer-encoding', 'etag', 'last-modified', 'content-encoding']

/**
 * Runs a plan: fetches every piece, each following its own pagination to the end; a piece that
 * blanks is halved (down to the smallest piece), then asked with a lower `page_limit`, then
 * given up with HSG_SPLIT_EXHAUSTED naming it. The first failure stops the rest. A budget
 * refusal part-way (a later page, a re-cut) lets the calls already paid for finish, then throws
 * PlanRefused with the pieces fetched whole.
 */
export async function runPlan(ctx: PlanContext, pieces: readonly PlanPiece[]): Promise<PlanResult> {
  const { endpoint, request } = ctx
  const stop = new AbortController()
  const signal = AbortSignal.any([request.signal, stop.signal])
  const credit = new PlanCredit()
  const slots = new Slots(ctx.concurrency)
  const cut = ctx.cut ?? ((span: Span) => bisect(endpoint.kind, span))
  // Each piece merges its own pages, so that a piece fetched whole can be kept on its own.
  const walked: { piece: PlanPiece; merger: Merger; whole: boolean; finished: boolean }[] = []
  let headers: HeaderMap | undefined = ctx.preloaded?.[0]?.headers
  let calls = ctx.spent
  let leaves = 0
  let depth = 0
  let failure: Error | undefined
  // Set once the budget refused a call: the calls already paid for are still made (their pieces
  // may complete and be kept), no other is asked for.
  let refused: GatewayError | undefined
  const running = new Set<Promise<void>>()

  const reserve = async (cost: number): Promise<void> => {
    if (refused !== undefined) throw STOPPED
    try {
      if (ctx.reserve !== undefined) await ctx.reserve.reserve({ ...request, signal }, cost)
    } catch (err) {
      if (!isBudgetRefusal(err)) throw err
      refused ??= err
      throw STOPPED
    }
    credit.add(cost)
  }

  const fetchPage = async (piece: PlanPiece, cursor: number | undefined, limit: number | undefined): Promise<GatewayResponse | 'blank'> => {
    const ends = formatIn(ctx.form, piece.span)
    const query = pieceQuery(request.query, { param: endpoint.param, start: ends.start, stop: ends.stop, pageStartId: cursor, pageLimit: limit })
    try {
      if (signal.aborted) throw new RequestAborted()
      if (refused !== undefined && credit.left === 0) throw STOPPED
      const answer = await ctx.next({ ...request, query, signal, prepaid: credit })
      calls += answer.upstreamCalls
      if (ctx.progress !== undefined) ctx.progress.upstreamCalls = calls
      return blankForm(answer) === undefined ? answer : 'blank'
    } catch (err) {
      if (isBudgetRefusal(err) && !signal.aborted) {
        refused ??= err
        throw STOPPED
      }
      if (!isBlankError(err) || signal.aborted) throw err
      calls += 1
      return 'blank'
    }
  }

  const walk = async (piece: PlanPiece): Promise<void> => {
    depth = Math.max(depth, piece.depth)
    const own = { piece, merger: new Merger(endpoint.listKey), whole: piece.startId === undefined, finished: false }
    walked.push(own)
    const merger = own.merger
    let cursor = piece.startId
    let limit = piece.pageLimit
    let pages = 0
    for (;;) {
      const answer = await fetchPage(piece, cursor, limit)
      const read = answer === 'blank' ? undefined : answer.status >= 200 && answer.status < 300 ? merger.add(answer.body) : fail(new PieceAnswer(answer))
      if (read === undefined) {
        const halves = cut(piece.span)
        if (halves !== undefined) {
          own.whole = false
          await reserve(halves.length)
          if (ctx.progress !== undefined) ctx.progress.pieces += halves.length - 1
          for (const half of halves) launch({ span: half, depth: piece.depth + 1, startId: cursor, pageLimit: piece.pageLimit })
          return
        }
        const lower = lowerPageLimit(limit)
        if (lower === undefined) throw exhausted(ctx, piece, cursor, limit)
        limit = lower
        continue
      }
      if (answer !== 'blank') headers ??= answer.headers
      if (pages++ === 0) leaves++
      if (read.next === undefined) {
        own.finished = true
        if (ctx.progress !== undefined) ctx.progress.done++
        return
      }
      // A cursor that does not move on would loop for ever.
      if (cursor !== undefined && read.next <= cursor) throw new GatewayError('HSG_SPLIT_EXHAUSTED', `Hubstaff's pagination of ${describe(ctx, piece, cursor, limit)} did not move forward.`)
      cursor = read.next
    }
  }

  // A piece holds its slot from its first page to its last: pieces are walked in the order they
  // were planned, so that when the budget runs out part-way the earlier ones are whole (and kept)
  // instead of every piece being half-fetched.
  const launch = (piece: PlanPiece): void => {
    const task = slots.run(() => walk(piece)).catch((err: unknown) => {
      if (err === STOPPED) return
      failure ??= err instanceof Error ? err : new Error(String(err))
      stop.abort()
    })
    running.add(task)
    void task.finally(() => running.delete(task))
  }

  if (pieces.length > 0) {
    try {
      await reserve(pieces.length)
    } catch (err) {
      // Nothing of the plan was sent: the budget's own refusal, for the whole plan, is the answer.
      throw err === STOPPED && refused !== undefined ? refused : err
    }
  }
  for (const piece of pieces) launch(piece)
  while (running.size > 0) await Promise.all([...running])
  if (request.signal.aborted) throw new RequestAborted()
  if (failure !== undefined) throw failure
  const y = new Yielder()
  const kept: HeaderMap = {}
  for (const [name, value] of Object.entries(headers ?? {})) if (!DROPPED_HEADERS.includes(name)) kept[name] = value
  const merger = new Merger(endpoint.listKey)
  const complete: StoredPiece[] = []
  for (const { piece, merger: own, whole, finished } of walked) {
    if (refused !== undefined) {
      if (whole && finished) complete.push({ span: piece.span, list: await own.finish(y), headers: kept })
      continue
    }
    const list = await own.finish(y)
    merger.addList(list)
    if (whole) complete.push({ span: piece.span, list, headers: kept })
  }
  if (refused !== undefined) throw new PlanRefused(refused, complete)
  for (const stored of ctx.preloaded ?? []) merger.addList(stored.list)
  const list = await merger.finish(y)
  return { list, headers: kept, summary: { pieces: leaves + (ctx.preloaded?.length ?? 0), depth, upstreamCalls: calls }, complete }
}

function fail(error: Error): never {
  throw error
}

function describe(ctx: PlanContext, piece: PlanPiece, cursor: number | undefined, limit: number | undefined): string {
  const ends = formatIn(ctx.form, piece.span)
  const query = pieceQuery('', { param: ctx.endpoint.param, start: ends.start, stop: ends.stop, pageStartId: cursor, pageLimit: limit })
  return `GET ${ctx.request.path}?${query}`
}

function exhausted(ctx: PlanContext, piece: PlanPiece, cursor: number | undefined, limit: number | undefined): GatewayError {
  const ends = formatIn(ctx.form, piece.span)
  return new GatewayError(
    'HSG_SPLIT_EXHAUSTED',
    `Hubstaff gave a blank reply (its 30-second cut) even to the smallest piece of the range at the lowest page_limit: ${describe(ctx, piece, cursor, limit)}. Narrow the query with user_ids or project_ids, or retry later.`,
    { extensions: { piece: { [`${ctx.endpoint.param}[start]`]: ends.start, [`${ctx.endpoint.param}[stop]`]: ends.stop, page_start_id: cursor ?? 0, page_limit: limit ?? null } } },
  )
}
