import { formatSpan, type DateKind, type Span } from '../api/dates.js'

/**
 * How the app wrote its range. Hubstaff reads a date parameter given a date-time by its date part
 * (what a published npm client sends: `date[start]=2026-11-23T00:00:00.000Z`), so such a range is
 * cut like dates; each piece is written the way the app wrote its ends (the date, then the time
 * part as sent), so that Hubstaff reads every piece as it read the whole.
 */
export interface RangeForm {
  readonly kind: DateKind
  /** What followed the `YYYY-MM-DD` of the app's start and stop (empty for a bare date). */
  readonly startTail: string
  readonly stopTail: string
}

const DATE_PREFIX = /^\d{4}-\d{2}-\d{2}/

function tailOf(kind: DateKind, value: string): string {
  return kind === 'date' && DATE_PREFIX.test(value) ? value.slice(10) : ''
}

export function formOf(kind: DateKind, start: string, stop: string): RangeForm {
  return { kind, startTail: tailOf(kind, start), stopTail: tailOf(kind, stop) }
}

/** The `[start]` and `[stop]` values of a piece, in the app's form. */
export function formatIn(form: RangeForm, span: Span): { start: string; stop: string } {
  const ends = formatSpan(form.kind, span)
  if (form.kind !== 'date') return ends
  return { start: `${ends.start}${form.startTail}`, stop: `${ends.stop}${form.stopTail}` }
}
