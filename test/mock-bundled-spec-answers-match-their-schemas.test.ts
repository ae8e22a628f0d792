// Every GET operation of the bundled spec answers, static and dynamic, a body that validates
// against the operation's own 200 schema: Hubstaff's envelopes, not Prism's placeholders.
import t from 'tap'
import { BUNDLED_SPEC, everyGet, mockClient, readDoc, schemaValidator } from './helpers/mock.js'

const doc = readDoc(BUNDLED_SPEC)
const schemaOf = schemaValidator(doc)
const gets = everyGet(doc)

void t.test('the bundled spec covers what the issue asks for', (t) => {
  const paths = Object.keys(doc.paths)
  for (const wanted of [
    '/v2/users/me',
    '/v2/users/{user_id}',
    '/v2/organizations',
    '/v2/organizations/{organization_id}',
    '/v2/organizations/{organization_id}/members',
    '/v2/organizations/{organization_id}/projects',
    '/v2/projects/{project_id}',
    '/v2/projects/{project_id}/tasks',
    '/v2/tasks/{task_id}',
    '/v2/organizations/{organization_id}/activities',
    '/v2/organizations/{organization_id}/activities/daily',
    '/v2/organizations/{organization_id}/notes',
    '/v2/organizations/{organization_id}/timesheets',
    '/v2/organizations/{organization_id}/job_sites',
    '/v2/organizations/{organization_id}/locations',
  ]) {
    t.ok(paths.includes(wanted), wanted)
  }
  t.same(Object.keys(doc.paths['/v2/tasks/{task_id}'] ?? {}).sort(), ['delete', 'get', 'put'], 'tasks: read, update, delete')
  t.ok(doc.paths['/v2/projects/{project_id}/tasks']?.post, 'tasks: create')
  t.match(doc.openapi, /^3\./, 'OpenAPI 3')
  t.end()
})

for (const dynamic of [false, true]) {
  void t.test(`every GET answers 200 with a body valid against its schema (${dynamic ? 'Prefer: dynamic=true' : 'static examples'})`, async (t) => {
    const mock = await mockClient({ stateDir: t.testdir() })
    t.equal(mock.prepared.source.origin, 'bundled')
    for (const { path, url } of gets) {
      const answer = await mock.get(url, dynamic ? { prefer: 'dynamic=true' } : {})
      t.equal(answer.status, 200, `${url}: 200`)
      t.equal(answer.source, 'mock')
      t.equal(answer.upstreamCalls, 0)
      t.match(answer.headers['content-type'], /^application\/json/)
      const validate = schemaOf(['paths', path, 'get', 'responses', '200', 'content', 'application/json', 'schema'])
      const body = answer.json()
      t.ok(validate(body), `${url} matches its 200 schema`, { errors: validate.errors })
      t.notOk('pagination' in body, `${url}: no pagination without page_limit`)
      const [first] = Object.values(body as Record<string, unknown>)
      if (!dynamic && Array.isArray(first)) t.ok(first.length > 0, `${url}: the static list has records`)
    }
  })
}

void t.test('the spec examples of error answers are Hubstaff error envelopes', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const validate = schemaOf(['components', 'schemas', 'Error'])
  for (const code of [400, 401, 403, 404, 429]) {
    const answer = await mock.get('/v2/tasks/300101', { prefer: `code=${code}` })
    t.equal(answer.status, code)
    t.ok(validate(answer.json()), `${code} is the error envelope`, { body: answer.text })
  }
  const limited = await mock.get('/v2/users/me', { prefer: 'code=429' })
  t.match(limited.headers['retry-after'], /^\d+$/, '429 carries Retry-After in seconds')
})
