import type { Mode } from '../config/settings.js'
import { GatewayError } from '../errors.js'
import { compose, type Handler, type Stage } from './types.js'

/**
 * The request pipeline, outermost first. Only the terminal depends on the mode, so every stage
 * behaves the same whether Hubstaff, a recording or the mock answers in the end.
 *
 * - `cache`: answers from memory, coalesces identical misses, serves stale when the rest fails.
 * - `split`: turns a blank reply to a date-ranged query into smaller queries and merges them.
 * - `auth`: sends the managed access token; refreshes and replays once on a 401.
 * - `budget`: charges every upstream attempt against the rolling window, or queues, or refuses.
 *   It sits inside `auth` so that the replay after a 401 is charged too.
 */
export const STAGE_ORDER = ['cache', 'split', 'auth', 'budget'] as const
export type StageName = (typeof STAGE_ORDER)[number]

export interface PipelineParts {
  /** The stages that exist in this gateway; a missing one is simply not in the chain. */
  readonly stages: Partial<Record<StageName, Stage>>
  /** The terminal per mode; a mode without one answers HSG_MODE_UNAVAILABLE. */
  readonly terminals: Partial<Record<Mode, Handler>>
  /**
   * The modes a stage runs in; a stage not named here runs in every mode. Auth only makes sense in
   * front of Hubstaff itself; the budget also runs in front of the mock when it simulates limits.
   */
  readonly runsIn: Partial<Record<StageName, ReadonlySet<Mode>>>
}

/** The modes that talk to Hubstaff. */
export const UPSTREAM_MODES: ReadonlySet<Mode> = new Set(['live', 'record'])

/** The stage names a mode runs, in order. */
export function stagesFor(mode: Mode, parts: Pick<PipelineParts, 'stages' | 'runsIn'>): StageName[] {
  return STAGE_ORDER.filter((name) => parts.stages[name] !== undefined && (parts.runsIn[name]?.has(mode) ?? true))
}

export function buildPipelines(parts: PipelineParts): Record<Mode, Handler> {
  const chain = (mode: Mode): Handler => {
    const terminal = parts.terminals[mode]
    if (terminal === undefined) {
      return () => Promise.reject(new GatewayError('HSG_MODE_UNAVAILABLE', `The ${mode} mode is not available in this version of the gateway.`))
    }
    const stages = stagesFor(mode, parts).map((name) => parts.stages[name] as Stage)
    return compose(stages, terminal)
  }
  return { live: chain('live'), record: chain('record'), replay: chain('replay'), mock: chain('mock') }
}
