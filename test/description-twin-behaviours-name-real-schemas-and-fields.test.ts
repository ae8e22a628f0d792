// How the twin answers each operation is part of the description, and the generator and the
// engine take its names at their word: every collection is a record schema, every scope links a
// path parameter to a field that exists (or to the internal `_<param>` link when the record shows
// none), every id parameter is in the path, and every schema the description names exists.
import t from 'tap'
import { OPERATIONS, SCHEMAS, SIDELOAD_SCHEMAS } from '../src/api/description.js'
import type { JsonSchema, Operation } from '../src/api/types.js'

const pathParams = (op: Operation): string[] => op.params.filter((p) => p.in === 'path').map((p) => p.name)

void t.test('collections and scopes name schemas and fields that exist', (t) => {
  for (const op of OPERATIONS) {
    const where = `${op.method} ${op.path}`
    const twin = op.twin
    if (twin.kind === 'custom') {
      t.match(twin.name, /^[a-z_]+(\.[a-z_]+)?$/, `${where}: custom handler ${twin.name}`)
      continue
    }
    const schema = SCHEMAS[twin.collection]
    t.ok(schema?.properties, `${where}: collection ${twin.collection} is a record schema`)
    if ('idParam' in twin) t.ok(pathParams(op).includes(twin.idParam), `${where}: ${twin.idParam} is a path parameter`)
    if ((twin.kind === 'list' || twin.kind === 'get' || twin.kind === 'create') && twin.scope !== undefined) {
      const { param, field } = twin.scope
      t.ok(pathParams(op).includes(param), `${where}: scope parameter ${param} is in the path`)
      // A link the record shows as a number is the scope itself; text (TeamPayment's organization_id) is not.
      const shown = schema?.properties?.[param]?.type === 'integer'
      t.equal(field, shown ? param : `_${param}`, `${where}: scope field ${field} (${twin.collection} ${shown ? 'shows' : 'does not show'} ${param})`)
      if (!field.startsWith('_')) t.ok(schema?.properties?.[field], `${where}: ${field} is a field of ${twin.collection}`)
    }
    if (twin.kind === 'delete' && twin.archive !== undefined) t.ok(schema?.properties?.[twin.archive.field], `${where}: archives through ${twin.archive.field}`)
    if (op.ok.kind === 'record' || op.ok.kind === 'list') t.equal(twin.collection, op.ok.schema, `${where}: the twin's collection is the record it answers`)
  }
  t.end()
})

void t.test('a nested list, get or create is scoped by its parent', (t) => {
  for (const op of OPERATIONS) {
    const twin = op.twin
    if (twin.kind !== 'list' && twin.kind !== 'get' && twin.kind !== 'create') continue
    const parents = pathParams(op).filter((p) => !('idParam' in twin) || p !== twin.idParam)
    t.equal(twin.scope?.param, parents.at(-1), `${op.method} ${op.path}: scoped by ${parents.at(-1) ?? 'nothing'}`)
  }
  t.end()
})

void t.test('every schema the description names exists', (t) => {
  const missing = new Set<string>()
  const walk = (schema: JsonSchema | undefined, where: string): void => {
    if (schema === undefined) return
    if (schema.$ref !== undefined && SCHEMAS[schema.$ref] === undefined) missing.add(`${where} → ${schema.$ref}`)
    walk(schema.items, `${where}[]`)
    for (const [name, field] of Object.entries(schema.properties ?? {})) walk(field, `${where}.${name}`)
    if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, `${where}{}`)
  }
  for (const [name, schema] of Object.entries(SCHEMAS)) walk(schema, name)
  for (const op of OPERATIONS) {
    walk(op.body?.schema, `${op.id} body`)
    if (op.ok.kind === 'other') walk(op.ok.schema, `${op.id} answer`)
    if ((op.ok.kind === 'record' || op.ok.kind === 'list') && SCHEMAS[op.ok.schema] === undefined) missing.add(`${op.id} answer → ${op.ok.schema}`)
    for (const p of op.params) walk(p.schema, `${op.id} ${p.name}`)
  }
  for (const [include, schema] of Object.entries(SIDELOAD_SCHEMAS)) if (SCHEMAS[schema] === undefined) missing.add(`include=${include} → ${schema}`)
  t.same([...missing], [], 'no dangling schema names')
  t.ok(SCHEMAS.Error?.properties?.code && SCHEMAS.Error.properties.error && SCHEMAS.Error.properties.error_code, 'Error: code, error, error_code')
  t.end()
})

void t.test('a member password is accepted and never shown', (t) => {
  const user = SCHEMAS.NewOrganizationMember?.properties?.user
  t.equal(user?.properties?.password?.writeOnly, true)
  for (const [name, schema] of Object.entries(SCHEMAS)) t.notOk(schema.properties?.password, `${name} shows no password`)
  t.end()
})
