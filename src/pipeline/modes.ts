import { MODES, type Fallback, type Mode } from '../config/settings.js'
import { compose, type GatewayRequest, type Handler, type Stage } from './types.js'

/**
 * The stages, outermost first:
 *
 * - `cache`: answers from memory, coalesces identical misses, serves stale when the rest fails.
 * - `split`: turns a blank reply to a date-ranged query into smaller queries and merges them.
 * - `auth`: sends the managed access token; refreshes and replays once on a 401.
 * - `budget`: charges every upstream attempt against the rolling window, or queues, or refuses.
 *   It sits inside `auth` so that the replay after a 401 is charged too.
 */
export const STAGE_ORDER = ['cache', 'split', 'auth', 'budget'] as const
export type StageName = (typeof STAGE_ORDER)[number]

/** What answers in the end: Hubstaff, Hubstaff with every exchange written down, the recordings, the twin. */
export const TERMINALS = ['upstream', 'record', 'replay', 'mock'] as const
export type TerminalName = (typeof TERMINALS)[number]

/** The settings that change a mode's row beyond switching a stage off everywhere (`--cache off`, `--split off`). */
export interface ModeSettings {
  /** `--mock-budget`: the mock spends the budget too, so that apps meet the 429 offline. */
  readonly mockBudget: boolean
  /** `--fallback`: what answers a replay miss. */
  readonly fallback: Fallback
}

export interface ModeRow {
  readonly stages: readonly StageName[]
  /** Stages of `stages` that run only with a setting on. */
  readonly only?: Partial<Record<StageName, keyof ModeSettings>>
  readonly terminal: TerminalName
}

/**
 * What each mode runs. The cache and the split run in every mode, so an app meets a recording or
 * the mock as it would meet Hubstaff; auth only makes sense in front of Hubstaff itself.
 */
export const MODE_TABLE: Readonly<Record<Mode, ModeRow>> = {
  live: { stages: ['cache', 'split', 'auth', 'budget'], terminal: 'upstream' },
  record: { stages: ['cache', 'split', 'auth', 'budget'], terminal: 'record' },
  replay: { stages: ['cache', 'split'], terminal: 'replay' },
  mock: { stages: ['cache', 'split', 'budget'], only: { budget: 'mockBudget' }, terminal: 'mock' },
}

/**
 * What a replay miss goes to, per `--fallback`: the app's 404 (no terminal), the mock, or what
 * record mode runs behind its split, so that what is new is recorded and replayed from then on.
 */
export const REPLAY_FALLBACK: Readonly<Record<Fallback, { readonly stages: readonly StageName[]; readonly terminal?: TerminalName }>> = {
  none: { stages: [] },
  mock: { stages: [], terminal: 'mock' },
  'record-missing': { stages: ['auth', 'budget'], terminal: 'record' },
}

/** The modes that talk to Hubstaff (they need a token). */
export const UPSTREAM_MODES: ReadonlySet<Mode> = new Set(MODES.filter((mode) => MODE_TABLE[mode].stages.includes('auth')))

/** A mode's stage names with these settings, outermost first. */
export function stagesOf(mode: Mode, settings: ModeSettings): StageName[] {
  const row = MODE_TABLE[mode]
  return row.stages.filter((name) => {
    const setting = row.only?.[name]
    return setting === undefined || settings[setting] === true
  })
}

/** Whether a request's own pipeline charges the budget (a split plan then reserves its pieces at once). */
export function spendsBudget(request: GatewayRequest, settings: ModeSettings): boolean {
  return stagesOf(modeOf(request), settings).includes('budget')
}

/** The mode of the pipeline a request entered; it never changes while the request runs. */
export function modeOf(request: GatewayRequest): Mode {
  if (request.mode === undefined) throw new Error(`request ${request.id} did not enter through a mode's pipeline`)
  return request.mode
}

export interface ModeParts {
  /** The stages this gateway has; one switched off (`--cache off`, `--split off`) is absent. */
  readonly stages: Partial<Record<StageName, Stage>>
  readonly terminals: {
    readonly upstream: Handler
    readonly record: Handler
    readonly mock: Handler
    /** Replay's terminal around what answers its misses (undefined: the app's 404). */
    readonly replay: (fallback: Handler | undefined) => Handler
  }
  readonly settings: ModeSettings
}

/** One mode's pipeline as built: what it runs, and the handler that runs it. */
export interface Pipeline {
  readonly mode: Mode
  readonly stages: readonly StageName[]
  readonly terminal: TerminalName
  /** Replay only: what answers a miss. */
  readonly fallback?: { readonly stages: readonly StageName[]; readonly terminal?: TerminalName }
  /** Runs a request wholly in this mode, whatever the mode is switched to meanwhile. */
  readonly handle: Handler
}

/** Builds every mode's pipeline once, with the mode fixed. */
export function buildPipelines(parts: ModeParts): Readonly<Record<Mode, Pipeline>> {
  const present = (names: readonly StageName[]): StageName[] => names.filter((name) => parts.stages[name] !== undefined)
  const chain = (names: readonly StageName[], terminal: Handler): Handler =>
    compose(
      names.map((name) => parts.stages[name] as Stage),
      terminal,
    )
  const terminalOf = (name: TerminalName): Handler => {
    if (name !== 'replay') return parts.terminals[name]
    const fallback = REPLAY_FALLBACK[parts.settings.fallback]
    const behind = fallback.terminal === undefined ? undefined : chain(present(fallback.stages), terminalOf(fallback.terminal))
    return parts.terminals.replay(behind)
  }
  const build = (mode: Mode): Pipeline => {
    const row = MODE_TABLE[mode]
    const stages = present(stagesOf(mode, parts.settings))
    const run = chain(stages, terminalOf(row.terminal))
    const fallback = REPLAY_FALLBACK[parts.settings.fallback]
    return {
      mode,
      stages,
      terminal: row.terminal,
      ...(row.terminal === 'replay' ? { fallback: { stages: present(fallback.stages), ...(fallback.terminal === undefined ? {} : { terminal: fallback.terminal }) } } : {}),
      // Every stage below reads the mode from the request (the cache's and the split's keys, the
      // split's budget), never from the switch, so a switch cannot reach a request in flight.
      handle: (request) => run(request.mode === mode ? request : { ...request, mode }),
    }
  }
  return { live: build('live'), record: build('record'), replay: build('replay'), mock: build('mock') }
}
