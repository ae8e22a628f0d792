import type { BudgetEngine } from '../budget/engine.js'
import { GatewayError } from '../errors.js'
import { parsePrefer } from '../http/prefer.js'
import type { GatewayRequest } from '../pipeline/types.js'

/** What a split plan asks of the budget; undefined where no budget applies (the mock). */
export interface PlanBudget {
  /**
   * Takes `cost` slots in one step before any of them is sent; throws the budget's 429 when they
   * do not fit in time, or HSG_SPLIT_TOO_LARGE when they could never fit one window.
   */
  reserve(request: GatewayRequest, cost: number): Promise<void>
  /** Throws HSG_SPLIT_TOO_LARGE when `cost` slots could never fit one window; takes nothing. */
  check(request: GatewayRequest, cost: number): void
  /** The budget's 429 for an app whose retry needs `cost` slots at once: its Retry-After is when they are free. */
  refusal(request: GatewayRequest, cost: number, detail: string): Promise<GatewayError>
}

/**
 * A plan's budget, taken in one step before any piece is sent: several concurrent plans cannot
 * each take half of what is left and all fail half-way. Queues as long as the app's
 * `Prefer: wait` allows; otherwise HSG_BUDGET_EXHAUSTED with the Retry-After of the slot that
 * would complete the plan. A plan larger than the whole window is refused as such: waiting would
 * never help.
 */
export function planReserver(engine: BudgetEngine, maxWaitMs: number): PlanBudget {
  const windowSeconds = Math.round(engine.windowMs / 1000)
  const check = (request: GatewayRequest, cost: number): void => {
    const capacity = engine.capacity(request.app)
    if (cost > capacity) {
      const share = capacity === engine.limit ? `the whole budget of ${engine.limit}` : `the ${capacity} of the budget of ${engine.limit} this app may use`
      throw new GatewayError(
        'HSG_SPLIT_TOO_LARGE',
        `This query needs ${cost} upstream requests at once (its date range cut into ${cost} pieces Hubstaff accepts), more than ${share} per ${windowSeconds} s: it can never be answered, and retrying will not help. Narrow the date range (or ask it as shorter ranges of at most ${capacity} pieces each). No piece of it was sent.`,
        { extensions: { pieces: cost, budget: capacity } },
      )
    }
  }
  return {
    check,
    async reserve(request, cost) {
      check(request, cost)
      const waitMs = Math.min(maxWaitMs, (parsePrefer(request.headers.prefer).wait ?? 0) * 1000)
      await engine.acquire({ app: request.app, cost, waitMs, signal: request.signal })
    },
    async refusal(request, cost, detail) {
      const freeIn = await engine.freeIn(request.app, Math.min(cost, engine.capacity(request.app)))
      return engine.refusalAfter(freeIn, detail, undefined, request.app)
    },
  }
}
