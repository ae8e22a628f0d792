import { paramValue, parseQuery } from '../api/query.js'
import { DAY_MS, parseSpan, spanMs } from '../api/dates.js'
import { rangedEndpointFor, rangeFilters } from '../api/ranges.js'

/** A range given by one end only: Hubstaff's common 7 days where the endpoint names no limit. */
const OPEN_DAYS = 7

/**
 * The longest date range a request to a ranged endpoint asks for, ms (0 for any other request, or
 * one whose range does not parse: the twin's 400 says why), for `--mock-blank-after`. Ranges are
 * read as the split and the twin read them, from the one ranged-endpoint table.
 */
export function longestRange(path: string, query: string): number {
  const endpoint = rangedEndpointFor(path)
  if (endpoint === undefined || query === '') return 0
  const params = parseQuery(query)
  let longest = 0
  for (const { param, kind } of rangeFilters(endpoint)) {
    const start = paramValue(params, `${param}[start]`)
    const stop = paramValue(params, `${param}[stop]`)
    if (start === undefined && stop === undefined) continue
    if (start === undefined || stop === undefined) {
      longest = Math.max(longest, (endpoint.maxDays ?? OPEN_DAYS) * DAY_MS)
      continue
    }
    const span = parseSpan(kind, start, stop)
    if (span !== undefined) longest = Math.max(longest, spanMs(kind, span))
  }
  return longest
}
