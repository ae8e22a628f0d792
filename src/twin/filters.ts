import type { RangedEndpoint } from '../api/ranges.js'
import type { JsonSchema, Operation, Param } from '../api/types.js'
import { instantOf, textOf, type Collection } from './collection.js'
import type { Row } from './dataset.js'
import { invalidParams } from './errors.js'
import { rangeFields, readOpenRange, readRange } from './range.js'
import type { Query } from './request.js'
import { pascal, resolve, singular, snake, type Schemas } from './schema.js'
import type { World } from './world.js'

/**
 * A list operation's filters, derived from its parameters' names the way Hubstaff names them:
 * `user_ids` keeps rows whose `user_id` is listed, `membership_roles` rows whose `membership_role`
 * is, `search[name]` matches names, `include_removed` brings removed members back, `x[start]` and
 * `x[stop]` bound the field `x` (or `x_at`). A parameter naming the listed resource itself
 * (`project_ids` on projects) filters ids. Parameters that shape the answer rather than choose
 * rows (`time_zone`) are read elsewhere or not at all.
 */

export interface Filter {
  test(row: Row, world: World): boolean
  /** Rows an index gives for this filter: those whose `field` holds one of `values`. */
  readonly index?: { readonly field: string; readonly values: readonly string[] }
  /** The rows of a date range, from the sorted index on `field`. */
  readonly span?: { readonly field: string; readonly lo: number; readonly hi: number }
}

export interface ListQuery {
  readonly filters: readonly Filter[]
  /** Rendered fields an `include_x=false` leaves out (`project_members` without `include_projects`). */
  readonly hide: readonly string[]
  /** Fields an `include_x=true` asks for. */
  readonly show: readonly string[]
  readonly startId: number
  readonly limit: number
  readonly include: readonly string[]
}

/** Hubstaff documents no default or cap; its own clients ask for 100 to 500. */
export const DEFAULT_PAGE_LIMIT = 100
export const MAX_PAGE_LIMIT = 500

const BOOL: Record<string, boolean> = { true: true, false: false, '1': true, '0': false }

function values(query: Query, param: Param): string[] | undefined {
  const raw = query.get(param.name)
  if (raw === undefined) return undefined
  return param.schema.type === 'array' ? raw.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '') : [raw[0] ?? '']
}

/** Checks values against the parameter's type and enum, as Hubstaff's parameter validation does. */
function typed(param: Param, texts: readonly string[], schemas: Schemas): string[] {
  const item = resolve(param.schema.type === 'array' ? param.schema.items : param.schema, schemas) ?? {}
  for (const text of texts) {
    const ok =
      item.type === 'integer' ? /^-?\d+$/.test(text) : item.type === 'number' ? text !== '' && Number.isFinite(Number(text)) : item.type === 'boolean' ? text in BOOL : true
    if (!ok) throw invalidParams(`${param.name} is invalid`)
    if (item.enum !== undefined && !item.enum.map(String).includes(text)) throw invalidParams(`${param.name} does not have a valid value`)
  }
  // `user_ids=0501` names user 501, as Hubstaff's integer coercion reads it.
  return item.type === 'integer' ? texts.map((text) => String(Number(text))) : [...texts]
}

export function wholeParam(query: Query, name: string, fallback: number, min: number): number {
  const text = query.get(name)?.[0]
  if (text === undefined || text === '') return fallback
  if (!/^\d+$/.test(text.trim())) throw invalidParams(`${name} is invalid`)
  const n = Number(text.trim())
  if (n < min || n > 2 ** 53) throw invalidParams(`${name} is invalid`)
  return n
}

/** The first candidate field the records have: a public one from the schema, an internal one from the data. */
export function pickField(candidates: readonly string[], properties: Readonly<Record<string, JsonSchema>>, collection: Collection | undefined): string | undefined {
  for (const field of candidates) if (field in properties) return field
  const sample = collection?.rows()[0]
  if (sample !== undefined) for (const field of candidates) if (field in sample) return field
  return undefined
}

function holds(value: unknown, wanted: ReadonlySet<string>): boolean {
  if (Array.isArray(value)) return value.some((v) => wanted.has(textOf(v)))
  return value !== undefined && value !== null && wanted.has(textOf(value))
}

function isRemoved(row: Row): boolean {
  return (row.removed_at !== undefined && row.removed_at !== null) || row.membership_status === 'removed' || row.status === 'removed'
}

/** The records a `*_ids` parameter can mean, most specific first. */
function idFields(stem: string, self: string): string[] {
  const fields = [`${stem}_id`, `_${stem}_id`, `${stem}_ids`, `_${stem}_ids`]
  if (stem === self) fields.unshift('id')
  if (stem === 'user') fields.push('assignee_ids', 'assignee_id')
  return fields
}

interface Scope {
  readonly world: World
  readonly collection: string
  readonly properties: Readonly<Record<string, JsonSchema>>
  readonly schemas: Schemas
}

/** A field a row lacks may live on its user (`search[name]` on members). */
function fieldValue(row: Row, field: string, world: World): unknown {
  if (row[field] !== undefined) return row[field]
  const userId = row.user_id ?? row._user_id
  return typeof userId === 'number' ? world.get('User', userId)?.[field] : undefined
}

/**
 * An id filter the records answer through a record they link to: `global_todo_ids` on activities
 * keeps the slots whose task belongs to one of those to-dos.
 */
function throughLink(stem: string, wanted: ReadonlySet<string>, scope: Scope): Filter | undefined {
  for (const link of ['task_id', 'project_id', 'user_id']) {
    if (!(link in scope.properties)) continue
    const target = pascal(link.replace(/_id$/, ''))
    const field = `${stem}_id`
    if (!(field in (resolve(scope.schemas[target], scope.schemas)?.properties ?? {}))) continue
    return { test: (row, world) => typeof row[link] === 'number' && holds(world.get(target, row[link])?.[field], wanted) }
  }
  return undefined
}

function filterFor(param: Param, texts: readonly string[], scope: Scope, hide: string[], show: string[]): Filter | undefined {
  const { world, properties } = scope
  const rows = world.read(scope.collection)
  const self = snake(scope.collection)
  const name = param.name
  const search = /^search\[(\w+)\]$/.exec(name)
  if (search !== null) {
    const field = search[1] as string
    const needle = (texts[0] ?? '').toLowerCase()
    if (needle === '') return undefined
    return { test: (row, w) => textOf(fieldValue(row, field, w) ?? '').toLowerCase().includes(needle) }
  }
  if (name === 'include_removed') return texts[0] !== undefined && BOOL[texts[0]] === true ? undefined : { test: (row) => !isRemoved(row) }
  const include = /^include_(\w+)$/.exec(name)
  if (include !== null) {
    const stem = include[1] as string
    const asked = texts[0] !== undefined && BOOL[texts[0]] === true
    for (const field of Object.keys(properties)) if (field === stem || field.startsWith(`${singular(stem)}_`)) (asked ? show : hide).push(field)
    return undefined
  }
  const only = /^only_(\w+)$/.exec(name)
  if (only !== null) {
    if (texts[0] === undefined || BOOL[texts[0]] !== true) return undefined
    const stem = singular(only[1] as string)
    const field = pickField([`${stem}_id`, `_${stem}_id`, stem], properties, rows)
    return field === undefined ? undefined : { test: (row) => row[field] !== undefined && row[field] !== null && row[field] !== false }
  }
  const ids = /^(\w+)_ids?$/.exec(name)
  const stem = ids !== null ? (ids[1] as string) : undefined
  const candidates = stem !== undefined ? idFields(stem, self) : param.schema.type === 'array' ? [singular(name), name] : [name]
  const field = pickField(candidates, properties, rows)
  if (field === undefined) return stem === undefined || texts.length === 0 ? undefined : throughLink(stem, new Set(texts), scope)
  let wanted = texts
  if (wanted.includes('all')) return undefined
  // A documented default applies when the parameter is left out (projects: `status=active`).
  const fallback = param.schema.default ?? param.schema.items?.default
  if (wanted.length === 0 && fallback !== undefined) wanted = [textOf(fallback)]
  if (wanted.length === 0) return undefined
  const set = new Set(wanted)
  return { test: (row) => holds(row[field], set), index: { field, values: wanted } }
}

const PAGING = new Set(['page_start_id', 'page_limit', 'include'])

/**
 * Reads a list request's query into filters and paging, refusing what Hubstaff refuses (a
 * missing or too long date range, a value of the wrong type).
 */
export function readListQuery(operation: Operation, query: Query, world: World, collection: string, schemas: Schemas, rule: RangedEndpoint | undefined, now: number): ListQuery {
  const properties = resolve(schemas[collection], schemas)?.properties ?? {}
  const scope: Scope = { world, collection, properties, schemas }
  const filters: Filter[] = []
  const hide: string[] = []
  const show: string[] = []
  const rows = world.read(collection)
  if (rule !== undefined) {
    const interval = readRange(operation, rule, query, now)
    const field = pickField(rangeFields(rule.param), properties, rows)
    if (interval !== undefined && field !== undefined) {
      const { lo, hi } = interval
      filters.push({ test: (row) => inInterval(row[field], lo, hi), span: { field, lo, hi } })
    }
  }
  const ranges = new Set<string>()
  for (const param of operation.params) {
    if (param.in !== 'query' || PAGING.has(param.name)) continue
    const bracket = /^(\w+)\[(start|stop)\]$/.exec(param.name)
    if (bracket !== null) {
      const base = bracket[1] as string
      if (base === rule?.param || ranges.has(base)) continue
      ranges.add(base)
      const kind = resolve(param.schema, schemas)?.format === 'date' ? 'date' : 'date-time'
      const interval = readOpenRange(query, base, kind)
      const field = pickField(rangeFields(base), properties, rows)
      if (interval !== undefined && field !== undefined) filters.push({ test: (row) => inInterval(row[field], interval.lo, interval.hi) })
      continue
    }
    const texts = values(query, param)
    if (texts === undefined && param.required === true) throw invalidParams(`${param.name} is missing`)
    const checked = texts === undefined ? [] : typed(param, texts, schemas)
    if (texts === undefined && !param.name.startsWith('include_') && param.name !== 'status') continue
    const filter = filterFor(param, checked, scope, hide, show)
    if (filter !== undefined) filters.push(filter)
  }
  const includeParam = operation.params.find((p) => p.name === 'include')
  const include = includeParam === undefined ? [] : typed(includeParam, values(query, includeParam) ?? [], schemas)
  return {
    filters,
    hide,
    show,
    startId: wholeParam(query, 'page_start_id', 0, 0),
    limit: Math.min(wholeParam(query, 'page_limit', DEFAULT_PAGE_LIMIT, 1), MAX_PAGE_LIMIT),
    include,
  }
}

export function inInterval(value: unknown, lo: number, hi: number): boolean {
  const ms = instantOf(value)
  return ms !== undefined && ms >= lo && ms < hi
}
