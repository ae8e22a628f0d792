/**
 * Hubstaff's date-ranged list endpoints, as data: which parameter holds the range, whether it is a
 * date-time (stop exclusive) or a date (stop inclusive), the longest span Hubstaff accepts, and the
 * smallest piece worth cutting. From Hubstaff's API reference (each endpoint's "Date range limit").
 * Everything else in this folder reads this table; no endpoint is named anywhere else.
 */

export const HOUR_MS = 3_600_000
export const DAY_MS = 24 * HOUR_MS

/** `time`: ISO date-times, stop exclusive. `date`: `YYYY-MM-DD`, stop inclusive. */
export type RangeKind = 'time' | 'date'

export interface RangedEndpoint {
  /** The path after `/v2/<level>/<id>/`, e.g. `activities/daily`. */
  readonly path: string
  /** Which owners have it: `organizations`, `projects`. */
  readonly levels: readonly string[]
  /** The range parameter's name before the brackets: `time_slot` → `time_slot[start]`, `time_slot[stop]`. */
  readonly param: string
  readonly kind: RangeKind
  /** Longest span Hubstaff accepts, in days (a `date` span counts both ends). */
  readonly maxDays: number
  /** The answer's list key. */
  readonly listKey: string
}

const BOTH = ['organizations', 'projects'] as const
const ORG = ['organizations'] as const

export const RANGED_ENDPOINTS: readonly RangedEndpoint[] = [
  { path: 'activities', levels: BOTH, param: 'time_slot', kind: 'time', maxDays: 7, listKey: 'activities' },
  { path: 'activities/updates', levels: BOTH, param: 'updated', kind: 'time', maxDays: 7, listKey: 'activities' },
  { path: 'activities/daily', levels: BOTH, param: 'date', kind: 'date', maxDays: 31, listKey: 'daily_activities' },
  { path: 'activities/daily/updates', levels: BOTH, param: 'updated', kind: 'time', maxDays: 31, listKey: 'daily_activities' },
  { path: 'notes', levels: BOTH, param: 'time_slot', kind: 'time', maxDays: 31, listKey: 'notes' },
  { path: 'time_edit_logs', levels: BOTH, param: 'created', kind: 'time', maxDays: 31, listKey: 'time_edit_logs' },
  { path: 'screenshots', levels: BOTH, param: 'time_slot', kind: 'time', maxDays: 7, listKey: 'screenshots' },
  { path: 'locations', levels: BOTH, param: 'time_slot', kind: 'time', maxDays: 7, listKey: 'locations' },
  { path: 'tool_usages', levels: BOTH, param: 'time_slot', kind: 'time', maxDays: 7, listKey: 'tool_usages' },
  { path: 'tool_usages/daily', levels: BOTH, param: 'date', kind: 'date', maxDays: 14, listKey: 'daily_tool_usages' },
  { path: 'attendance_shifts', levels: ORG, param: 'date', kind: 'date', maxDays: 31, listKey: 'attendance_shifts' },
]

/** The smallest useful piece, in a span's own numbers: an hour of 10-minute slots (ms), or one day. */
export function smallestUnit(kind: RangeKind): number {
  return kind === 'time' ? HOUR_MS : 1
}

const BY_PATH = new Map<string, RangedEndpoint>()
for (const endpoint of RANGED_ENDPOINTS) for (const level of endpoint.levels) BY_PATH.set(`${level}/${endpoint.path}`, endpoint)

/** The ranged endpoint a raw path names (`/v2/organizations/1001/activities`), if any. */
export function endpointFor(path: string): RangedEndpoint | undefined {
  const m = /^\/v2\/([a-z_]+)\/(\d+)\/([a-z_/]+)$/.exec(path)
  if (m === null) return undefined
  return BY_PATH.get(`${m[1] ?? ''}/${m[3] ?? ''}`)
}

/**
 * A range as half-open numbers: epoch ms for `time`, day numbers (days since the Unix epoch) for
 * `date`, so that both cut the same way.
 */
export interface Span {
  readonly lo: number
  readonly hi: number
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i

/** An ISO date-time, read as UTC when it has no offset (as Hubstaff, in Ruby, reads it). */
function parseTime(text: string): number | undefined {
  const m = DATE_TIME.exec(text)
  if (m === null) return undefined
  const ms = Date.parse(m[1] !== undefined && m[4] === undefined ? `${text}Z` : text)
  return Number.isNaN(ms) ? undefined : ms
}

function parseDay(text: string): number | undefined {
  if (!DATE_ONLY.test(text)) return undefined
  const ms = Date.parse(`${text}T00:00:00Z`)
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) return undefined
  return ms / DAY_MS
}

/**
 * The span of a range's two ends as sent; undefined when either is missing or malformed, or the
 * range is empty or reversed: such a request goes to Hubstaff as it is, and its 400 reaches the app.
 */
export function parseSpan(kind: RangeKind, start: string | undefined, stop: string | undefined): Span | undefined {
  if (start === undefined || stop === undefined) return undefined
  if (kind === 'date') {
    const first = parseDay(start)
    const last = parseDay(stop)
    if (first === undefined || last === undefined || last < first) return undefined
    return { lo: first, hi: last + 1 }
  }
  const lo = parseTime(start)
  const hi = parseTime(stop)
  if (lo === undefined || hi === undefined || hi <= lo) return undefined
  return { lo, hi }
}

/** A span's length in ms, to compare with limits. */
export function spanMs(kind: RangeKind, span: Span): number {
  return kind === 'date' ? (span.hi - span.lo) * DAY_MS : span.hi - span.lo
}

/** The `[start]` and `[stop]` values of a piece. */
export function formatSpan(kind: RangeKind, span: Span): { start: string; stop: string } {
  if (kind === 'date') {
    const day = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10)
    return { start: day(span.lo), stop: day(span.hi - 1) }
  }
  const time = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z')
  return { start: time(span.lo), stop: time(span.hi) }
}
