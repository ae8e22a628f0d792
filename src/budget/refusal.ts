import { GatewayError } from '../errors.js'
import type { DenyReason } from './store.js'

/** Which limit stopped a request: each has its own remedy, so a 429 names it. */
export type BudgetLimit = 'budget' | 'reserve' | 'app-quota' | 'upstream-pause'

/** The `RateLimit-Policy` name: "hourly" for Hubstaff's own window (the contract's example), else its length. */
export function policyName(windowSeconds: number): string {
  return windowSeconds === 3600 ? 'hourly' : `${windowSeconds}s`
}

/** A store's reason for a refusal, as the limit the app hit. */
export function limitOf(reason: DenyReason, batch: boolean, wouldFitWholeBudget: boolean): BudgetLimit {
  if (reason === 'paused') return 'upstream-pause'
  if (reason === 'app-quota') return 'app-quota'
  return batch && wouldFitWholeBudget ? 'reserve' : 'budget'
}

export interface RefusalFacts {
  readonly limit: number
  readonly windowSeconds: number
  readonly reserve: number
  /** The app's own ceiling per window, when it has a quota. */
  readonly appLimit: number | undefined
  /** The longest `Prefer: wait` honoured, ms. */
  readonly maxWaitMs: number
}

/** The sentence that says which limit applied. */
export function limitSentence(limit: BudgetLimit, facts: RefusalFacts): string {
  switch (limit) {
    case 'app-quota':
      return `This app has spent its quota of ${facts.appLimit ?? '?'} of the ${facts.limit} upstream requests per ${facts.windowSeconds} s.`
    case 'reserve':
      return `Batch apps have spent what the budget allows them: the last ${facts.reserve} of the ${facts.limit} upstream requests per ${facts.windowSeconds} s are the interactive reserve (--budget-reserve).`
    case 'upstream-pause':
      return 'Hubstaff answered 429; upstream traffic is paused.'
    case 'budget':
      return `The gateway has spent its budget of ${facts.limit} upstream requests per ${facts.windowSeconds} s.`
  }
}

/**
 * The gateway's 429: Retry-After true to the ledger; `Prefer: wait` suggested only when the gateway
 * would honour a wait that long.
 */
export function budgetRefusal(
  code: 'HSG_BUDGET_EXHAUSTED' | 'HSG_BUDGET_QUEUE_FULL',
  detail: string,
  retryAfterMs: number,
  facts: RefusalFacts,
  limit: BudgetLimit | undefined,
  headers: Readonly<Record<string, string>>,
  extensions: Record<string, unknown> = {},
): GatewayError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000))
  const maxWait = Math.floor(facts.maxWaitMs / 1000)
  const advice =
    code === 'HSG_BUDGET_QUEUE_FULL'
      ? `Retry in ${retryAfter} s.`
      : retryAfter <= maxWait
        ? `Retry in ${retryAfter} s, or send "Prefer: wait=${retryAfter}" to queue.`
        : `Retry in ${retryAfter} s; queuing cannot help, as the gateway waits at most ${maxWait} s (--budget-max-wait).`
  return new GatewayError(code, `${detail} ${advice}`, {
    headers: { 'retry-after': String(retryAfter), ...headers },
    extensions: { retryAfter, ...(limit === undefined ? {} : { limit }), ...extensions },
  })
}
