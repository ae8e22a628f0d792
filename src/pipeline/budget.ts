import type { BudgetEngine } from '../budget/engine.js'
import { parsePrefer } from '../http/prefer.js'
import { retryAfterMs } from '../http/retry-after.js'
import type { Stage } from './types.js'

export interface BudgetStageOptions {
  /** The longest `Prefer: wait` honoured, ms. */
  readonly maxWaitMs: number
  readonly now?: () => number
}

/**
 * Charges every upstream attempt (replays after a 401 pass here too) and makes sure no app ever
 * sees Hubstaff's own 429: that answer pauses all traffic and becomes the gateway's 429, or, when
 * the app is willing to wait long enough, a retry once the pause is over.
 */
export function budgetStage(engine: BudgetEngine, options: BudgetStageOptions): Stage {
  const now = options.now ?? Date.now
  return (next) => async (request) => {
    const waitMs = Math.min(options.maxWaitMs, (parsePrefer(request.headers.prefer).wait ?? 0) * 1000)
    const deadline = now() + waitMs
    const app = request.app
    let calls = 0
    let queuedMs = 0
    // A split plan reserves its pieces at once, so that it never spends half a plan and fails.
    let prepaid = request.prepaid?.take() === true
    for (;;) {
      if (!prepaid) queuedMs += await engine.acquire({ app, waitMs: Math.max(0, deadline - now()), signal: request.signal })
      prepaid = false
      const answer = await next(request)
      calls += answer.upstreamCalls
      // The journal and the metrics show the wait of the requests that queued.
      if (answer.status !== 429) return queuedMs > 0 ? { ...answer, upstreamCalls: calls, queueWaitMs: queuedMs } : { ...answer, upstreamCalls: calls }
      const pausedUntil = await engine.noteUpstream429(retryAfterMs(answer.headers['retry-after'], now()))
      if (pausedUntil > deadline) {
        throw engine.refusal(pausedUntil, 'Hubstaff answered 429 (another client may share its limit); upstream traffic is paused.', 'upstream-pause', app)
      }
    }
  }
}
