import { parseDate, parseDateTime } from '../../api/dates.js'
import { SCHEMAS } from '../../api/description.js'
import type { Row } from '../dataset.js'
import { generateDataset } from './index.js'

export type Kind = 'integer' | 'number' | 'string' | 'date' | 'date-time' | 'boolean' | 'array' | 'object'

/** What a collection's records look like: each field's kind and a plausible value of it. */
export interface Shape {
  readonly kinds: ReadonlyMap<string, Kind>
  /** An example value of each field the description requires of such a record (the ones it cannot leave out). */
  readonly examples: ReadonlyMap<string, unknown>
}

const DATE = /^\d{4}-\d{2}-\d{2}$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/

export function kindOf(field: string, value: unknown): Kind | undefined {
  if (typeof value === 'number') return field === 'id' || field.endsWith('_id') ? 'integer' : 'number'
  if (typeof value === 'boolean') return 'boolean'
  if (typeof value === 'string') return DATE.test(value) ? 'date' : DATE_TIME.test(value) ? 'date-time' : 'string'
  if (Array.isArray(value)) return 'array'
  if (value !== null && typeof value === 'object') return 'object'
  return undefined
}

/** Whether `value` is of `kind` (dates must also be real dates). */
export function isKind(kind: Kind, value: unknown): boolean {
  switch (kind) {
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value)
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    // As Hubstaff reads them: a real calendar date (no 30 February), a date-time with its time.
    case 'date':
      return typeof value === 'string' && parseDate(value) !== undefined
    case 'date-time':
      return typeof value === 'string' && value.includes('T') && parseDateTime(value) !== undefined
    case 'string':
      return typeof value === 'string'
    case 'boolean':
      return typeof value === 'boolean'
    case 'array':
      return Array.isArray(value)
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value)
  }
}

let cached: { day: number; shapes: ReadonlyMap<string, Shape> } | undefined

/**
 * The shapes of every collection, read off a generated dataset (so they cannot drift from what the
 * generator makes). Made once per day of `now`: the example dates stay recent.
 */
export function shapes(now: number): ReadonlyMap<string, Shape> {
  const day = Math.floor(now / 86_400_000)
  if (cached?.day === day) return cached.shapes
  const dataset = generateDataset({ seed: 'shapes', size: 'small', now: day * 86_400_000 + 43_200_000 })
  const out = new Map<string, Shape>()
  for (const [name, rows] of Object.entries(dataset.collections)) out.set(name, shapeOf(rows, new Set(SCHEMAS[name]?.required ?? [])))
  cached = { day, shapes: out }
  return out
}

function shapeOf(rows: readonly Row[], required: ReadonlySet<string>): Shape {
  const kinds = new Map<string, Kind>()
  const examples = new Map<string, unknown>()
  for (const row of rows.slice(0, 200)) {
    for (const [field, value] of Object.entries(row)) {
      if (field.startsWith('_') || kinds.has(field)) continue
      const kind = kindOf(field, value)
      if (kind === undefined) continue
      kinds.set(field, kind)
      if (required.has(field)) examples.set(field, value)
    }
  }
  return { kinds, examples }
}
