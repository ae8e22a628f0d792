import type { DateKind } from './dates.js'

/**
 * Hubstaff's date-ranged list endpoints, as data: every GET of the official catalog taking a
 * `<param>[start]`/`<param>[stop]` pair. The cache's freshness, the split and the twin all read
 * this table; no ranged endpoint is named anywhere else. Limits are those of Hubstaff's API
 * reference ("Date range limit is 7 days. Earliest date is 6 months ago.").
 */

export type Level = 'organizations' | 'projects'

export interface RangeFilter {
  /** The name before the brackets: `time_slot` → `time_slot[start]`, `time_slot[stop]`. */
  readonly param: string
  readonly kind: DateKind
}

export interface RangedEndpoint extends RangeFilter {
  /** The path after `/v2/<level>/{id}/`, e.g. `activities/daily`. */
  readonly path: string
  /** Which owners have it. */
  readonly levels: readonly Level[]
  /** Whether Hubstaff refuses the request without the range. */
  readonly required: boolean
  /**
   * Longest span Hubstaff accepts, in days (a date span counts both ends); undefined where none
   * is documented: such a range is cut only after a blank reply, never up front.
   */
  readonly maxDays: number | undefined
  /**
   * How far back Hubstaff keeps the data, in days: the most its calendar months or years can be
   * (6 months is at most 184 days), so that nothing Hubstaff accepts is refused; undefined where
   * none is documented.
   */
  readonly historyDays: number | undefined
  /** The answer's list key. */
  readonly listKey: string
  /**
   * Seconds an answer stays fresh once its range ended more than a day ago; undefined when the
   * records can change whatever the range (an invoice gets paid, a request approved), so a past
   * range is no steadier than an open one.
   */
  readonly settledTtl: number | undefined
  /** Further ranges the endpoint filters by (the split and the freshness use `param` only). */
  readonly filters?: readonly RangeFilter[]
}

const BOTH: readonly Level[] = ['organizations', 'projects']
const ORG: readonly Level[] = ['organizations']

const MONTH = 31
const SIX_MONTHS = 184
const THREE_YEARS = 3 * 365 + 1
/** Past days can still be edited (manual time, approvals), so not forever. */
const SETTLED = 6 * 3600

const time = (param: string): RangeFilter => ({ param, kind: 'date-time' })
const date = (param: string): RangeFilter => ({ param, kind: 'date' })

export const RANGED_ENDPOINTS: readonly RangedEndpoint[] = [
  { path: 'activities', levels: BOTH, ...time('time_slot'), required: true, maxDays: 7, historyDays: SIX_MONTHS, listKey: 'activities', settledTtl: SETTLED },
  { path: 'activities/updates', levels: BOTH, ...time('updated'), required: true, maxDays: 7, historyDays: 45, listKey: 'activities', settledTtl: SETTLED },
  { path: 'activities/daily', levels: BOTH, ...date('date'), required: true, maxDays: 31, historyDays: THREE_YEARS, listKey: 'daily_activities', settledTtl: SETTLED },
  { path: 'activities/daily/updates', levels: BOTH, ...time('updated'), required: true, maxDays: 31, historyDays: MONTH, listKey: 'daily_activities', settledTtl: SETTLED },
  { path: 'notes', levels: BOTH, ...time('time_slot'), required: true, maxDays: 31, historyDays: THREE_YEARS, listKey: 'notes', settledTtl: SETTLED },
  { path: 'screenshots', levels: BOTH, ...time('time_slot'), required: true, maxDays: 7, historyDays: SIX_MONTHS, listKey: 'screenshots', settledTtl: SETTLED },
  { path: 'locations', levels: BOTH, ...time('time_slot'), required: true, maxDays: 7, historyDays: undefined, listKey: 'locations', settledTtl: SETTLED },
  { path: 'tool_usages', levels: BOTH, ...time('time_slot'), required: true, maxDays: 7, historyDays: MONTH, listKey: 'tool_usages', settledTtl: SETTLED },
  { path: 'tool_usages/daily', levels: BOTH, ...date('date'), required: true, maxDays: 14, historyDays: MONTH, listKey: 'daily_tool_usages', settledTtl: SETTLED },
  { path: 'time_edit_logs', levels: BOTH, ...time('created'), required: true, maxDays: 31, historyDays: THREE_YEARS, listKey: 'time_edit_logs', settledTtl: SETTLED },
  // "Data is only available within organization's retention period": no fixed history.
  { path: 'attendance_shifts', levels: ORG, ...date('date'), required: true, maxDays: 31, historyDays: undefined, listKey: 'attendance_shifts', settledTtl: SETTLED },
  // Repeating schedules match every range one of their occurrences falls in; schedules are edited as settings.
  { path: 'attendance_schedules', levels: ORG, ...date('date'), required: true, maxDays: undefined, historyDays: undefined, listKey: 'attendance_schedules', settledTtl: undefined },
  { path: 'timesheets', levels: ORG, ...date('date'), required: false, maxDays: undefined, historyDays: undefined, listKey: 'timesheets', settledTtl: SETTLED },
  { path: 'job_site_visits', levels: ORG, ...time('enter'), required: true, maxDays: undefined, historyDays: undefined, listKey: 'job_site_visits', settledTtl: SETTLED },
  { path: 'passive_job_site_visits', levels: ORG, ...time('enter'), required: true, maxDays: undefined, historyDays: undefined, listKey: 'passive_job_site_visits', settledTtl: SETTLED },
  { path: 'insights/unusual_activities', levels: ORG, ...time('time_slot'), required: true, maxDays: undefined, historyDays: undefined, listKey: 'unusual_activities', settledTtl: SETTLED },
  { path: 'insights/smart_notifications', levels: ORG, ...time('created'), required: true, maxDays: undefined, historyDays: undefined, listKey: 'smart_notifications', settledTtl: SETTLED },
  { path: 'client_invoices', levels: ORG, ...date('issue_date'), required: false, maxDays: undefined, historyDays: undefined, listKey: 'client_invoices', settledTtl: undefined },
  { path: 'team_invoices', levels: ORG, ...date('issue_date'), required: false, maxDays: undefined, historyDays: undefined, listKey: 'team_invoices', settledTtl: undefined },
  // "If date filters are not provided, defaults to the last 3 years."
  { path: 'team_payments', levels: ORG, ...time('created'), required: false, maxDays: undefined, historyDays: THREE_YEARS, listKey: 'team_payments', settledTtl: undefined },
  { path: 'budget_histories', levels: ORG, ...date('start_date'), required: false, maxDays: undefined, historyDays: undefined, listKey: 'budget_histories', settledTtl: undefined },
  { path: 'holidays', levels: ORG, ...time('created'), filters: [date('date')], required: false, maxDays: undefined, historyDays: undefined, listKey: 'holidays', settledTtl: undefined },
  { path: 'job_sites', levels: ORG, ...time('created'), required: false, maxDays: undefined, historyDays: undefined, listKey: 'job_sites', settledTtl: undefined },
  {
    path: 'time_off_requests',
    levels: ORG,
    ...time('created'),
    filters: [time('starts_at'), time('approved_at')],
    required: false,
    maxDays: undefined,
    historyDays: undefined,
    listKey: 'time_off_requests',
    settledTtl: undefined,
  },
  { path: 'members', levels: BOTH, ...time('created_at'), filters: [time('updated_at')], required: false, maxDays: undefined, historyDays: undefined, listKey: 'members', settledTtl: undefined },
]

/** Every range an endpoint filters by, `param` first. */
export function rangeFilters(endpoint: RangedEndpoint): readonly RangeFilter[] {
  return [{ param: endpoint.param, kind: endpoint.kind }, ...(endpoint.filters ?? [])]
}

/** The path templates of an endpoint: `/v2/organizations/{organization_id}/activities`, ... */
export function templatesOf(endpoint: RangedEndpoint): string[] {
  return endpoint.levels.map((level) => `/v2/${level}/{${level === 'organizations' ? 'organization_id' : 'project_id'}}/${endpoint.path}`)
}

const BY_PATH = new Map<string, RangedEndpoint>()
for (const endpoint of RANGED_ENDPOINTS) for (const level of endpoint.levels) BY_PATH.set(`${level}/${endpoint.path}`, endpoint)

/**
 * The ranged endpoint a concrete path names (`/v2/organizations/1001/activities`, a trailing slash
 * allowed), if any. Hubstaff's ids are numbers: another segment is a 404, not a range to read.
 */
export function rangedEndpointFor(path: string): RangedEndpoint | undefined {
  const m = /^\/v2\/(organizations|projects)\/\d+\/([a-z_/]+?)\/?$/.exec(path)
  if (m === null) return undefined
  return BY_PATH.get(`${m[1] ?? ''}/${m[2] ?? ''}`)
}
