import type { Mode } from '../config/settings.js'
import { GatewayError } from '../errors.js'
import { authStage, type AccessTokens } from './auth.js'
import { compose, type Handler, type Stage } from './types.js'

/**
 * The request pipeline, outermost first. Only the terminal depends on the mode, so every stage
 * behaves the same whether Hubstaff, a recording or the mock answers in the end.
 */
export const STAGE_ORDER = ['auth'] as const
export type StageName = (typeof STAGE_ORDER)[number]

export interface PipelineParts {
  readonly tokens: AccessTokens
  /** The terminal per mode; a mode without one answers HSG_MODE_UNAVAILABLE. */
  readonly terminals: Partial<Record<Mode, Handler>>
}

/** Stages that only make sense in front of Hubstaff itself. */
const UPSTREAM_ONLY: ReadonlySet<StageName> = new Set(['auth'])
const TALKS_TO_UPSTREAM: ReadonlySet<Mode> = new Set(['live', 'record'])

export function buildPipelines(parts: PipelineParts): Record<Mode, Handler> {
  const stages: Record<StageName, Stage> = {
    auth: authStage(parts.tokens),
  }
  const chain = (mode: Mode): Handler => {
    const terminal = parts.terminals[mode]
    if (terminal === undefined) {
      return () => Promise.reject(new GatewayError('HSG_MODE_UNAVAILABLE', `The ${mode} mode is not available in this version of the gateway.`))
    }
    const active = STAGE_ORDER.filter((name) => TALKS_TO_UPSTREAM.has(mode) || !UPSTREAM_ONLY.has(name))
    return compose(
      active.map((name) => stages[name]),
      terminal,
    )
  }
  return { live: chain('live'), record: chain('record'), replay: chain('replay'), mock: chain('mock') }
}
