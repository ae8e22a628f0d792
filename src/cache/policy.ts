import { rangeEnd, type DateKind } from '../api/dates.js'
import { paramValue, type QueryParam } from '../api/query.js'
import { RANGED_ENDPOINTS } from '../api/ranges.js'
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
  readonly range?: { readonly params: readonly string[]; readonly settledTtl: number; readonly kind?: DateKind }
}

/** An override from `--cache-policy`: seconds, or the full form for date-ranged routes. */
export type PolicyOverride = number | { readonly ttl: number; readonly settledTtl?: number | undefined; readonly range?: readonly string[] | undefined }

const MINUTE = 60
const HOUR = 3600
const DAY = 86_400

/** Open ranges: activity data lags up to 20 minutes, so a couple of minutes costs little accuracy. */
const OPEN = 2 * MINUTE

/** The ranged endpoints whose past ranges settle, organization or project level. */
const RANGED_RULES: readonly PolicyRule[] = RANGED_ENDPOINTS.flatMap(({ path, levels, param, kind, settledTtl }) => {
  if (settledTtl === undefined) return []
  const route = levels.length > 1 ? `/v2/*/*/${path}` : `/v2/${levels[0] ?? 'organizations'}/*/${path}`
  return [{ route, ttl: OPEN, range: { params: [param], settledTtl, kind } }]
})

/** The defaults; docs/cache.md shows the same table. */
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
  // Date-ranged reports (see src/api/ranges.ts).
  ...RANGED_RULES,
  // Reference data that changes with API releases.
  { route: '/v2/docs', ttl: DAY },
  { route: '/v2/error_codes', ttl: DAY },
  // Anything else: short, so an unknown route is never far behind Hubstaff.
  { route: '/v2/**', ttl: MINUTE },
]

/** A range that ended longer ago than this is settled (a day covers every organization time zone). */
const SETTLED_AFTER_MS = DAY * 1000

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
  // Other parameters than the default's may be of another kind: their values' shape decides.
  const kind = override.range === undefined ? base?.range?.kind : undefined
  return { route, ttl: override.ttl, ...(params === undefined ? {} : { range: { params, settledTtl, ...(kind === undefined ? {} : { kind }) } }) }
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
        const end = stop === undefined ? undefined : rangeEnd(stop, rule.range.kind)
        // A range without an end runs up to now: it is open.
        if (end !== undefined && now - end > SETTLED_AFTER_MS) ttl = rule.range.settledTtl
      }
      return { ttlMs: Math.max(0, ttl * 1000), route: rule.route }
    },
  }
}
