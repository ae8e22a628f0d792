/**
 * Dates and date-times as Hubstaff reads them in query parameters, and date ranges as numbers.
 * Hubstaff is a Ruby service: a date-time without an offset is UTC, and a date parameter given a
 * date-time keeps its date part (what a published npm client sends: `date[start]=2026-11-23T00:00:00.000Z`).
 * `Date.parse` is not used for validation: V8 rolls `2026-02-30` over to March instead of refusing it.
 */

export const HOUR_MS = 3_600_000
export const DAY_MS = 24 * HOUR_MS

/** The OpenAPI format of a range parameter: `date` (`YYYY-MM-DD`, stop inclusive) or `date-time` (stop exclusive). */
export type DateKind = 'date' | 'date-time'

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i

/** Epoch ms of a calendar date's midnight UTC; undefined when the date does not exist. */
function utcDay(year: number, month: number, day: number): number | undefined {
  const ms = Date.UTC(year, month - 1, day)
  const back = new Date(ms)
  // Years below 100 are shifted to 19xx by Date.UTC; no Hubstaff range goes there.
  if (year < 100 || back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return undefined
  return ms
}

/** Minutes east of UTC of `Z`, `+02`, `+0200`, `+02:00`; undefined when out of range. */
function offsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0
  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const hours = Number(digits.slice(0, 2))
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0
  if (hours > 23 || minutes > 59) return undefined
  return sign * (hours * 60 + minutes)
}

/** A `YYYY-MM-DD` calendar date as a day number (days since 1970-01-01); undefined when malformed or not a real date. */
export function parseDate(text: string): number | undefined {
  const m = DATE.exec(text)
  if (m === null) return undefined
  const ms = utcDay(Number(m[1]), Number(m[2]), Number(m[3]))
  return ms === undefined ? undefined : ms / DAY_MS
}

interface DateTimeParts {
  readonly day: number
  readonly ms: number
}

function dateTimeParts(text: string): DateTimeParts | undefined {
  const m = DATE_TIME.exec(text)
  if (m === null) return undefined
  const midnight = utcDay(Number(m[1]), Number(m[2]), Number(m[3]))
  const hour = Number(m[4])
  const minute = Number(m[5])
  const second = m[6] === undefined ? 0 : Number(m[6])
  const offset = offsetMinutes(m[8])
  if (midnight === undefined || offset === undefined || hour > 23 || minute > 59 || second > 59) return undefined
  const fraction = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000)
  const ms = midnight + ((hour * 60 + minute - offset) * 60 + second) * 1000 + fraction
  return { day: midnight / DAY_MS, ms }
}

/**
 * An ISO 8601 date-time as epoch ms: with or without seconds, fraction and offset (none is UTC).
 * A bare date is its midnight UTC, as Ruby's `Time.parse` reads it on Hubstaff's UTC servers.
 */
export function parseDateTime(text: string): number | undefined {
  const day = parseDate(text)
  if (day !== undefined) return day * DAY_MS
  return dateTimeParts(text)?.ms
}

/**
 * A range end as Hubstaff reads a parameter of `kind`: for `date`, a day number, a date-time giving
 * its date part as written (Ruby's `Date.parse` ignores the time and the offset); for `date-time`,
 * epoch ms.
 */
export function parseRangeValue(kind: DateKind, text: string): number | undefined {
  if (kind === 'date-time') return parseDateTime(text)
  return parseDate(text) ?? dateTimeParts(text)?.day
}

/** Epoch ms of a date or date-time, whatever was sent (`date` values: their midnight UTC). */
export function parseInstant(text: string): number | undefined {
  return parseDateTime(text.trim())
}

/** Whether a value is a bare `YYYY-MM-DD` date (an inclusive stop, when it ends a date range). */
export function isDateOnly(text: string): boolean {
  return parseDate(text) !== undefined
}

/**
 * When a range ends, epoch ms: a date stop is inclusive, so its day ends at the next midnight UTC;
 * a date-time stop is exclusive. Without `kind`, the value's shape decides; with `date`, a date-time
 * counts by its date part, as Hubstaff reads it.
 */
export function rangeEnd(value: string, kind?: DateKind): number | undefined {
  if (kind === 'date' || (kind === undefined && isDateOnly(value))) {
    const day = parseRangeValue('date', value)
    return day === undefined ? undefined : (day + 1) * DAY_MS
  }
  return parseDateTime(value)
}

/**
 * A range as half-open numbers: epoch ms for `date-time`, day numbers for `date`, so that both cut
 * the same way.
 */
export interface Span {
  readonly lo: number
  readonly hi: number
}

/**
 * The span of a range's two ends as sent; undefined when either is missing or malformed, or the
 * range is empty or reversed (such a request goes to Hubstaff as it is, and its 400 says why).
 */
export function parseSpan(kind: DateKind, start: string | undefined, stop: string | undefined): Span | undefined {
  if (start === undefined || stop === undefined) return undefined
  const lo = parseRangeValue(kind, start)
  const last = parseRangeValue(kind, stop)
  if (lo === undefined || last === undefined) return undefined
  const hi = kind === 'date' ? last + 1 : last
  return hi > lo ? { lo, hi } : undefined
}

/** A span's length in ms, to compare with limits. */
export function spanMs(kind: DateKind, span: Span): number {
  return kind === 'date' ? (span.hi - span.lo) * DAY_MS : span.hi - span.lo
}

/** A span's length in days (part-days count as such). */
export function spanDays(kind: DateKind, span: Span): number {
  return spanMs(kind, span) / DAY_MS
}

/** `YYYY-MM-DD` of a day number. */
export function formatDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

/** UTC date-time without a zero fraction: `2026-01-05T00:00:00Z`. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z')
}

/** The `[start]` and `[stop]` values of a span (a date stop is inclusive). */
export function formatSpan(kind: DateKind, span: Span): { start: string; stop: string } {
  if (kind === 'date') return { start: formatDate(span.lo), stop: formatDate(span.hi - 1) }
  return { start: formatDateTime(span.lo), stop: formatDateTime(span.hi) }
}

/** The smallest piece worth cutting a span into, in its own numbers: an hour of 10-minute slots, or one day. */
export function smallestUnit(kind: DateKind): number {
  return kind === 'date-time' ? HOUR_MS : 1
}
