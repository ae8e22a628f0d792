import { textOf } from '../collection.js'
import type { Row } from '../dataset.js'

/**
 * Daily totals drawn from the rows they total (daily activities from activities, daily tool
 * usages from tool usages), so that a daily figure always equals the sum of its slots. A total's
 * id is the smallest id among its rows: stable while those rows stand, unique, and in the same
 * order as the rows it totals.
 */

export interface Totals {
  /** The fields that make one total: user, project, task, date ... */
  readonly by: readonly string[]
  /** Summed as they are. */
  readonly sums: readonly string[]
  /** Summed as `tracked` where the row's `when` holds (billable seconds, manual seconds). */
  readonly tracked?: Readonly<Record<string, (row: Row) => boolean>>
}

export function total(rows: readonly Row[], spec: Totals): Row[] {
  const groups = new Map<string, Record<string, unknown> & { id: number }>()
  for (const row of rows) {
    let key = ''
    for (const field of spec.by) key += `${textOf(row[field] ?? null)}|`
    let group = groups.get(key)
    if (group === undefined) {
      group = { id: row.id }
      for (const field of spec.by) group[field] = row[field] ?? null
      for (const field of spec.sums) group[field] = 0
      for (const field of Object.keys(spec.tracked ?? {})) group[field] = 0
      group.created_at = row.created_at
      group.updated_at = row.updated_at
      groups.set(key, group)
    }
    if (row.id < group.id) group.id = row.id
    for (const field of spec.sums) group[field] = (group[field] as number) + (typeof row[field] === 'number' ? row[field] : 0)
    const tracked = typeof row.tracked === 'number' ? row.tracked : 0
    for (const [field, when] of Object.entries(spec.tracked ?? {})) if (when(row)) group[field] = (group[field] as number) + tracked
    if (textOf(row.created_at) < textOf(group.created_at)) group.created_at = row.created_at
    if (textOf(row.updated_at) > textOf(group.updated_at)) group.updated_at = row.updated_at
  }
  return [...groups.values()].sort((a, b) => a.id - b.id)
}
