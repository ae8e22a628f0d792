import type { BudgetEngine } from '../budget/engine.js'
import { parsePrefer } from '../http/prefer.js'
import type { ReservePlan } from './walk.js'

/**
 * A plan's budget, taken in one step before any piece is sent: several concurrent plans cannot
 * each take half of what is left and all fail half-way. Queues as long as the app's
 * `Prefer: wait` allows; otherwise HSG_BUDGET_EXHAUSTED with the Retry-After of the slot that
 * would complete the plan.
 */
export function planReserver(engine: BudgetEngine, maxWaitMs: number): ReservePlan {
  return async (request, cost) => {
    const waitMs = Math.min(maxWaitMs, (parsePrefer(request.headers.prefer).wait ?? 0) * 1000)
    await engine.acquire({ app: request.app, cost, waitMs, signal: request.signal })
  }
}
