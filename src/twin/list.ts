import type { Operation, Scope } from '../api/types.js'
import { inScope, myOrganizations, scopeValue, visible } from './access.js'
import { LIST_CACHE, jsonAnswer, type TwinAnswer } from './answer.js'
import { lowerById } from './collection.js'
import { expand } from './expand.js'
import { remembered } from './memo.js'
import type { Call } from './context.js'
import type { Row } from './dataset.js'
import { readListQuery, type Filter, type ListQuery } from './filters.js'
import { propertiesOf } from './render.js'
import { pascal, singular } from './schema.js'
import type { World } from './world.js'

/**
 * Lists: the rows that pass every filter, in id order, one page from `page_start_id` (inclusive)
 * with `pagination.next_page_start_id` only when another page exists. Rows come from the
 * smallest source an index offers (a date range, a scope, an id filter) rather than a scan.
 */

export interface Page {
  readonly rows: readonly Row[]
  readonly next?: number
}

function passes(row: Row, filters: readonly Filter[], world: World): boolean {
  for (const filter of filters) if (!filter.test(row, world)) return false
  return true
}

/** One page of `rows`, which are in id order. */
export function pageOf(rows: readonly Row[], filters: readonly Filter[], world: World, startId: number, limit: number): Page {
  const page: Row[] = []
  for (let i = lowerById(rows, startId); i < rows.length; i++) {
    const row = rows[i] as Row
    if (!passes(row, filters, world)) continue
    if (page.length === limit) return { rows: page, next: row.id }
    page.push(row)
  }
  return { rows: page }
}

const byId = (a: Row, b: Row): number => a.id - b.id

/**
 * The page of a stored collection. Rows come from the smallest source an index offers (a date
 * range, a scope, an id filter), in id order; the filter that source answers is not asked again.
 * A source that is not in id order already is sorted once per collection state, so that walking
 * its pages costs a binary search each.
 */
export function selectPage(world: World, collection: string, query: ListQuery): Page {
  const stored = world.read(collection)
  if (stored === undefined) return { rows: [] }
  let size = stored.size
  let source: (() => readonly Row[]) | undefined
  let used: Filter | undefined
  for (const filter of query.filters) {
    if (filter.span !== undefined) {
      const { field, lo, hi } = filter.span
      const n = stored.spanSize(field, lo, hi)
      if (n < size) [size, used, source] = [n, filter, () => remembered(stored, `span|${field}|${lo}|${hi}`, () => [...stored.span(field, lo, hi)].sort(byId))]
    } else if (filter.index !== undefined) {
      const { field, values } = filter.index
      const buckets = values.map((v) => stored.bucket(field, v))
      const n = buckets.reduce((sum, b) => sum + b.length, 0)
      if (n >= size) continue
      // An array field files a row under several values: a union keeps each row once.
      const union = (): readonly Row[] => remembered(stored, `in|${field}|${values.join(',')}`, () => [...new Set(buckets.flat())].sort(byId))
      ;[size, used, source] = [n, filter, buckets.length === 1 ? () => buckets[0] as readonly Row[] : union]
    }
  }
  const rest = used === undefined ? query.filters : query.filters.filter((f) => f !== used)
  return pageOf(source === undefined ? stored.rows() : source(), rest, world, query.startId, query.limit)
}

/** The fields of a page's rows that refer to records of `include=<name>`: `users` ← `user_id`, `assignee_ids`, `last_user_id`... */
function linkFields(name: string, fields: Iterable<string>): string[] {
  const stem = singular(name)
  const out: string[] = []
  for (const key of fields) {
    if (key === `${stem}_id` || key === `${stem}_ids` || key.endsWith(`_${stem}_id`) || key.endsWith(`_${stem}_ids`)) out.push(key)
    else if (stem === 'user' && (key === 'assignee_ids' || key === 'assignee_id')) out.push(key)
  }
  return out
}

function referencedIds(fields: readonly string[], nested: readonly string[], stem: string, rows: readonly Row[]): number[] {
  const ids = new Set<number>()
  const add = (value: unknown): void => {
    if (typeof value === 'number') ids.add(value)
    else if (Array.isArray(value)) for (const v of value) if (typeof v === 'number') ids.add(v)
  }
  for (const row of rows) {
    for (const field of fields) add(row[field])
    // Records listed inside a record (a member's `project_members`) refer too.
    for (const field of nested) {
      const items = row[field]
      if (Array.isArray(items)) for (const item of items) if (typeof item === 'object' && item !== null) add((item as Record<string, unknown>)[`${stem}_id`])
    }
  }
  return [...ids].sort((a, b) => a - b)
}

/** `include=` side-loads as JSON text: each record the page refers to, once, in id order. */
export function sideLoads(call: Call, schema: string, names: readonly string[], rows: readonly Row[]): [string, string][] {
  if (names.length === 0) return []
  const fields = new Set([...Object.keys(propertiesOf(call.ctx.schemas, schema)), ...Object.keys(rows[0] ?? {})])
  const out: [string, string][] = []
  for (const name of names) {
    const collection = pascal(singular(name))
    const stored = call.world.read(collection)
    if (stored === undefined) continue
    const found: string[] = []
    const nested = [...fields].filter((f) => Array.isArray(rows[0]?.[f]))
    for (const id of referencedIds(linkFields(name, fields), nested, singular(name), rows)) {
      const row = stored.get(id)
      if (row !== undefined) found.push(call.ctx.renderer.text(collection, row, call.world))
    }
    out.push([name, `[${found.join(',')}]`])
  }
  return out
}

/**
 * The list answer of `operation` for a page of rows of record schema `schema`. Rows are written
 * from their kept JSON text where they have one, so a page costs little more than its bytes.
 */
export function listAnswer(call: Call, operation: Operation, schema: string, page: Page, query: ListQuery): TwinAnswer {
  const key = operation.ok.kind === 'list' ? operation.ok.key : `${schema}s`
  const { renderer } = call.ctx
  const render = renderer.of(schema)
  const rows = query.show.length === 0 ? page.rows : page.rows.map((row) => expand(schema, query.show, row, call.world, call.query))
  const records = rows.map((row, i) => {
    // A row as stored renders to its kept text; an expanded or trimmed one is written afresh.
    if (query.hide.length === 0 && row === page.rows[i]) return renderer.text(schema, row, call.world)
    const out = render(row, call.world)
    for (const field of query.hide) delete out[field]
    return JSON.stringify(out)
  })
  let text = `{${JSON.stringify(key)}:[${records.join(',')}]`
  for (const [name, loaded] of sideLoads(call, schema, query.include, rows)) text += `,${JSON.stringify(name)}:${loaded}`
  if (page.next !== undefined) text += `,"pagination":{"next_page_start_id":${page.next}}`
  return jsonAnswer(200, `${text}}`, LIST_CACHE, call)
}

/**
 * A stored collection's list answer: the operation's filters, and the records of the scope's
 * parent (the project of `/v2/projects/{project_id}/tasks`) only.
 */
export function answerList(call: Call, collection: string, scope: Scope | undefined, extra: readonly Filter[] = []): TwinAnswer {
  const query = readListQuery(call.operation, call.query, call.world, collection, call.ctx.schemas, call.ctx.ranged(call.operation), call.now)
  const filters = [...query.filters, ...extra]
  if (scope !== undefined) {
    const { field } = scope
    const value = scopeValue(call, scope)
    filters.unshift({ test: (row) => inScope(row, field, value), index: { field, values: [String(value)] } })
  } else {
    // An unscoped list (`/v2/organizations`) holds only what the token's user may reach.
    const orgs = myOrganizations(call.world)
    filters.unshift({ test: (row, world) => visible(world, row, collection, orgs) })
  }
  const schema = call.operation.ok.kind === 'list' ? call.operation.ok.schema : collection
  const page = selectPage(call.world, collection, { ...query, filters })
  return listAnswer(call, call.operation, schema, page, query)
}
