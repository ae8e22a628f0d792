import { formatSpan as formatFloorSpan, parseSpan as parseFloorSpan, smallestUnit as floorSmallestUnit, type DateKind, type Span } from '../api/dates.js'
import { RANGED_ENDPOINTS as FLOOR_ENDPOINTS, rangedEndpointFor, type RangedEndpoint as FloorEndpoint } from '../api/ranges.js'

/**
 * The split's view of Hubstaff's ranged endpoints (src/api/ranges.ts) and of date ranges
 * (src/api/dates.ts): the cutting code names a date-time range `time`, and reads a missing maximum
 * span as no limit at all (such a range is cut only after a blank reply).
 *
 * TODO(lead): once plan.ts takes the floor's `DateKind` and an optional `maxDays`, this view can
 * go and its users import the floor directly.
 */

export { DAY_MS, HOUR_MS, type Span } from '../api/dates.js'

/** `time`: ISO date-times, stop exclusive. `date`: `YYYY-MM-DD`, stop inclusive. */
export type RangeKind = 'time' | 'date'

export interface RangedEndpoint extends Omit<FloorEndpoint, 'kind' | 'maxDays'> {
  readonly kind: RangeKind
  /** Longest span Hubstaff accepts, in days; Infinity where none is documented. */
  readonly maxDays: number
}

const floorKind = (kind: RangeKind): DateKind => (kind === 'time' ? 'date-time' : 'date')

const VIEWS = new Map<FloorEndpoint, RangedEndpoint>(FLOOR_ENDPOINTS.map((e) => [e, { ...e, kind: e.kind === 'date' ? 'date' : 'time', maxDays: e.maxDays ?? Infinity }]))

export const RANGED_ENDPOINTS: readonly RangedEndpoint[] = [...VIEWS.values()]

/** The ranged endpoint a raw path names (`/v2/organizations/1001/activities`), if any. */
export function endpointFor(path: string): RangedEndpoint | undefined {
  const endpoint = rangedEndpointFor(path)
  return endpoint === undefined ? undefined : VIEWS.get(endpoint)
}

export function smallestUnit(kind: RangeKind): number {
  return floorSmallestUnit(floorKind(kind))
}

export function parseSpan(kind: RangeKind, start: string | undefined, stop: string | undefined): Span | undefined {
  return parseFloorSpan(floorKind(kind), start, stop)
}

export function formatSpan(kind: RangeKind, span: Span): { start: string; stop: string } {
  return formatFloorSpan(floorKind(kind), span)
}
