import type { Scope } from '../api/types.js'
import type { Call } from './context.js'
import type { Row } from './dataset.js'
import { notFound } from './errors.js'
import { pascal } from './schema.js'
import type { World } from './world.js'

/**
 * Which records the token's user may reach: those of the organizations they are a member of.
 * Anything else (an unknown id, a record of another organization) is a 404, as Hubstaff answers.
 */

/** A path id; one that is not a whole number names no record. */
export function pathId(call: Call, name: string): number {
  const text = call.params[name]
  if (text === undefined || !/^\d+$/.test(text)) throw notFound()
  const id = Number(text)
  if (!Number.isSafeInteger(id)) throw notFound()
  return id
}

/** The organizations `me` belongs to; undefined when the world does not model memberships. */
export function myOrganizations(world: World): ReadonlySet<number> | undefined {
  const members = world.read('OrganizationMember')
  if (members === undefined || members.size === 0) return undefined
  const orgs = new Set<number>()
  for (const member of members.bucket('user_id', world.me)) {
    const org = member._organization_id
    if (typeof org === 'number' && member.membership_status !== 'removed') orgs.add(org)
  }
  return orgs
}

function organizationOf(row: Row): number | undefined {
  const org = row._organization_id ?? row.organization_id
  return typeof org === 'number' ? org : undefined
}

export function visible(world: World, row: Row, collection: string, orgs = myOrganizations(world)): boolean {
  if (orgs === undefined) return true
  const org = collection === 'Organization' ? row.id : organizationOf(row)
  return org === undefined || orgs.has(org)
}

/** The record `id` of `collection`, when it exists and is reachable; otherwise a 404. */
export function reachable(call: Call, collection: string, id: number): Row {
  const row = call.world.get(collection, id)
  if (row === undefined || !visible(call.world, row, collection)) throw notFound()
  return row
}

/** The collection a path parameter names: `organization_id` → `Organization`. */
export function parentCollection(param: string): string {
  return pascal(param.replace(/_id$/, ''))
}

/**
 * The value a scope's path parameter selects by, after checking that its record (the project of
 * `/v2/projects/{project_id}/tasks`) exists and is reachable.
 */
export function scopeValue(call: Call, scope: Scope): number {
  const id = pathId(call, scope.param)
  const parent = parentCollection(scope.param)
  if (call.world.read(parent) !== undefined) reachable(call, parent, id)
  return id
}

export function inScope(row: Row, field: string, value: number): boolean {
  const held = row[field]
  return Array.isArray(held) ? held.includes(value) : held === value
}

/**
 * A record reached through a nested path (`/v2/organizations/{organization_id}/global_todos/{id}`)
 * must belong to every other record the path names.
 */
export function checkPathLinks(call: Call, row: Row, idParam: string): void {
  for (const param of Object.keys(call.params)) {
    if (param === idParam || !param.endsWith('_id')) continue
    const field = param in row ? param : `_${param}` in row ? `_${param}` : undefined
    if (field !== undefined && !inScope(row, field, pathId(call, param))) throw notFound()
  }
}
