import type { JsonSchema } from '../api/types.js'

/** Record and request-body schemas by name, as `src/api/description.ts` holds them. */
export type Schemas = Readonly<Record<string, JsonSchema>>

/** `#/components/schemas/User` and `User` name the same schema. */
export function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1)
}

export function resolve(schema: JsonSchema | undefined, schemas: Schemas): JsonSchema | undefined {
  let current = schema
  for (let hops = 0; current?.$ref !== undefined && hops < 8; hops++) current = schemas[refName(current.$ref)]
  return current
}

/** `OrganizationMember` → `organization_member`. */
export function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
}

/** `time_off_policy` → `TimeOffPolicy`. */
export function pascal(name: string): string {
  return name.split('_').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('')
}

/** English plurals as Hubstaff's keys spell them: `activities`, `statuses`, `users`. */
export function singular(name: string): string {
  if (name.endsWith('ies')) return `${name.slice(0, -3)}y`
  if (/(ss|us|x|ch|sh)es$/.test(name)) return name.slice(0, -2)
  if (name.endsWith('s') && !name.endsWith('ss')) return name.slice(0, -1)
  return name
}

/** Whether a value has the JSON type a schema names (any value, where it names none). */
export function fits(schema: JsonSchema, value: unknown): boolean {
  switch (schema.type) {
    case 'string':
      return typeof value === 'string'
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value)
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'boolean':
      return typeof value === 'boolean'
    case 'array':
      return Array.isArray(value)
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
    default:
      return true
  }
}

/**
 * The first way `value` breaks `schema`, worded as Hubstaff's parameter validation words it
 * (`summary is missing`, `status does not have a valid value`), or undefined. The description's
 * schemas use a small subset of JSON Schema, and Hubstaff's messages name the parameter the way
 * only a walk that knows the path can.
 */
export function violation(schema: JsonSchema | undefined, value: unknown, path: string, schemas: Schemas): string | undefined {
  const s = resolve(schema, schemas)
  if (s === undefined) return undefined
  const name = path === '' ? 'body' : path
  if (value === null) return s.nullable === true || s.type === undefined ? undefined : `${name} is invalid`
  if (!fits(s, value)) return `${name} is invalid`
  if (s.enum !== undefined && !s.enum.includes(value as string | number)) return `${name} does not have a valid value`
  if (typeof value === 'number') {
    if (s.minimum !== undefined && value < s.minimum) return `${name} must be at least ${s.minimum}`
    if (s.maximum !== undefined && value > s.maximum) return `${name} must be at most ${s.maximum}`
  }
  if (typeof value === 'string') {
    if (s.minLength !== undefined && value.length < s.minLength) return `${name} is too short`
    if (s.maxLength !== undefined && value.length > s.maxLength) return `${name} is too long`
    if (s.format === 'date-time' && Number.isNaN(Date.parse(value))) return `${name} is invalid`
    if (s.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${name} is invalid`
  }
  if (Array.isArray(value) && s.items !== undefined) {
    for (let i = 0; i < value.length; i++) {
      const found = violation(s.items, value[i], `${path}[${i}]`, schemas)
      if (found !== undefined) return found
    }
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>
    const inner = (key: string): string => (path === '' ? key : `${path}[${key}]`)
    for (const key of s.required ?? []) if (record[key] === undefined) return `${inner(key)} is missing`
    for (const [key, property] of Object.entries(s.properties ?? {})) {
      if (record[key] === undefined) continue
      const found = violation(property, record[key], inner(key), schemas)
      if (found !== undefined) return found
    }
  }
  return undefined
}
