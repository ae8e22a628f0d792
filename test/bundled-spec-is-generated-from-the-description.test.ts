// spec/hubstaff-v2.openapi.json is what `npm run spec:generate` writes from the description, byte
// for byte, so the served /v2/docs, Prism's answers and the twin can never drift apart; and that
// document is a valid OpenAPI 3.0 one: Prism reads all 138 operations, every schema compiles.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { getHttpOperationsFromSpec } from '@stoplight/prism-http'
import { Ajv } from 'ajv'
import formats from 'ajv-formats'
import t from 'tap'
import { OPERATIONS } from '../src/api/description.js'
import { openApiDocument } from '../src/api/openapi.js'

const BUNDLED = fileURLToPath(new URL('../spec/hubstaff-v2.openapi.json', import.meta.url))

interface Doc {
  openapi: string
  paths: Record<string, Record<string, { operationId: string; parameters: { name: string; in: string }[]; responses: Record<string, { $ref?: string; description?: string; content?: Record<string, { schema: unknown }> }> }>>
  components: { schemas: Record<string, unknown>; responses: Record<string, { content: Record<string, { schema: unknown; example: unknown }> }> }
}

void t.test('the bundled spec is exactly what spec:generate writes', (t) => {
  const written = readFileSync(BUNDLED, 'utf8')
  t.equal(written, JSON.stringify(openApiDocument(), null, 2) + '\n', 'run `npm run spec:generate` after changing src/api')
  t.same(openApiDocument(), openApiDocument(), 'generating twice gives the same document')
  t.end()
})

void t.test('Prism reads every operation of the generated document', async (t) => {
  const operations = await getHttpOperationsFromSpec(openApiDocument())
  t.equal(operations.length, 138)
  t.same(operations.map((op) => `${op.method.toUpperCase()} ${op.path}`).sort(), OPERATIONS.map((op) => `${op.method} ${op.path}`).sort())
})

void t.test('the generated document is well formed OpenAPI 3.0', (t) => {
  const doc = openApiDocument() as Doc
  t.equal(doc.openapi, '3.0.3')
  const ajv = new Ajv({ strict: false, allErrors: true })
  formats.default(ajv)
  ajv.addSchema(doc, 'doc')
  const at = (...pointer: string[]): string => 'doc#/' + pointer.map((p) => encodeURIComponent(p.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/')
  for (const name of Object.keys(doc.components.schemas)) {
    t.doesNotThrow(() => ajv.getSchema(at('components', 'schemas', name)), `schema ${name} compiles, its $refs resolve`)
  }
  for (const [path, methods] of Object.entries(doc.paths)) {
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])
    for (const [method, op] of Object.entries(methods)) {
      const where = `${method.toUpperCase()} ${path}`
      t.same(op.parameters.filter((p) => p.in === 'path').map((p) => p.name).sort(), [...templated].sort(), `${where}: declares each path parameter`)
      for (const [status, answer] of Object.entries(op.responses)) {
        t.ok(answer.$ref !== undefined || typeof answer.description === 'string', `${where} ${status}: has a description`)
        if (answer.content === undefined) continue
        t.doesNotThrow(() => ajv.getSchema(at('paths', path, method, 'responses', status, 'content', 'application/json', 'schema')), `${where} ${status}: schema compiles`)
      }
    }
  }
  t.end()
})

void t.test('error answers are Error envelopes, with examples that fit', (t) => {
  const doc = openApiDocument() as Doc
  const ajv = new Ajv({ strict: false, allErrors: true })
  formats.default(ajv)
  ajv.addSchema(doc, 'doc')
  const validate = ajv.getSchema('doc#/components/schemas/Error')
  if (validate === undefined) throw new Error('no Error schema')
  for (const [name, response] of Object.entries(doc.components.responses)) {
    const content = response.content['application/json']
    t.same(content?.schema, { $ref: '#/components/schemas/Error' }, `${name}: the Error schema`)
    t.ok(validate(content?.example), `${name}: its example is an Error`, { errors: validate.errors })
  }
  t.end()
})

void t.test('a list answer carries its records, its side-loads and pagination', (t) => {
  const doc = openApiDocument() as Doc
  const schema = doc.paths['/v2/organizations/{organization_id}/activities']?.get?.responses['200']?.content?.['application/json']?.schema
  t.match(schema, {
    required: ['activities'],
    properties: {
      activities: { type: 'array', items: { $ref: '#/components/schemas/Activity' } },
      users: { type: 'array', items: { $ref: '#/components/schemas/User' } },
      projects: { type: 'array', items: { $ref: '#/components/schemas/Project' } },
      tasks: { type: 'array', items: { $ref: '#/components/schemas/Task' } },
      pagination: { $ref: '#/components/schemas/Pagination' },
    },
  })
  t.end()
})
