import { parseInstant } from '../api/dates.js'
import type { Row } from './dataset.js'

/**
 * One collection of a world: rows in id order, with the indexes lists ask for built on first use
 * and kept correct through every write, so that a list reads a bucket or a slice instead of
 * scanning the collection. Rows are never changed in place: an update stores a new object, which
 * is what lets a forked world share rows with its parent.
 */

/** A value as text for keys and comparisons: primitives as themselves, anything else as JSON. */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)
}

/** Index keys are strings so that `5` in a row and `"5"` from a query meet. */
type Buckets = Map<string, Row[]>

interface Sorted {
  keys: number[]
  rows: Row[]
}

/** The first index whose id is at least `id` in rows kept in id order. */
export function lowerById(rows: readonly Row[], id: number): number {
  let lo = 0
  let hi = rows.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((rows[mid] as Row).id < id) lo = mid + 1
    else hi = mid
  }
  return lo
}

function lowerByKey(keys: readonly number[], key: number): number {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((keys[mid] as number) < key) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** A field's values as index keys: an array field files its row under each element. */
function keysOf(value: unknown): string[] {
  if (value === undefined || value === null) return []
  // An array holding a value twice files its row under it once.
  if (Array.isArray(value)) return [...new Set(value.filter((v) => v !== null && typeof v !== 'object').map(textOf))]
  return typeof value === 'object' ? [] : [textOf(value)]
}

/** ISO dates and date-times as epoch ms; a date is its UTC midnight. */
export function instantOf(value: unknown): number | undefined {
  return typeof value === 'string' ? parseInstant(value) : undefined
}

function insertById(rows: Row[], row: Row): void {
  const at = lowerById(rows, row.id)
  if (rows[at]?.id === row.id) rows[at] = row
  else rows.splice(at, 0, row)
}

function removeById(rows: Row[], id: number): void {
  const at = lowerById(rows, id)
  if (rows[at]?.id === id) rows.splice(at, 1)
}

export class Collection {
  private readonly byId: Map<number, Row>
  private readonly all: Row[]
  private readonly buckets = new Map<string, Buckets>()
  private readonly sorted = new Map<string, Sorted>()
  private readonly versions: Map<number, number>
  private maxId: number
  /** Bumped by every write: caches of values computed from the rows key on it. */
  generation = 0

  private constructor(all: Row[], byId: Map<number, Row>, versions: Map<number, number>, maxId: number) {
    this.all = all
    this.byId = byId
    this.versions = versions
    this.maxId = maxId
  }

  static of(rows: readonly Row[]): Collection {
    const all = [...rows].sort((a, b) => a.id - b.id)
    const byId = new Map<number, Row>()
    for (const row of all) byId.set(row.id, row)
    if (byId.size !== all.length) throw new Error('Two records of one collection share an id.')
    return new Collection(all, byId, new Map(), all.at(-1)?.id ?? 0)
  }

  /** A copy a forked world can write; the rows themselves are shared, indexes are copied as they are. */
  clone(): Collection {
    const copy = new Collection([...this.all], new Map(this.byId), new Map(this.versions), this.maxId)
    for (const [field, index] of this.buckets) {
      const buckets: Buckets = new Map()
      for (const [key, rows] of index) buckets.set(key, [...rows])
      copy.buckets.set(field, buckets)
    }
    for (const [field, index] of this.sorted) copy.sorted.set(field, { keys: [...index.keys], rows: [...index.rows] })
    copy.generation = this.generation
    return copy
  }

  get size(): number {
    return this.all.length
  }

  get(id: number): Row | undefined {
    return this.byId.get(id)
  }

  /** Every row in id order; the array is the collection's own, not to be changed. */
  rows(): readonly Row[] {
    return this.all
  }

  version(id: number): number {
    return this.versions.get(id) ?? 0
  }

  /** A fresh id above every id this collection ever held, so a deleted id is never handed out again. */
  allocateId(): number {
    this.maxId += 1
    return this.maxId
  }

  /** The rows whose `field` equals (or, for an array field, holds) `value`, in id order. */
  bucket(field: string, value: unknown): readonly Row[] {
    return this.bucketsOf(field).get(String(value)) ?? []
  }

  /** How many rows `span` would give. */
  spanSize(field: string, lo: number, hi: number): number {
    const index = this.sortedOf(field)
    return lowerByKey(index.keys, hi) - lowerByKey(index.keys, lo)
  }

  /** The rows whose `field`, read as a date or date-time, lies in [lo, hi), in that field's order. */
  span(field: string, lo: number, hi: number): readonly Row[] {
    const index = this.sortedOf(field)
    return index.rows.slice(lowerByKey(index.keys, lo), lowerByKey(index.keys, hi))
  }

  /** Every row with a readable `field`, oldest first: "the latest" questions walk it from the end. */
  byInstant(field: string): readonly Row[] {
    return this.sortedOf(field).rows
  }

  insert(row: Row): void {
    if (this.byId.has(row.id)) throw new Error(`Record ${row.id} exists already.`)
    this.maxId = Math.max(this.maxId, row.id)
    this.byId.set(row.id, row)
    insertById(this.all, row)
    for (const [field, index] of this.buckets) for (const key of keysOf(row[field])) this.file(index, key, row)
    for (const [field, index] of this.sorted) this.place(index, field, row)
    this.generation++
  }

  replace(row: Row): void {
    const old = this.byId.get(row.id)
    if (old === undefined) throw new Error(`Record ${row.id} does not exist.`)
    this.byId.set(row.id, row)
    insertById(this.all, row)
    for (const [field, index] of this.buckets) {
      for (const key of keysOf(old[field])) {
        const rows = index.get(key)
        if (rows !== undefined) removeById(rows, row.id)
      }
      for (const key of keysOf(row[field])) this.file(index, key, row)
    }
    for (const [field, index] of this.sorted) {
      this.unplace(index, field, old)
      this.place(index, field, row)
    }
    this.versions.set(row.id, this.version(row.id) + 1)
    this.generation++
  }

  remove(id: number): Row | undefined {
    const old = this.byId.get(id)
    if (old === undefined) return undefined
    this.byId.delete(id)
    removeById(this.all, id)
    for (const [field, index] of this.buckets) {
      for (const key of keysOf(old[field])) {
        const rows = index.get(key)
        if (rows !== undefined) removeById(rows, id)
      }
    }
    for (const [field, index] of this.sorted) this.unplace(index, field, old)
    this.versions.delete(id)
    this.generation++
    return old
  }

  private file(index: Buckets, key: string, row: Row): void {
    const rows = index.get(key)
    if (rows === undefined) index.set(key, [row])
    else insertById(rows, row)
  }

  private place(index: Sorted, field: string, row: Row): void {
    const key = instantOf(row[field])
    if (key === undefined) return
    // Equal keys stay in id order, so a slice of the index is stable from one request to the next.
    let at = lowerByKey(index.keys, key)
    while (at < index.keys.length && index.keys[at] === key && (index.rows[at] as Row).id < row.id) at++
    index.keys.splice(at, 0, key)
    index.rows.splice(at, 0, row)
  }

  private unplace(index: Sorted, field: string, row: Row): void {
    const key = instantOf(row[field])
    if (key === undefined) return
    for (let at = lowerByKey(index.keys, key); at < index.keys.length && index.keys[at] === key; at++) {
      if ((index.rows[at] as Row).id === row.id) {
        index.keys.splice(at, 1)
        index.rows.splice(at, 1)
        return
      }
    }
  }

  private bucketsOf(field: string): Buckets {
    let index = this.buckets.get(field)
    if (index === undefined) {
      index = new Map()
      // Rows are visited in id order, so every bucket is born sorted.
      for (const row of this.all) {
        for (const key of keysOf(row[field])) {
          const rows = index.get(key)
          if (rows === undefined) index.set(key, [row])
          else rows.push(row)
        }
      }
      this.buckets.set(field, index)
    }
    return index
  }

  private sortedOf(field: string): Sorted {
    let index = this.sorted.get(field)
    if (index === undefined) {
      const pairs: { key: number; row: Row }[] = []
      for (const row of this.all) {
        const key = instantOf(row[field])
        if (key !== undefined) pairs.push({ key, row })
      }
      pairs.sort((a, b) => a.key - b.key || a.row.id - b.row.id)
      index = { keys: pairs.map((p) => p.key), rows: pairs.map((p) => p.row) }
      this.sorted.set(field, index)
    }
    return index
  }
}
