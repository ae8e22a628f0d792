import type { Collection } from './collection.js'
import type { Row } from './dataset.js'

/**
 * Values computed from a collection's rows (a range's rows in id order, daily totals), kept per
 * collection state: walking the pages of one range asks for the same rows again and again, and
 * any write to the collection (a new collection object, or a new generation) starts afresh.
 */
const MEMO_SIZE = 32
const memo = new WeakMap<Collection, { generation: number; entries: Map<string, Row[]> }>()

export function remembered(collection: Collection, key: string, compute: () => Row[]): Row[] {
  let held = memo.get(collection)
  if (held === undefined || held.generation !== collection.generation) {
    held = { generation: collection.generation, entries: new Map() }
    memo.set(collection, held)
  }
  const found = held.entries.get(key)
  if (found !== undefined) return found
  const rows = compute()
  if (held.entries.size >= MEMO_SIZE) held.entries.delete(held.entries.keys().next().value as string)
  held.entries.set(key, rows)
  return rows
}
