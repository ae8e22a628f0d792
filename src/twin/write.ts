import type { JsonSchema, Operation } from '../api/types.js'
import { RECORD_CACHE, jsonAnswer, noContent, type TwinAnswer } from './answer.js'
import { checkPathLinks, parentCollection, pathId, reachable, scopeValue } from './access.js'
import type { Call } from './context.js'
import type { Row } from './dataset.js'
import { invalidParams, staleRecord, tooManyRecords } from './errors.js'
import { fits, refName, resolve, violation, type Schemas } from './schema.js'
import type { World } from './world.js'

/**
 * Creates, updates and deletes, stored in the world so that every later answer shows them. A body
 * is checked against the operation's body schema first (Hubstaff's 400 `invalid_params`); what is
 * stored is what the record schema has, so a write-only field (`password`) is never kept nor shown.
 */

type Fields = Record<string, unknown>

/** Hubstaff writes times with microseconds. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z')
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The request body as JSON, checked against the operation's schema. */
export function readBody(call: Call): Fields {
  const body = call.operation.body
  const text = call.rawBody === undefined ? '' : call.rawBody.toString('utf8').trim()
  let value: unknown = {}
  if (text !== '') {
    try {
      value = JSON.parse(text)
    } catch {
      throw invalidParams('The request body is not valid JSON')
    }
  }
  if (!isObject(value)) throw invalidParams('The request body must be a JSON object')
  if (body !== undefined) {
    const problem = violation(body.schema, value, '', call.ctx.schemas)
    if (problem !== undefined) throw invalidParams(problem)
  }
  return value
}

/**
 * Metadata is sent as `[{key, value}]` and shown as an object: only the keys sent change, and a
 * `null` value removes its key.
 */
export function mergeMetadata(current: unknown, sent: unknown): Fields {
  const out: Fields = isObject(current) ? { ...current } : {}
  const pairs = Array.isArray(sent) ? sent : isObject(sent) ? Object.entries(sent).map(([key, value]) => ({ key, value })) : []
  for (const pair of pairs) {
    if (!isObject(pair) || typeof pair.key !== 'string') continue
    if (!/^[a-z0-9_]{2,30}$/.test(pair.key)) throw invalidParams(`metadata key ${pair.key} must be 2 to 30 lowercase letters, digits or underscores`)
    if (pair.value === null || pair.value === undefined) delete out[pair.key]
    else if (typeof pair.value !== 'string' || pair.value.length > 200) throw invalidParams(`metadata value of ${pair.key} must be a string of at most 200 characters`)
    else out[pair.key] = pair.value
  }
  return out
}

/** A record's new fields from a body: the fields the record schema has, a nested record created in its own collection. */
export function fieldsFromBody(world: World, schemas: Schemas, collection: string, body: Fields, current: Row | undefined, now: number): Fields {
  const properties = resolve(schemas[collection], schemas)?.properties ?? {}
  const out: Fields = {}
  // Nested records are stored last, once the rest of the body has passed: a refusal stores nothing.
  const nested: [string, string, Fields][] = []
  for (const [key, value] of Object.entries(body)) {
    const property = properties[key]
    if (key === 'id' || key === 'lock_version' || key.startsWith('_')) continue
    if (property === undefined) {
      // `assignee_id` stands for a one-person `assignee_ids`.
      const plural = `${key}s`
      if (properties[plural]?.type === 'array' && value !== null && value !== undefined && body[plural] === undefined) out[plural] = [value]
      continue
    }
    if (property.readOnly === true || property.writeOnly === true) continue
    if (key === 'metadata') out[key] = mergeMetadata(current?.[key], value)
    else if (property.$ref !== undefined && isObject(value) && current === undefined && world.read(refName(property.$ref)) !== undefined) nested.push([key, refName(property.$ref), value])
    else if (resolve(property, schemas)?.type === 'object' && isObject(value) && isObject(current?.[key])) out[key] = { ...current[key], ...value }
    else {
      const fitted = shaped(property, value, schemas, now, world.me)
      if (fitted !== undefined) out[key] = fitted
    }
  }
  const made = nested.map(([key, target, value]) => [key, target, fieldsFromBody(world, schemas, target, value, undefined, now)] as const)
  for (const [key, target, fields] of made) out[`${key}_id`] = insertRecord(world, schemas, target, fields, now).id
  return out
}

/**
 * A body value as the record shows it, or undefined when it has no place there. Request and
 * record shapes differ: a list of days where the record shows one, a number where it shows text.
 */
function shaped(property: JsonSchema, value: unknown, schemas: Schemas, now: number, me: number): unknown {
  const p = resolve(property, schemas)
  if (p === undefined) return value
  if (value === null) return p.nullable === true ? null : undefined
  if (p.type === 'array') return Array.isArray(value) ? value : [value]
  if (p.type === 'object' || p.properties !== undefined) {
    // The official document shows some lists as one record (`time_off_request_days`): the first stands for them.
    const item = Array.isArray(value) ? value.find(isObject) : value
    if (!isObject(item)) return undefined
    if (p.properties === undefined) return item
    const out = defaults(p, schemas, now, me)
    for (const [key, inner] of Object.entries(p.properties)) {
      if (item[key] === undefined) continue
      const fitted = shaped(inner, item[key], schemas, now, me)
      if (fitted !== undefined) out[key] = fitted
    }
    return out
  }
  return fits(p, value) ? value : undefined
}

/** Values a new record's schema requires that the body need not send. */
function defaults(schema: JsonSchema | undefined, schemas: Schemas, now: number, me: number): Fields {
  const s = resolve(schema, schemas)
  const out: Fields = {}
  const properties = s?.properties ?? {}
  const stamp = timestamp(now)
  if ('created_at' in properties) out.created_at = stamp
  if ('updated_at' in properties) out.updated_at = stamp
  if ('lock_version' in properties) out.lock_version = 0
  if ('metadata' in properties) out.metadata = {}
  for (const name of s?.required ?? []) {
    if (name in out) continue
    const p = resolve(properties[name], schemas)
    if (name === 'status') out.status = p?.enum?.[0] ?? 'active'
    // Who created, invited or approved: the token's user, who made the request.
    else if (name.endsWith('_by_id')) out[name] = me
    else if (name === 'membership_status') out.membership_status = 'active'
    else if (p?.type === 'array') out[name] = []
    else if (p?.type === 'boolean') out[name] = false
    else if (p?.type === 'object') out[name] = p.properties === undefined ? {} : defaults(p, schemas, now, me)
    else if (p?.nullable === true) out[name] = null
    else if (name === 'type' || name === 'project_type') out[name] = 'project'
    else if (p?.type === 'string') out[name] = p.enum?.[0] ?? (p.format === 'date-time' ? stamp : '')
    else if (p?.type === 'integer' || p?.type === 'number') out[name] = 0
  }
  return out
}

/** New records one world (the default one, or a session's) takes between resets. */
export const MAX_NEW_RECORDS = 100_000

/** Stores a new record with a fresh id; `fields` win over the schema's defaults. */
export function insertRecord(world: World, schemas: Schemas, collection: string, fields: Fields, now: number): Row {
  if (!world.admit(1, MAX_NEW_RECORDS)) throw tooManyRecords(MAX_NEW_RECORDS)
  const stored = world.write(collection)
  const row: Row = { ...defaults(schemas[collection], schemas, now, world.me), ...fields, id: stored.allocateId() }
  stored.insert(row)
  return row
}

/** Stores `changes` on a record, bumping `lock_version` and `updated_at` where the schema has them. */
export function updateRecord(world: World, schemas: Schemas, collection: string, row: Row, changes: Fields, now: number): Row {
  const properties = resolve(schemas[collection], schemas)?.properties ?? {}
  const next: Fields = { ...row, ...changes }
  if ('updated_at' in properties) next.updated_at = timestamp(now)
  if ('lock_version' in properties) next.lock_version = (typeof row.lock_version === 'number' ? row.lock_version : 0) + 1
  const updated = { ...next, id: row.id }
  world.write(collection).replace(updated)
  return updated
}

export function recordAnswer(call: Call, operation: Operation, collection: string, row: Row, status?: number): TwinAnswer {
  const ok = operation.ok
  const key = ok.kind === 'record' ? ok.key : collection.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
  const schema = ok.kind === 'record' ? ok.schema : collection
  const record = call.ctx.renderer.of(schema)(row, call.world)
  return jsonAnswer(status ?? (ok.kind === 'record' ? ok.status : 200), JSON.stringify({ [key]: record }), RECORD_CACHE, call)
}

/** A stale `lock_version` loses to the write that came first. */
export function checkLock(row: Row, body: Fields): void {
  if (typeof body.lock_version === 'number' && typeof row.lock_version === 'number' && body.lock_version !== row.lock_version) throw staleRecord()
}

/** A body with the defaults its schema documents for fields left out (`role` → `project_user`). */
function withDefaults(body: Fields, schema: JsonSchema | undefined, schemas: Schemas): Fields {
  const out = { ...body }
  for (const [name, property] of Object.entries(resolve(schema, schemas)?.properties ?? {})) {
    if (out[name] === undefined && property.default !== undefined) out[name] = property.default
  }
  return out
}

export function create(call: Call, collection: string): TwinAnswer {
  const twin = call.operation.twin
  const body = withDefaults(readBody(call), call.operation.body?.schema, call.ctx.schemas)
  const fields = fieldsFromBody(call.world, call.ctx.schemas, collection, body, undefined, call.now)
  if (twin.kind === 'create' && twin.scope !== undefined) {
    const value = scopeValue(call, twin.scope)
    fields[twin.scope.field] = value
    // A record made under a project belongs to that project's organization too.
    const parent = call.world.get(parentCollection(twin.scope.param), value)
    if (parent?._organization_id !== undefined && fields._organization_id === undefined) fields._organization_id = parent._organization_id
  }
  // A new record starts in the state its list shows by default (an invite `pending`, a project `active`).
  const listing = call.ctx.byTemplate.get(`GET ${call.operation.path}`)?.params.find((p) => p.name === 'status')?.schema
  const initial = listing?.default ?? listing?.items?.default
  if (fields.status === undefined && typeof initial === 'string' && initial !== 'all') fields.status = initial
  const row = insertRecord(call.world, call.ctx.schemas, collection, fields, call.now)
  return recordAnswer(call, call.operation, collection, row)
}

export function update(call: Call, collection: string, idParam: string): TwinAnswer {
  const row = reachable(call, collection, pathId(call, idParam))
  checkPathLinks(call, row, idParam)
  const body = readBody(call)
  checkLock(row, body)
  const changes = fieldsFromBody(call.world, call.ctx.schemas, collection, body, row, call.now)
  return recordAnswer(call, call.operation, collection, updateRecord(call.world, call.ctx.schemas, collection, row, changes, call.now))
}

export function remove(call: Call, collection: string, idParam: string, archive?: { readonly field: string; readonly value: string }): TwinAnswer {
  const row = reachable(call, collection, pathId(call, idParam))
  checkPathLinks(call, row, idParam)
  if (archive !== undefined) {
    const archived = updateRecord(call.world, call.ctx.schemas, collection, row, { [archive.field]: archive.value }, call.now)
    if (call.operation.ok.kind === 'record') return recordAnswer(call, call.operation, collection, archived)
  } else {
    call.world.write(collection).remove(row.id)
  }
  return call.operation.ok.kind === 'none' ? noContent(call.operation.ok.status) : noContent(204)
}
