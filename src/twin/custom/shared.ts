import type { Scope } from '../../api/types.js'
import { LIST_CACHE, jsonAnswer, type TwinAnswer } from '../answer.js'
import { inScope, pathId, reachable, scopeValue } from '../access.js'
import type { Call } from '../context.js'
import type { Row } from '../dataset.js'
import { invalidParams } from '../errors.js'
import type { Filter } from '../filters.js'
import type { World } from '../world.js'

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

export type Fields = Record<string, unknown>

export const money = (rate: unknown): string | undefined => (typeof rate === 'number' ? rate.toFixed(2) : undefined)
export const defined = (fields: Fields): Fields => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined))

/** The row of `collection` filed under `field` = `parent` whose `key` is `value`. */
export function findIn(world: World, collection: string, field: string, parent: number, key: string, value: unknown): Row | undefined {
  return world.read(collection)?.bucket(field, parent).find((row) => row[key] === value)
}

export function entries(body: Fields, name: string): Fields[] {
  return Array.isArray(body[name]) ? (body[name] as Fields[]) : []
}

/** The active member of the organization `organization` who is `userId`, or a 400 naming the entry. */
export function activeMember(call: Call, organization: unknown, userId: unknown, where: string): Row {
  const member = typeof organization === 'number' ? findIn(call.world, 'OrganizationMember', '_organization_id', organization, 'user_id', userId) : undefined
  if (member === undefined || member.membership_status === 'removed') throw invalidParams(`${where} is not a member of the organization`)
  return member
}

/** The record an operation on `/<collection>/{id}/<action>` acts on, reachable from the token's user. */
export function target(call: Call): { collection: string; row: Row } | undefined {
  const collection = answeredCollection(call)
  const param = lastPathParam(call)
  if (collection === undefined || param === undefined) return undefined
  return { collection, row: reachable(call, collection, pathId(call, param)) }
}
