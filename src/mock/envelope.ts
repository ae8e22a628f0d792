export type MockRecord = Record<string, unknown>

/**
 * Hubstaff's envelopes for mock answers: a list answer is `{"<list>": [...], "<side-load>": [...],
 * "pagination": {"next_page_start_id": N}}` with `pagination` only when another page exists; a
 * record answer is `{"<record>": {...}}`. Prism produces the whole example or generated list; these
 * functions cut it to what the query asked for. Every function returns new objects: Prism hands out
 * the spec's own example objects, shared by every request.
 */

const MAX_ID = 2_147_483_647

function isRecord(value: unknown): value is MockRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function wholeNumber(text: string | null): number | undefined {
  return text !== null && /^\s*\d+\s*$/.test(text) ? Number(text) : undefined
}

/** `include=users,projects` and `include[]=users&include[]=projects` mean the same. */
function listParam(query: URLSearchParams, name: string): string[] {
  return [...query.getAll(name), ...query.getAll(`${name}[]`)].flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '')
}

/** Generated ids are random: sort them, and renumber when they repeat or leave int32, or cursors would loop. */
function orderIds(records: MockRecord[]): MockRecord[] {
  if (!records.every((r) => typeof r.id === 'number')) return records
  const sorted = [...records].sort((a, b) => (a.id as number) - (b.id as number))
  const usable = sorted.every((r, i) => {
    const id = r.id as number
    return Number.isSafeInteger(id) && id >= 1 && id <= MAX_ID && (i === 0 || id > (sorted[i - 1]?.id as number))
  })
  return usable ? sorted : sorted.map((r, i) => ({ ...r, id: 1001 + i }))
}

/** The cursor is the record id (inclusive); a list whose records have no id is paged by position. */
function cursorOf(records: readonly MockRecord[]): (record: MockRecord, index: number) => number {
  return records.every((r) => typeof r.id === 'number') ? (r) => r.id as number : (_r, i) => i + 1
}

export function paginate(records: readonly MockRecord[], startId: number, limit: number | undefined): { page: MockRecord[]; nextId?: number } {
  const cursor = cursorOf(records)
  const from = records.findIndex((r, i) => cursor(r, i) >= startId)
  if (from === -1) return { page: [] }
  if (limit === undefined) return { page: records.slice(from) }
  const next = records[from + limit]
  const page = records.slice(from, from + limit)
  return next === undefined ? { page } : { page, nextId: cursor(next, from + limit) }
}

/** Keeps the side-loaded records that the page refers to (`users` by `user_id` and `assignee_ids`). */
function sideLoad(name: string, records: unknown[], page: readonly MockRecord[]): unknown[] {
  const singular = name.replace(/s$/, '')
  const fields = [`${singular}_id`, `${singular}_ids`, ...(name === 'users' ? ['assignee_ids'] : [])]
  if (!page.some((r) => fields.some((f) => f in r))) return records
  const wanted = new Set(page.flatMap((r) => fields.flatMap((f) => [r[f]].flat())))
  return records.filter((r) => isRecord(r) && wanted.has(r.id))
}

export interface ListOptions {
  /** Generated data: ids are put in order first. */
  readonly dynamic: boolean
}

/** Applies `page_start_id`/`page_limit` and `include` to a list answer Prism made (the twin answers ranges). */
export function shapeList(body: MockRecord, listKey: string, query: URLSearchParams, options: ListOptions): MockRecord {
  const list = body[listKey]
  if (!Array.isArray(list)) return body
  let records = list.filter(isRecord)
  if (options.dynamic) records = orderIds(records)
  const limit = wholeNumber(query.get('page_limit'))
  const { page, nextId } = paginate(records, wholeNumber(query.get('page_start_id')) ?? 0, limit === undefined ? undefined : Math.max(1, limit))
  const include = listParam(query, 'include')
  const out: MockRecord = {}
  for (const [key, value] of Object.entries(body)) {
    if (key === listKey) out[key] = page
    else if (key === 'pagination') continue
    else if (Array.isArray(value)) {
      if (include.includes(key)) out[key] = sideLoad(key, value, page)
    } else out[key] = value
  }
  if (nextId !== undefined) out.pagination = { next_page_start_id: nextId }
  return out
}

/** The one record of a `{"task": {...}}` answer, or undefined for any other shape. */
function single(body: MockRecord): [string, MockRecord] | undefined {
  const entries = Object.entries(body)
  const [entry] = entries
  return entries.length === 1 && entry !== undefined && isRecord(entry[1]) ? [entry[0], entry[1]] : undefined
}

/**
 * A record answer carries the id the path asked for (`GET /v2/tasks/42` answers task 42), and a
 * write answers with what was written: fields of the request body that the record has, with the
 * same JSON type, replace the example's, and a sent `lock_version` comes back incremented, as
 * Hubstaff's optimistic locking does. Nothing is stored: the next GET answers the example again.
 */
export function shapeRecord(body: MockRecord, pathId: number | undefined, written: unknown): MockRecord {
  const found = single(body)
  if (found === undefined) return body
  const [key, record] = found
  const out: MockRecord = { ...record }
  if (isRecord(written)) {
    for (const [field, value] of Object.entries(written)) {
      if (field === 'id' || !(field in out)) continue
      const current = out[field]
      const sameType = current === null || (value !== null && Array.isArray(current) === Array.isArray(value) && typeof current === typeof value)
      if (sameType) out[field] = value
    }
    if (typeof written.lock_version === 'number' && typeof record.lock_version === 'number') out.lock_version = written.lock_version + 1
  }
  if (pathId !== undefined && typeof out.id === 'number' && pathId >= 1 && pathId <= Number.MAX_SAFE_INTEGER) out.id = pathId
  return { [key]: out }
}
