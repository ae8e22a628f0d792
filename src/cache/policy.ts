import { paramValue, type QueryParam } from './key.js'
import { bySpecificity, compilePattern, matchPattern } from './route-pattern.js'

/**
 * How long an answer stays fresh, per route. Hubstaff marks lists `no-cache` and records
 * `max-age=0`, so its headers would let nothing be stored: freshness is chosen here instead, for how
 * each kind of Hubstaff data changes.
 */
export interface PolicyRule {
  /** Route pattern, e.g. `/v2/projects/*` (see route-pattern.ts). */
  readonly route: string
  /** Seconds an answer stays fresh; for a date-ranged route, while its range is still open. 0: never cached. */
  readonly ttl: number
  /**
   * Date-ranged routes: the range parameters (`time_slot` means `time_slot[stop]`), the first one
   * present ends the range, and the TTL once that end is more than a day in the past.
   */
  readonly range?: { readonly params: readonly string[]; readonly settledTtl: number }
}

/** An override from `--cache-policy`: seconds, or the full form for date-ranged routes. */
export type PolicyOverride = number | { readonly ttl: number; readonly settledTtl?: number | undefined; readonly range?: readonly string[] | undefined }

const MINUTE = 60
const HOUR = 3600
const DAY = 86_400

/** Open ranges: activity data lags up to 20 minutes, so a couple of minutes costs little accuracy. */
const OPEN = 2 * MINUTE
/** Settled ranges: past days can still be edited (manual time), so not forever. */
const SETTLED = 6 * HOUR
const ranged = (route: string, params: readonly string[]): PolicyRule => ({ route, ttl: OPEN, range: { params, settledTtl: SETTLED } })

/** The defaults; the README's "Cache" section shows the same table. */
export const DEFAULT_POLICY: readonly PolicyRule[] = [
  // Identity and organizations: change when someone edits the account.
  { route: '/v2/users/me', ttl: HOUR },
  { route: '/v2/users/*', ttl: HOUR },
  { route: '/v2/organizations', ttl: HOUR },
  { route: '/v2/organizations/*', ttl: HOUR },
  // People and projects: change during the day, rarely within minutes.
  { route: '/v2/organizations/*/members', ttl: 5 * MINUTE },
  { route: '/v2/projects/*/members', ttl: 5 * MINUTE },
  { route: '/v2/teams/*/members', ttl: 5 * MINUTE },
  { route: '/v2/organizations/*/projects', ttl: 5 * MINUTE },
  { route: '/v2/projects/*', ttl: 5 * MINUTE },
  { route: '/v2/organizations/*/teams', ttl: 5 * MINUTE },
  { route: '/v2/teams/*', ttl: 5 * MINUTE },
  { route: '/v2/organizations/*/clients', ttl: 5 * MINUTE },
  { route: '/v2/clients/*', ttl: 5 * MINUTE },
  // Tasks: people tick them off all day.
  { route: '/v2/organizations/*/tasks', ttl: MINUTE },
  { route: '/v2/projects/*/tasks', ttl: MINUTE },
  { route: '/v2/tasks/*', ttl: MINUTE },
  { route: '/v2/organizations/*/last_activities', ttl: MINUTE },
  { route: '/v2/projects/*/last_activities', ttl: MINUTE },
  // Date-ranged reports, organization or project level.
  ranged('/v2/*/*/activities', ['time_slot']),
  ranged('/v2/*/*/activities/daily', ['date']),
  ranged('/v2/*/*/activities/updates', ['updated']),
  ranged('/v2/*/*/activities/daily/updates', ['updated']),
  ranged('/v2/*/*/notes', ['time_slot']),
  ranged('/v2/*/*/screenshots', ['time_slot']),
  ranged('/v2/*/*/locations', ['time_slot']),
  ranged('/v2/*/*/tool_usages', ['time_slot']),
  ranged('/v2/*/*/tool_usages/daily', ['date']),
  ranged('/v2/*/*/time_edit_logs', ['created', 'date']),
  ranged('/v2/organizations/*/attendance_shifts', ['date']),
  ranged('/v2/organizations/*/timesheets', ['date']),
  ranged('/v2/organizations/*/job_site_visits', ['enter']),
  ranged('/v2/organizations/*/insights/unusual_activities', ['time_slot']),
  // Reference data that changes with API releases.
  { route: '/v2/docs', ttl: DAY },
  { route: '/v2/error_codes', ttl: DAY },
  // Anything else: short, so an unknown route is never far behind Hubstaff.
  { route: '/v2/**', ttl: MINUTE },
]

/** A range that ended longer ago than this is settled (a day covers every organization time zone). */
const SETTLED_AFTER_MS = DAY * 1000

/**
 * When a range ends, epoch ms: a date (`YYYY-MM-DD`, stop inclusive) ends at the next midnight UTC;
 * a date-time (stop exclusive) is read as UTC without an offset, as Hubstaff (Ruby) reads it.
 */
export function rangeEnd(value: string): number | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = Date.parse(`${value}T00:00:00Z`)
    return Number.isNaN(day) ? undefined : day + DAY * 1000
  }
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value)
  const ms = Date.parse(hasZone ? value : `${value}Z`)
  return Number.isNaN(ms) ? undefined : ms
}

export interface Freshness {
  /** Milliseconds an answer stays fresh; 0 means it is not cached. */
  readonly ttlMs: number
  /** The pattern that decided it. */
  readonly route: string
}

export interface FreshnessPolicy {
  /** How long the answer to this request may be reused, judged at `now`. */
  freshness(path: string, params: readonly QueryParam[], now: number): Freshness
  readonly rules: readonly PolicyRule[]
}

function fromOverride(route: string, override: PolicyOverride, base: PolicyRule | undefined): PolicyRule {
  // A plain number is the whole answer, for a date-ranged route too: fresh that long, range or not.
  if (typeof override === 'number') return { route, ttl: override }
  const params = override.range ?? base?.range?.params
  const settledTtl = override.settledTtl ?? base?.range?.settledTtl ?? override.ttl
  return { route, ttl: override.ttl, ...(params === undefined ? {} : { range: { params, settledTtl } }) }
}

/**
 * The policy: defaults with `overrides` on top. The most specific matching pattern decides
 * (a literal segment beats `*`, which beats `**`), so the order of overrides does not matter;
 * an override of a default's exact pattern replaces it.
 */
export function compilePolicy(overrides: Readonly<Record<string, PolicyOverride>> = {}, defaults: readonly PolicyRule[] = DEFAULT_POLICY): FreshnessPolicy {
  const compile = (list: readonly PolicyRule[]) => list.map((rule) => ({ pattern: compilePattern(rule.route), rule })).sort((a, b) => bySpecificity(a.pattern, b.pattern))
  const compiledDefaults = compile(defaults)
  const byRoute = new Map(defaults.map((rule) => [rule.route, rule]))
  for (const [route, override] of Object.entries(overrides)) {
    // A narrower pattern (`/v2/organizations/*/activities/daily`) keeps the range parameters of the
    // default it narrows (`/v2/*/*/activities/daily`).
    const example = route.replace(/\/\*\*$/, '').replaceAll('*', '_')
    const base = byRoute.get(route) ?? compiledDefaults.find((c) => matchPattern(c.pattern, example) !== undefined)?.rule
    byRoute.set(route, fromOverride(route, override, base))
  }
  const rules = [...byRoute.values()]
  const compiled = compile(rules)
  // Paths repeat (apps poll the same routes): remember which rule each one falls under.
  const memo = new Map<string, PolicyRule | undefined>()
  const ruleFor = (path: string): PolicyRule | undefined => {
    if (memo.has(path)) return memo.get(path)
    const rule = compiled.find((c) => matchPattern(c.pattern, path) !== undefined)?.rule
    if (memo.size >= 10_000) memo.clear()
    memo.set(path, rule)
    return rule
  }

  return {
    rules,
    freshness(path, params, now) {
      const rule = ruleFor(path)
      if (rule === undefined) return { ttlMs: 0, route: '' }
      let ttl = rule.ttl
      if (rule.range !== undefined) {
        const stop = rule.range.params.map((name) => paramValue(params, `${name}[stop]`)).find((v) => v !== undefined)
        const end = stop === undefined ? undefined : rangeEnd(stop)
        // A range without an end runs up to now: it is open.
        if (end !== undefined && now - end > SETTLED_AFTER_MS) ttl = rule.range.settledTtl
      }
      return { ttlMs: Math.max(0, ttl * 1000), route: rule.route }
    },
  }
}
