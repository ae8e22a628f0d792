/**
 * Where the rolling window lives. Every implementation makes `take` atomic: the check that a slot
 * is free and the charge for it are one step, so no two callers (or processes, or machines) can
 * both take the last slot. The conformance suite in test/budget-store-conformance.ts runs the same
 * tests against each of them.
 */

export interface TakeRequest {
  /** Epoch ms, from the engine's clock. */
  readonly now: number
  readonly windowMs: number
  /** Slots this request needs (1 for a plain request; a split plan may need more). */
  readonly cost: number
  /** How many stamps may be in the window after this take (the budget, less any reserve). */
  readonly limit: number
  /** The app charged, in team mode. */
  readonly app?: string | undefined
  /** The app's own ceiling in the window (its quota). */
  readonly appLimit?: number | undefined
}

export type DenyReason = 'window' | 'app-quota' | 'paused'

export type TakeResult =
  | { readonly granted: true; readonly used: number }
  | {
      readonly granted: false
      readonly used: number
      /** Epoch ms when this request could be granted, as far as the ledger knows now. */
      readonly retryAt: number
      readonly reason: DenyReason
    }

export interface BudgetSnapshot {
  /** Stamps in the window. */
  readonly used: number
  /** The oldest stamp in the window (its slot frees at oldest + window). */
  readonly oldest: number | undefined
  /** Epoch ms until which upstream traffic is paused (0 when not paused). */
  readonly pausedUntil: number
  /** Stamps in the window per app (team mode). */
  readonly byApp: Readonly<Record<string, number>>
  /**
   * While this instance grants on its own (Redis away), it may grant 1/share of the limit, and the
   * figures above are its own use only. Absent: the figures are the whole ledger's.
   */
  readonly share?: number
}

export interface BudgetStore {
  readonly kind: string
  take(request: TakeRequest): Promise<TakeResult>
  /**
   * When the next `count` slots free up, earliest first: the k-th oldest stamp's time plus the
   * window (only `app`'s stamps when given). Fewer entries than asked when fewer stamps are in the window.
   */
  freeTimes(now: number, windowMs: number, count: number, app?: string): Promise<number[]>
  snapshot(now: number, windowMs: number): Promise<BudgetSnapshot>
  /** Stops every grant until `until` (an upstream 429 taught us the window is full). */
  pause(until: number): Promise<void>
  close(): Promise<void>
}
