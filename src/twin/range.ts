import { DAY_MS, type DateKind } from '../api/dates.js'
import type { RangedEndpoint } from '../api/ranges.js'
import type { Operation } from '../api/types.js'
import { invalidParams } from './errors.js'
import { parseEnd, type Query } from './request.js'

/**
 * A ranged endpoint's range, checked as Hubstaff checks it: both ends present where required,
 * stop after start, a span within the endpoint's maximum, a start within its history; then read
 * as a half-open interval of epoch ms (a date `[stop]` covers its whole day).
 */

export interface Interval {
  readonly lo: number
  readonly hi: number
}

function one(query: Query, name: string): string | undefined {
  return query.get(name)?.[0]
}

function isRequired(operation: Operation, name: string): boolean {
  return operation.params.some((p) => p.name === name && p.required === true)
}

const startOfDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS

export function readRange(operation: Operation, rule: RangedEndpoint, query: Query, now: number): Interval | undefined {
  const startName = `${rule.param}[start]`
  const stopName = `${rule.param}[stop]`
  const startText = one(query, startName)
  const stopText = one(query, stopName)
  if (startText === undefined && isRequired(operation, startName)) throw invalidParams(`${startName} is missing`)
  if (stopText === undefined && isRequired(operation, stopName)) throw invalidParams(`${stopName} is missing`)
  if (startText === undefined && stopText === undefined) return undefined
  const isDate = rule.kind === 'date'
  const start = startText === undefined ? undefined : parseEnd(rule.kind, startText)
  const stop = stopText === undefined ? undefined : parseEnd(rule.kind, stopText)
  if (startText !== undefined && start === undefined) throw invalidParams(`${startName} is invalid`)
  if (stopText !== undefined && stop === undefined) throw invalidParams(`${stopName} is invalid`)
  const span = rule.maxDays === undefined ? Infinity : rule.maxDays * DAY_MS
  // An open end runs to now (today, for dates), or back by the longest span accepted.
  const hi = stop === undefined ? (isDate ? startOfDay(now) + DAY_MS : now) : stop + (isDate ? DAY_MS : 0)
  const lo = start ?? hi - (rule.maxDays ?? 7) * DAY_MS
  if (hi <= lo) throw invalidParams(`${stopName} must be ${isDate ? 'on or ' : ''}after ${startName}`)
  if (hi - lo > span) throw invalidParams(`${rule.param} range must not exceed ${rule.maxDays ?? 0} days`)
  if (rule.historyDays !== undefined) {
    const earliest = (isDate ? startOfDay(now) : now) - rule.historyDays * DAY_MS
    if (lo < earliest) {
      const shown = isDate ? new Date(earliest).toISOString().slice(0, 10) : new Date(earliest).toISOString()
      throw invalidParams(`${startName} must not be before ${shown}: data is kept for ${rule.historyDays} days`)
    }
  }
  return { lo, hi }
}

/** The field of a record a range is about: `time_slot`, `date`, `updated` → `updated_at`. */
export function rangeFields(param: string): string[] {
  return [param, `${param}_at`, `${param}_on`, `${param}_date`, ...(param === 'date' ? ['start_date', 'starts_at'] : [])]
}

/** A `x[start]`/`x[stop]` pair that is no ranged endpoint's own: an optional bound on that field. */
export function readOpenRange(query: Query, base: string, kind: DateKind): Interval | undefined {
  const startText = one(query, `${base}[start]`)
  const stopText = one(query, `${base}[stop]`)
  if (startText === undefined && stopText === undefined) return undefined
  const start = startText === undefined ? -Infinity : parseEnd(kind, startText)
  const stop = stopText === undefined ? Infinity : parseEnd(kind, stopText)
  if (start === undefined) throw invalidParams(`${base}[start] is invalid`)
  if (stop === undefined) throw invalidParams(`${base}[stop] is invalid`)
  return { lo: start, hi: stop + (kind === 'date' && Number.isFinite(stop) ? DAY_MS : 0) }
}
