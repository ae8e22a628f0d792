// The project's description (src/api) holds every operation of Hubstaff's official Swagger 2.0
// document: the same methods and paths, operationIds, parameters, success answers, and every
// field of every official record with a compatible type. The official document lives beside the
// project (../shared), never in it: without it only the count is checked.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { OPERATIONS, SCHEMAS } from '../src/api/description.js'
import type { JsonSchema, Operation } from '../src/api/types.js'

const OFFICIAL = path.resolve(import.meta.dirname, '../../shared/hubstaff/hubstaff-v2.swagger.json')

interface SwaggerSchema {
  readonly type?: string
  readonly format?: string
  readonly enum?: readonly unknown[]
  readonly items?: SwaggerSchema
  readonly properties?: Record<string, SwaggerSchema>
  readonly required?: readonly string[]
  readonly $ref?: string
}
interface SwaggerParam extends Omit<SwaggerSchema, 'required'> {
  readonly name: string
  readonly in: string
  readonly required?: boolean
  readonly schema?: SwaggerSchema
}
interface SwaggerOperation {
  readonly operationId: string
  readonly parameters?: readonly SwaggerParam[]
  readonly responses: Record<string, { readonly schema?: SwaggerSchema }>
}
interface Swagger {
  readonly paths: Record<string, Record<string, SwaggerOperation>>
  readonly definitions: Record<string, SwaggerSchema>
}

/** The official error envelope is the description's `Error`; every other name is the same. */
const nameOf = (definition: string): string => (definition === 'Hubstaff_Public_V2_Entities_Error' ? 'Error' : definition)
const refName = (ref: string): string => nameOf(ref.replace('#/definitions/', ''))

/**
 * A few official types are not JSON Schema types: `Array[String]` is a list of strings, and `s`
 * (format `g`, a mangled `string`) marks four dates.
 */
function officialType(schema: SwaggerSchema): string | undefined {
  if (schema.type === 'Array[String]') return 'array'
  if (schema.type === 's') return 'string'
  return schema.type
}

/** Where `ours` cannot hold what the official schema says (type, enum, nested fields, refs); empty when compatible. */
function incompatibilities(official: SwaggerSchema, ours: JsonSchema | undefined, at: string): string[] {
  if (ours === undefined) return [`${at}: missing`]
  if (official.$ref !== undefined) return ours.$ref === refName(official.$ref) ? [] : [`${at}: should name ${refName(official.$ref)}, names ${ours.$ref ?? ours.type}`]
  const type = officialType(official)
  const problems: string[] = []
  if (ours.type !== type) problems.push(`${at}: type ${String(ours.type)}, official ${String(type)}`)
  if (type === 'integer' && official.format !== ours.format) problems.push(`${at}: format ${String(ours.format)}, official ${String(official.format)}`)
  if (official.format === 'date' || official.format === 'date-time') {
    if (ours.format !== official.format) problems.push(`${at}: format ${String(ours.format)}, official ${official.format}`)
  }
  // A nullable enum lists null too (OpenAPI 3.0 checks the enum first); the values are the official ones.
  const values = ours.nullable === true ? ours.enum?.filter((v) => v !== null) : ours.enum
  if (official.enum !== undefined && JSON.stringify(values) !== JSON.stringify(official.enum)) problems.push(`${at}: enum ${JSON.stringify(ours.enum)}, official ${JSON.stringify(official.enum)}`)
  if (official.items !== undefined) problems.push(...incompatibilities(official.items, ours.items, `${at}[]`))
  for (const [name, field] of Object.entries(official.properties ?? {})) problems.push(...incompatibilities(field, ours.properties?.[name], `${at}.${name}`))
  return problems
}

void t.test('the description has 138 operations, each method and path once, each id once', (t) => {
  t.equal(OPERATIONS.length, 138)
  t.equal(new Set(OPERATIONS.map((op) => `${op.method} ${op.path}`)).size, 138, 'no method and path twice')
  t.equal(new Set(OPERATIONS.map((op) => op.id)).size, 138, 'no operationId twice')
  t.end()
})

void t.test('against the official document', (t) => {
  if (!existsSync(OFFICIAL)) {
    t.plan(0, `the official document is not here (${OFFICIAL}): nothing to compare with`)
    return
  }
  const swagger = JSON.parse(readFileSync(OFFICIAL, 'utf8')) as Swagger
  const official = new Map<string, SwaggerOperation>()
  for (const [p, methods] of Object.entries(swagger.paths)) for (const [method, op] of Object.entries(methods)) official.set(`${method.toUpperCase()} ${p}`, op)
  const ours = new Map<string, Operation>(OPERATIONS.map((op) => [`${op.method} ${op.path}`, op]))

  t.same([...ours.keys()].sort(), [...official.keys()].sort(), 'the same 138 methods and paths')

  void t.test('operationIds, parameters and request bodies', (t) => {
    for (const [key, theirs] of official) {
      const op = ours.get(key)
      if (op === undefined) continue
      t.equal(op.id, theirs.operationId, `${key}: operationId`)
      const params = (theirs.parameters ?? []).filter((p) => p.in !== 'body')
      const shape = (name: string, where: string, array: boolean, required: boolean): string => `${where} ${name}${array ? '[]' : ''}${required ? ' required' : ''}`
      t.same(
        op.params.map((p) => shape(p.name, p.in, p.schema.type === 'array', p.required === true)).sort(),
        params.map((p) => shape(p.name, p.in, p.type === 'array', p.required === true)).sort(),
        `${key}: parameters (name, place, list or not, required)`,
      )
      for (const p of params) {
        const mine = op.params.find((q) => q.name === p.name)?.schema
        t.same(incompatibilities({ ...p, required: [] }, mine, `${key} ${p.name}`), [], `${key}: ${p.name} has the official type`)
      }
      const body = theirs.parameters?.find((p) => p.in === 'body')
      t.equal(op.body !== undefined, body !== undefined, `${key}: takes a body exactly when the official operation does`)
      if (body?.schema?.$ref !== undefined && op.body?.schema.$ref !== undefined) {
        const definition = swagger.definitions[body.schema.$ref.replace('#/definitions/', '')] ?? {}
        t.same(incompatibilities(definition, SCHEMAS[op.body.schema.$ref], `${key} body`), [], `${key}: the body has every official field`)
      }
    }
    t.end()
  })

  void t.test('success answers: status, envelope key and record, pagination, side-loads', (t) => {
    for (const [key, theirs] of official) {
      const op = ours.get(key)
      if (op === undefined) continue
      const [status = ''] = Object.keys(theirs.responses).filter((s) => s.startsWith('2'))
      t.equal(String(op.ok.status), status, `${key}: answers ${status}`)
      if (status === '204') {
        t.equal(op.ok.kind, 'none', `${key}: no body`)
        continue
      }
      const [envelopeKey, inner] = Object.entries(theirs.responses[status]?.schema?.properties ?? {})[0] ?? []
      if (envelopeKey === undefined || inner === undefined) {
        t.comment(`${key}: the official document gives no answer schema; the description says ${op.ok.kind}`)
        continue
      }
      const list = inner.type === 'array'
      const schema = refName((list ? inner.items?.$ref : inner.$ref) ?? '')
      t.match(op.ok, { kind: list ? 'list' : 'record', key: envelopeKey, schema }, `${key}: {"${envelopeKey}": ${list ? `[${schema}]` : schema}}`)
      if (op.ok.kind !== 'list') continue
      const params = theirs.parameters ?? []
      t.equal(op.ok.paginated, params.some((p) => p.name === 'page_start_id'), `${key}: paginated when it takes page_start_id`)
      const include = params.find((p) => p.name === 'include')?.items?.enum ?? []
      t.same(op.ok.sideloads ?? [], include, `${key}: side-loads are the include= values`)
    }
    t.end()
  })

  void t.test('documented errors: at least the official ones', (t) => {
    for (const [key, theirs] of official) {
      const op = ours.get(key)
      if (op === undefined) continue
      const errors = Object.keys(theirs.responses).filter((s) => !s.startsWith('2')).map(Number)
      t.same(errors.filter((s) => !op.errors.includes(s)), [], `${key}: documents ${errors.join(', ') || 'no errors'}`)
    }
    t.end()
  })

  void t.test('every official record schema, every field, with a compatible type', (t) => {
    for (const [definition, schema] of Object.entries(swagger.definitions)) {
      // Lower-case names are the official request bodies, checked above with their operations.
      if (!/^[A-Z]/.test(definition)) continue
      const name = nameOf(definition)
      const mine = SCHEMAS[name]
      t.ok(mine, `${name} is described`)
      t.same(incompatibilities(schema, mine, name), [], `${name}: every field, compatible`)
      t.same([...(mine?.required ?? [])].sort(), [...(schema.required ?? [])].sort(), `${name}: the same required fields`)
    }
    t.end()
  })
  t.end()
})
