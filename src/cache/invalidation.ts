import { GatewayError } from '../errors.js'
import { compilePattern, expand, matchPattern, type RoutePattern } from './route-pattern.js'

/**
 * Which cached GETs a write makes stale. Every rule whose `write` pattern matches the written path
 * applies; its `drops` are route patterns where `$1`... are the `*`s the write matched, `$path` the
 * written path and `$parent` that path without its last segment. A dropped pattern matches a path
 * with any query.
 */
export interface WriteRule {
  readonly write: string
  readonly drops: readonly string[]
}

const TASK_LISTS = ['/v2/projects/*/tasks', '/v2/organizations/*/tasks', '/v2/integrations/*/tasks']
const MEMBER_LISTS = ['/v2/organizations/*/members', '/v2/projects/*/members', '/v2/teams/*/members']
const TIME_REPORTS = ['/v2/*/*/activities/**', '/v2/*/*/time_edit_logs', '/v2/*/*/last_activities', '/v2/organizations/*/timesheets']

export const WRITE_RULES: readonly WriteRule[] = [
  // Any write: the record or list written to, what lies under it, and the list it belongs to.
  { write: '/v2/**', drops: ['$path/**', '$parent'] },
  // A new task shows in its project's list (the rule above) and its organization's and integration's.
  { write: '/v2/projects/*/tasks', drops: ['/v2/organizations/*/tasks', '/v2/integrations/*/tasks'] },
  // A changed one may have moved between projects: every task list.
  { write: '/v2/tasks/*/**', drops: TASK_LISTS },
  { write: '/v2/projects/*', drops: ['/v2/organizations/*/projects', '/v2/teams/*/projects'] },
  { write: '/v2/projects/*/update_metadata', drops: ['/v2/organizations/*/projects', '/v2/teams/*/projects'] },
  { write: '/v2/organizations/*/members', drops: MEMBER_LISTS },
  { write: '/v2/organizations/*/update_members', drops: MEMBER_LISTS },
  { write: '/v2/projects/*/update_members', drops: MEMBER_LISTS },
  { write: '/v2/teams/*/**', drops: ['/v2/teams/$1/**', '/v2/organizations/*/teams', ...MEMBER_LISTS] },
  { write: '/v2/clients/*/**', drops: ['/v2/organizations/*/clients'] },
  { write: '/v2/invites/*/**', drops: ['/v2/organizations/*/invites'] },
  { write: '/v2/organizations/*/invites/**', drops: ['/v2/organizations/$1/invites'] },
  { write: '/v2/job_sites/*/**', drops: ['/v2/organizations/*/job_sites'] },
  { write: '/v2/attendance_schedules/*', drops: ['/v2/organizations/*/attendance_schedules'] },
  { write: '/v2/time_off_requests/*/**', drops: ['/v2/organizations/*/time_off_requests', '/v2/organizations/*/time_off_balances'] },
  { write: '/v2/time_off_policies/*/**', drops: ['/v2/organizations/*/time_off_policies/**'] },
  { write: '/v2/insights/smart_notification_rules/*/**', drops: ['/v2/organizations/*/insights/smart_notification_rules'] },
  // Time entered by hand changes the reports of the days it lands on.
  { write: '/v2/users/*/time_entries', drops: TIME_REPORTS },
]

const COMPILED = WRITE_RULES.map((rule) => ({ pattern: compilePattern(rule.write), drops: rule.drops }))
const EVERYTHING = compilePattern('/v2/**')

/** The route patterns a write to `path` makes stale. */
export function invalidatedBy(path: string): RoutePattern[] {
  const parent = path.slice(0, path.lastIndexOf('/'))
  const out: RoutePattern[] = []
  for (const rule of COMPILED) {
    const captures = matchPattern(rule.pattern, path)
    if (captures === undefined) continue
    for (const drop of rule.drops) {
      const text = expand(drop, captures)
        .replace('$path', () => path)
        .replace('$parent', () => parent)
      if (text === '/v2' || text === '') continue
      try {
        out.push(compilePattern(text))
      } catch {
        // A path segment the pattern language cannot spell (a literal `*`): drop everything rather
        // than risk serving what the write changed.
        return [EVERYTHING]
      }
    }
  }
  return out
}

/** Checks the `prefix` of `DELETE /_gateway/cache`: absent (purge all) or a route under `/v2/`. */
export function checkPurgePrefix(prefix: unknown): string | undefined {
  if (prefix === undefined) return undefined
  if (typeof prefix !== 'string' || !prefix.startsWith('/v2/')) {
    throw new GatewayError(
      'HSG_CACHE_BAD_PREFIX',
      `The purge prefix ${JSON.stringify(prefix)} is not a path under /v2/; send one, e.g. DELETE /_gateway/cache?prefix=/v2/projects/, or none to purge everything.`,
    )
  }
  return prefix
}
