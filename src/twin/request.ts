import { parseRangeValue, type DateKind } from '../api/dates.js'
import { listParams, parseQuery } from '../api/query.js'
import { createRouter } from '../api/routes.js'
import type { Operation } from '../api/types.js'

/**
 * Reading a request with the project's one router, one query parser and one date parser, into
 * the shapes the engine works with.
 */

/** Query values by name: a list parameter's items (brackets and commas folded), a scalar's last value. */
export type Query = ReadonlyMap<string, readonly string[]>

export function readQuery(raw: string, operation: Operation): Query {
  const query = new Map<string, string[]>()
  const lists = listParams(operation)
  for (const param of parseQuery(raw, lists)) {
    const held = query.get(param.name)
    if (lists.has(param.name) && held !== undefined) held.push(...param.values)
    // Of a scalar sent more than once, Rack keeps the last.
    else query.set(param.name, [...param.values])
  }
  return query
}

/** A range end as epoch ms: a date is its midnight UTC, and a date-time sent for a date keeps its date. */
export function parseEnd(kind: DateKind, text: string): number | undefined {
  const value = parseRangeValue(kind, text.trim())
  return value === undefined ? undefined : kind === 'date' ? value * 86_400_000 : value
}

export interface Route {
  readonly operation: Operation
  readonly params: Readonly<Record<string, string>>
}

export type RouteFinder = (method: string, path: string) => Route | undefined

function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

export function routeFinder(operations: readonly Operation[]): RouteFinder {
  const router = createRouter(operations)
  return (method, path) => {
    const match = router.match(method, path)
    if (match === undefined) return undefined
    const params: Record<string, string> = {}
    for (const [name, value] of Object.entries(match.pathParams)) params[name] = decode(value)
    return { operation: match.operation, params }
  }
}
