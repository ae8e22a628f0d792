// The official Swagger 2.0 document's record definitions as validators, for checking the twin's
// rows. The document lives beside the project (../shared), never in it: callers skip without it.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv, type ValidateFunction } from 'ajv'
import formats from 'ajv-formats'

export const OFFICIAL_SWAGGER = path.resolve(import.meta.dirname, '../../../shared/hubstaff/hubstaff-v2.swagger.json')
export const NO_OFFICIAL_SWAGGER = existsSync(OFFICIAL_SWAGGER) ? false : `${OFFICIAL_SWAGGER} is absent (it lives beside the project, not in it): skipped`

const JSON_TYPES = new Set(['string', 'integer', 'number', 'boolean', 'array', 'object', 'null'])

/**
 * Swagger 2 definitions become JSON Schema: `#/definitions/X` refs resolve inside one document;
 * the few properties whose `type` is no JSON type are read as what they mean (`"Array[String]"`)
 * or left unchecked (`"s"` with format `"g"`).
 */
function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert)
  if (node === null || typeof node !== 'object') return node
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    if (key === 'x-nullable' || key === 'example') continue
    out[key] = convert(value)
  }
  if (typeof out.type === 'string' && !JSON_TYPES.has(out.type)) {
    if (out.type.startsWith('Array[')) out.type = 'array'
    else delete out.type
    delete out.format
  }
  return out
}

/** A validator per definition name (`Project`, `OrganizationMember`). */
export function officialRecordValidators(): (definition: string) => ValidateFunction | undefined {
  const doc = JSON.parse(readFileSync(OFFICIAL_SWAGGER, 'utf8')) as { definitions: Record<string, unknown> }
  const ajv = new Ajv({ strict: false, allErrors: true })
  // CommonJS seen from ESM: the plugin is the module's `default` export.
  formats.default(ajv)
  ajv.addSchema({ definitions: convert(doc.definitions) }, 'official')
  return (definition) => (doc.definitions[definition] === undefined ? undefined : ajv.getSchema(`official#/definitions/${definition}`))
}

/** A row as an app sees it: the twin's own `_` fields dropped. */
export function publicFields(row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith('_')))
}
