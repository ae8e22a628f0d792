import { DAY_MS, smallestUnit, type DateKind, type Span } from '../api/dates.js'
import type { RangedEndpoint } from '../api/ranges.js'

/**
 * How a range is cut. Cuts fall on UTC midnights where the pieces are a day or longer (so that the
 * same days come out of different queries alike), on whole hours below that; a piece no longer
 * than the smallest unit is not cut again.
 */

/** The grid cuts snap to, in the span's own numbers (ms for `date-time`, days for `date`). */
function dayGrid(kind: DateKind): number {
  return kind === 'date-time' ? DAY_MS : 1
}

function snap(value: number, grid: number): number {
  return Math.round(value / grid) * grid
}

/** Cuts `span` into `k` near-equal pieces on `grid`; undefined when snapping leaves a piece over `max` or empty. */
function cutInto(span: Span, k: number, grid: number, max: number): Span[] | undefined {
  const bounds = [span.lo]
  for (let i = 1; i < k; i++) {
    const b = snap(span.lo + ((span.hi - span.lo) * i) / k, grid)
    const prev = bounds[bounds.length - 1] ?? span.lo
    if (b > prev && b < span.hi) bounds.push(b)
  }
  bounds.push(span.hi)
  const pieces: Span[] = []
  for (let i = 0; i + 1 < bounds.length; i++) pieces.push({ lo: bounds[i] ?? span.lo, hi: bounds[i + 1] ?? span.hi })
  return pieces.every((p) => p.hi - p.lo <= max) ? pieces : undefined
}

/**
 * The longest span the endpoint accepts, in the span's own numbers; Infinity where Hubstaff
 * documents none (such a range is cut only after a blank reply, never up front).
 */
export function maxSpan(endpoint: Pick<RangedEndpoint, 'kind' | 'maxDays'>): number {
  if (endpoint.maxDays === undefined) return Infinity
  return endpoint.kind === 'date-time' ? endpoint.maxDays * DAY_MS : endpoint.maxDays
}

/**
 * The fewest pieces any cut of `span` has, from its length alone: each piece is at most the
 * endpoint's longest span. Constant time, so a plan is sized (and refused) before anything is cut.
 */
export function fewestPieces(endpoint: Pick<RangedEndpoint, 'kind' | 'maxDays'>, span: Span): number {
  return Math.max(1, Math.ceil((span.hi - span.lo) / maxSpan(endpoint)))
}

/** How many cells `dayCells` makes of `span`, without making them. */
export function dayCellCount(kind: DateKind, span: Span): number {
  const grid = dayGrid(kind)
  return Math.max(1, Math.ceil(span.hi / grid) - Math.floor(span.lo / grid))
}

/**
 * A range longer than the endpoint allows, cut up front into as few pieces as fit (day-aligned),
 * instead of sending it for Hubstaff's 400.
 */
export function cutToMaxSpan(endpoint: Pick<RangedEndpoint, 'kind' | 'maxDays'>, span: Span): Span[] {
  const max = maxSpan(endpoint)
  const length = span.hi - span.lo
  if (length <= max) return [span]
  const unit = smallestUnit(endpoint.kind)
  for (let k = Math.ceil(length / max); k <= Math.ceil(length / unit); k++) {
    const pieces = cutInto(span, k, dayGrid(endpoint.kind), max) ?? cutInto(span, k, unit, max)
    if (pieces !== undefined) return pieces
  }
  // Unreachable for sane tables (a piece of one unit always fits); keep the answer well-formed anyway.
  return cutInto(span, Math.ceil(length / max), 1, max) ?? [span]
}

/**
 * Halves a piece after a blank reply, on a day boundary when both halves are a day or longer, else
 * on an hour (or, for a time range under two hours, in the middle). Undefined when the piece is
 * already the smallest: then only a lower `page_limit` can help.
 */
export function bisect(kind: DateKind, span: Span): [Span, Span] | undefined {
  const length = span.hi - span.lo
  const unit = smallestUnit(kind)
  if (length <= unit) return undefined
  const middle = (span.lo + span.hi) / 2
  const grids = length >= 2 * dayGrid(kind) ? [dayGrid(kind), unit] : [unit]
  for (const grid of grids) {
    const mid = snap(middle, grid)
    if (mid > span.lo && mid < span.hi) return [{ lo: span.lo, hi: mid }, { lo: mid, hi: span.hi }]
  }
  const mid = kind === 'date' ? Math.floor(middle) : Math.floor(middle / 1000) * 1000
  if (mid > span.lo && mid < span.hi) return [{ lo: span.lo, hi: mid }, { lo: mid, hi: span.hi }]
  return undefined
}

/** Page sizes tried at the smallest piece, as Hubstaff advises ("decrease the number of items per page"). */
export const DEFAULT_PAGE_LIMIT = 100
export const LOWEST_PAGE_LIMIT = 10

/** The next lower `page_limit` to try, or undefined when none is left. */
export function lowerPageLimit(current: number | undefined): number | undefined {
  const from = current ?? DEFAULT_PAGE_LIMIT
  if (from <= LOWEST_PAGE_LIMIT) return undefined
  return Math.max(LOWEST_PAGE_LIMIT, Math.floor(from / 2))
}

/**
 * A range cut at every UTC midnight: whole days, plus the part-days at either end. Whole days are
 * what later queries share ("the last 7 days" asked every minute has six days in common with the
 * one before), so they are what the gateway keeps.
 */
export function dayCells(kind: DateKind, span: Span): Span[] {
  const grid = dayGrid(kind)
  const cells: Span[] = []
  let lo = span.lo
  for (let b = Math.floor(span.lo / grid) * grid + grid; b < span.hi; b += grid) {
    cells.push({ lo, hi: b })
    lo = b
  }
  cells.push({ lo, hi: span.hi })
  return cells
}

/** Whether a piece is exactly one UTC day. */
export function isWholeDay(kind: DateKind, span: Span): boolean {
  const grid = dayGrid(kind)
  return span.hi - span.lo === grid && span.lo % grid === 0
}
