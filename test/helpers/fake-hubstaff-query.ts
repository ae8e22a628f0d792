// Query strings and parameter validation of the fake Hubstaff, as Rack and Grape do them: errors
// are thrown as ApiError with Hubstaff's envelope (400 invalid_params before 404).
import { DAY_MS, isoDate } from './fake-hubstaff-data.js'

const NOT_FOUND = { code: 'not_found', error: 'Could not find record' }

export type QueryValue = string | string[] | Record<string, string>

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: object,
  ) {
    super(`fake-hubstaff ${status}`)
  }
}
export const invalid = (error: string): ApiError => new ApiError(400, { code: 'invalid_params', error, error_code: 11000 })
export const notFound = (): ApiError => new ApiError(404, NOT_FOUND)
function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

/** Rack-style keys: `a=1`, `a[]=1&a[]=2` (array) and `a[start]=x` (hash). */
export function parseQuery(raw: string): Map<string, QueryValue> {
  const out = new Map<string, QueryValue>()
  for (const part of raw.split('&').filter((p) => p !== '')) {
    const eq = part.indexOf('=')
    const key = decode(eq === -1 ? part : part.slice(0, eq))
    const value = decode(eq === -1 ? '' : part.slice(eq + 1))
    const [, name, sub] = /^([^[\]]+)\[([^[\]]*)\]$/.exec(key) ?? []
    const prev = name === undefined ? undefined : out.get(name)
    if (name === undefined || sub === undefined) out.set(key, value)
    else if (sub === '') out.set(name, Array.isArray(prev) ? [...prev, value] : [value])
    else out.set(name, { ...(typeof prev === 'object' && !Array.isArray(prev) ? prev : {}), [sub]: value })
  }
  return out
}

export class Query {
  constructor(private readonly params: Map<string, QueryValue>) {}
  string(name: string): string | undefined {
    const value = this.params.get(name)
    if (value !== undefined && typeof value !== 'string') throw invalid(`${name} is invalid`)
    return value
  }
  hash(name: string, key: string): string | undefined {
    const value = this.params.get(name)
    return typeof value === 'object' && !Array.isArray(value) ? value[key] : undefined
  }
  /** Real clients send both `ids=1,2` and `ids[]=1&ids[]=2`; both mean the same list. */
  list(name: string): string[] {
    const value = this.params.get(name) ?? []
    const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : Object.values(value)
    return items.flatMap((item) => item.split(',')).filter((item) => item !== '')
  }
  ints(name: string): number[] {
    return this.list(name).map((item) => (/^\d+$/.test(item) ? Number(item) : fail(invalid(`${name} is invalid`))))
  }
  int(name: string): number | undefined {
    const value = this.string(name)
    if (value === undefined) return undefined
    return /^\d+$/.test(value) ? Number(value) : fail(invalid(`${name} is invalid`))
  }
}

export function fail(error: Error): never {
  throw error
}

/** ISO date-time; Ruby reads one without an offset as UTC, so this does too. */
export function timeParam(q: Query, key: string): number {
  const raw = q.hash('time_slot', key) ?? fail(invalid(`time_slot[${key}] is missing`))
  const shape = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/i.exec(raw)
  const ms = Date.parse(shape?.[1] !== undefined && shape[4] === undefined ? `${raw}Z` : raw)
  return shape === null || Number.isNaN(ms) ? fail(invalid(`time_slot[${key}] is invalid`)) : ms
}

/** A `YYYY-MM-DD` date as a day number since the Unix epoch. */
export function dayParam(q: Query, key: string): number {
  const raw = q.hash('date', key) ?? fail(invalid(`date[${key}] is missing`))
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? Date.parse(raw) : NaN
  return Number.isNaN(ms) || isoDate(ms) !== raw ? fail(invalid(`date[${key}] is invalid`)) : ms / DAY_MS
}

