import type { Scope } from '../../api/types.js'
import { LIST_CACHE, jsonAnswer, type TwinAnswer } from '../answer.js'
import { inScope, scopeValue } from '../access.js'
import type { Call } from '../context.js'
import type { Row } from '../dataset.js'
import type { Filter } from '../filters.js'

/** What the hand-written handlers share. */

/**
 * The scope of the plain list an operation derives from (`.../activities/daily` from
 * `.../activities`), so that a total covers exactly the rows that list would show.
 */
export function siblingScope(call: Call, cut: RegExp, replacement = ''): Scope | undefined {
  const sibling = call.ctx.byTemplate.get(`GET ${call.operation.path.replace(cut, replacement)}`)
  return sibling?.twin.kind === 'list' ? sibling.twin.scope : undefined
}

/** The scope as a filter over rows, once its parent record is known to exist. */
export function scopeFilter(call: Call, scope: Scope | undefined): (Filter & { value?: number; field?: string }) | undefined {
  if (scope === undefined) return undefined
  const value = scopeValue(call, scope)
  const field = scope.field
  return { test: (row: Row) => inScope(row, field, value), index: { field, values: [String(value)] }, value, field }
}

/** `{"success": true}`, what Hubstaff's bulk operations answer. */
export function success(call: Call): TwinAnswer {
  const status = call.operation.ok.kind === 'none' ? 200 : call.operation.ok.status
  return jsonAnswer(status, '{"success":true}', LIST_CACHE, call)
}

/** The record collection an operation answers with (`{"task": ...}` → `Task`). */
export function answeredCollection(call: Call): string | undefined {
  return call.operation.ok.kind === 'record' ? call.operation.ok.schema : undefined
}

/** The id path parameter of an operation on one record: its last path parameter. */
export function lastPathParam(call: Call): string | undefined {
  return [...call.operation.path.matchAll(/\{([^}]+)\}/g)].at(-1)?.[1]
}
