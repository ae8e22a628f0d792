import type { Logger } from 'pino'
import type { AppIdentity } from '../apps.js'
import type { BudgetStore } from './store.js'

/** What the budget engine is built from, asked and shows (see engine.ts). */

export interface BudgetEngineOptions {
  readonly store: BudgetStore
  /** Upstream requests allowed per window. */
  readonly limit: number
  readonly windowMs: number
  /**
   * Kept on top of the window before a slot frees, ms: Hubstaff counts a request when it arrives,
   * the ledger when it leaves, and the time between varies (queues, event loop, network).
   */
  readonly marginMs?: number
  /** Slots of each window only interactive apps may use. */
  readonly reserve: number
  /** Pause after an upstream 429 without a usable Retry-After, ms. */
  readonly defaultPauseMs: number
  /** The longest pause an upstream Retry-After may impose, ms. @default windowMs */
  readonly maxPauseMs?: number
  /** The longest `Prefer: wait` honoured, ms: a 429 never suggests a longer one. @default 300000 */
  readonly maxWaitMs?: number
  /** How long a batch request may wait behind interactive ones before it is offered a slot first, ms. @default 30000 */
  readonly batchMaxStarveMs?: number
  readonly now?: () => number
  readonly logger: Logger
  /** Told of every slot this engine grants (the budget history of the dashboard). */
  readonly onGrant?: (app: string, cost: number, at: number) => void
  /** Requests that may wait in the queue at once; the next one is refused at once. @default 1000 */
  readonly maxQueued?: number
}

export interface AcquireRequest {
  readonly app: AppIdentity
  /** Slots needed. @default 1 */
  readonly cost?: number
  /** How long the caller may queue for a slot, ms (0: answer 429 at once). */
  readonly waitMs: number
  readonly signal?: AbortSignal | undefined
}

/** What `GET /_gateway/status` and the metrics show of the budget. */
export interface BudgetStatus {
  readonly limit: number
  /** The window, seconds. */
  readonly window: number
  readonly used: number
  readonly remaining: number
  /** Seconds until the oldest slot of the window frees (0 when none is taken). */
  readonly resetsIn: number
  readonly reserve: number
  /** ISO time the pause after a Hubstaff 429 ends, or null. */
  readonly pausedUntil: string | null
  readonly queued: number
  readonly refused: number
  readonly upstream429s: number
  /** Which store holds the ledger. */
  readonly store: string
  /** Slots taken per app. */
  readonly apps: Readonly<Record<string, number>>
}
