import type { JsonSchema } from '../types.js'

/**
 * Builders that keep the schema files close to a table of fields. Record schemas are closed
 * (`additionalProperties: false`) so that an answer leaking one of the twin's internal `_` fields,
 * or a field Hubstaff never shows, fails validation instead of passing unnoticed.
 */

type Extra = Omit<JsonSchema, 'type' | 'format' | 'items' | 'properties' | 'required' | '$ref'>

export const str = (extra: Extra = {}): JsonSchema => ({ type: 'string', ...extra })
/** Hubstaff's record ids and counters: 64-bit in answers. */
export const int = (extra: Extra = {}): JsonSchema => ({ type: 'integer', format: 'int64', ...extra })
export const int32 = (extra: Extra = {}): JsonSchema => ({ type: 'integer', format: 'int32', ...extra })
export const float = (extra: Extra = {}): JsonSchema => ({ type: 'number', format: 'float', ...extra })
export const double = (extra: Extra = {}): JsonSchema => ({ type: 'number', format: 'double', ...extra })
export const num = (extra: Extra = {}): JsonSchema => ({ type: 'number', ...extra })
export const bool = (extra: Extra = {}): JsonSchema => ({ type: 'boolean', ...extra })
export const date = (extra: Extra = {}): JsonSchema => ({ type: 'string', format: 'date', ...extra })
export const dateTime = (extra: Extra = {}): JsonSchema => ({ type: 'string', format: 'date-time', ...extra })
export const uri = (extra: Extra = {}): JsonSchema => ({ type: 'string', format: 'uri', ...extra })
export const oneOf = (values: readonly string[], extra: Extra = {}): JsonSchema => ({ type: 'string', enum: values, ...extra })
export const arr = (items: JsonSchema, extra: Extra = {}): JsonSchema => ({ type: 'array', items, ...extra })
export const ref = (name: string): JsonSchema => ({ $ref: name })
/** A free-form object (`metadata`, a rule's `target`): Hubstaff documents no fields for it. */
export const anyObject = (): JsonSchema => ({ type: 'object' })

const optional = new WeakSet<JsonSchema>()

/**
 * A field a record may leave out. Hubstaff's serializers write an absent value as `null`, so an
 * optional field is nullable too.
 */
export function opt(schema: JsonSchema): JsonSchema {
  const copy: JsonSchema = schema.$ref === undefined ? nullable(schema) : { ...schema }
  optional.add(copy)
  return copy
}

/** A field always present, yet `null` when there is nothing to show (an activity without a task). */
export const orNull = (schema: JsonSchema): JsonSchema => nullable(schema)

/** OpenAPI 3.0 checks `enum` before `nullable`: a nullable enum must list null itself. */
function nullable(schema: JsonSchema): JsonSchema {
  return schema.enum === undefined || schema.enum.includes(null) ? { ...schema, nullable: true } : { ...schema, nullable: true, enum: [...schema.enum, null] }
}

/** A field accepted in a request and never shown in an answer. */
export const writeOnly = (schema: JsonSchema): JsonSchema => ({ ...schema, writeOnly: true })

/** A record (or a fixed part of one): every field is required unless wrapped in `opt()`. */
export function obj(properties: Readonly<Record<string, JsonSchema>>): JsonSchema {
  const required = Object.keys(properties).filter((name) => !optional.has(properties[name] as JsonSchema))
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false }
}

/** A request body: only the fields named in `required` must be sent; unknown fields are ignored, as Hubstaff does. */
export function partial(properties: Readonly<Record<string, JsonSchema>>, required: readonly string[] = []): JsonSchema {
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) }
}

/** How every `update_metadata` and create body sends metadata: a list of key/value pairs. */
/** Hubstaff reads a `null` value as "remove this key". */
export const metadataEntries = arr(partial({ key: str(), value: orNull(str()) }, ['key', 'value']))
