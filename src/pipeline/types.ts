import type { AppIdentity } from '../apps.js'
import type { Mode } from '../config/settings.js'

/**
 * The request pipeline knows nothing of Fastify: a stage takes the next handler and returns a
 * handler. Bodies are buffered because later stages (cache, split and merge, replay) need them whole.
 */

/** Where an answer came from, as `X-Gateway-Source` says it. */
export type AnswerSource = 'upstream' | 'cache' | 'split' | 'replay' | 'mock' | 'gateway'

export type HeaderMap = Record<string, string | string[] | undefined>

export interface GatewayRequest {
  /** Request id, also in the log line. */
  readonly id: string
  readonly method: string
  /** The raw path as the app sent it, e.g. `/v2/users/me`, never normalised. */
  readonly path: string
  /** The raw query string without `?`, byte-for-byte as the app sent it ('' when none). */
  readonly query: string
  /** Headers to send upstream: already stripped of the app's credentials and hop-by-hop headers. */
  readonly headers: Readonly<HeaderMap>
  readonly body: Buffer | undefined
  /** Aborts when the app goes away or the gateway gives up. */
  readonly signal: AbortSignal
  /** Who is charged for it (the anonymous interactive app outside team mode). */
  readonly app: AppIdentity
  /** Budget slots a split plan already reserved: the budget stage takes one instead of acquiring. */
  readonly prepaid?: { take(): boolean }
  /**
   * The mode of the pipeline the request entered, set by that pipeline: what the stages key and
   * charge by, so that a mode switch never reaches a request in flight.
   */
  readonly mode?: Mode
}

export interface GatewayResponse {
  readonly status: number
  readonly headers: Readonly<HeaderMap>
  readonly body: Buffer
  readonly source: AnswerSource
  /** Upstream API requests this answer cost (retries and split pieces included). */
  readonly upstreamCalls: number
  /** Set by the split stage when a blank reply or an over-long range was answered in pieces. */
  readonly split?: SplitSummary
  /** Time this request waited in the budget queue, when it waited. */
  readonly queueWaitMs?: number
}

/** What a split cost, for the journal, the metrics and the log line. */
export interface SplitSummary {
  /** Date-range pieces fetched (after every bisection). */
  readonly pieces: number
  /** How many times the deepest piece was halved (0: cut up front, never bisected). */
  readonly depth: number
  /** Upstream calls spent on the plan, pages of pieces and retries included. */
  readonly upstreamCalls: number
}

export type Handler = (request: GatewayRequest) => Promise<GatewayResponse>

/** A pipeline stage: wraps the next handler. */
export type Stage = (next: Handler) => Handler

/** Composes stages outermost first around the terminal handler. */
export function compose(stages: readonly Stage[], terminal: Handler): Handler {
  return stages.reduceRight<Handler>((next, stage) => stage(next), terminal)
}
