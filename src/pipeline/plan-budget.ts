import type { PlanBudget } from '../split/budget.js'
import type { GatewayRequest } from './types.js'

/**
 * A split plan's budget, decided by the pipeline each request entered (`charged`): a plan
 * reserves its pieces at once only where its pipeline's budget stage would charge them one by one,
 * so a mode switch while the request runs changes neither.
 */
export function chargedPlans(budget: PlanBudget, charged: (request: GatewayRequest) => boolean): PlanBudget {
  return {
    check: (request, cost) => {
      if (charged(request)) budget.check(request, cost)
    },
    reserve: (request, cost) => (charged(request) ? budget.reserve(request, cost) : Promise.resolve()),
    // Reached only when a budget stage refused a piece (replay's record-missing fallback charges
    // its pieces one by one): the retry needs that budget either way.
    refusal: (request, cost, detail) => budget.refusal(request, cost, detail),
  }
}
