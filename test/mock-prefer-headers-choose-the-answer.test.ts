// Without a preference the twin answers from the model. Prism's preferences work as against
// `prism mock`: Prefer: code= and example= pick a documented answer, dynamic=true generates data
// from the schemas with a fixed seed (so runs repeat), and the same preferences work as Prism's
// __code/__example/__dynamic query parameters.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { parseMockPreferences } from '../src/mock/prefer.js'
import { startTestGateway } from './helpers/gateway.js'
import { mockClient, modelIds } from './helpers/mock.js'

void t.test('without a preference, the model answers, the same every time', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const { user_id, task_id } = await modelIds(mock)
  const me = await mock.get('/v2/users/me')
  t.equal(me.status, 200)
  t.match(me.json(), { user: { id: user_id } })
  t.equal(me.headers['preference-applied'], undefined)
  t.same((await mock.get('/v2/users/me')).text, me.text, 'the same answer every time')
  t.match((await mock.get(`/v2/tasks/${task_id}`)).json(), { task: { id: task_id } }, 'a record answers with the id asked for')
  t.equal((await mock.get('/v2/tasks/1')).status, 404, 'a record the model does not hold is 404, as in Hubstaff')
})

void t.test('Prefer: code= answers that status from the spec', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const missing = await mock.get('/v2/tasks/1', { prefer: 'code=404' })
  t.equal(missing.status, 404)
  t.same(missing.json(), { code: 'not_found', error: 'Could not find record', error_code: 12000 })
  t.equal(missing.source, 'mock')
  t.equal(missing.headers['preference-applied'], 'code=404')
  t.equal(missing.headers.vary, 'Prefer', 'caches are told that the answer depends on Prefer')
  const viaQuery = await mock.get('/v2/tasks/1?__code=401')
  t.equal(viaQuery.status, 401, "Prism's __code query parameter")
  t.same(viaQuery.json(), { code: 'unauthorized', error: 'Unauthorized' })
  const both = await mock.get('/v2/tasks/1?__code=401', { prefer: 'code=403' })
  t.equal(both.status, 403, 'a Prefer header wins over the query parameters, as in Prism')
})

/** A spec with named examples (the generated description has none): what `--spec` may bring. */
function specWithExamples(dir: string): string {
  const list = (projects: unknown[], next?: number) => ({ value: { projects, ...(next === undefined ? {} : { pagination: { next_page_start_id: next } }) } })
  const doc = {
    openapi: '3.0.3',
    info: { title: 'projects', version: '1' },
    paths: {
      '/v2/organizations/{organization_id}/projects': {
        get: {
          parameters: [
            { name: 'organization_id', in: 'path', required: true, schema: { type: 'integer' } },
            { name: 'page_limit', in: 'query', schema: { type: 'integer' } },
          ],
          responses: {
            '200': {
              description: 'projects',
              content: { 'application/json': { schema: { type: 'object', properties: { projects: { type: 'array', items: { type: 'object' } } } }, examples: { default: list([{ id: 20001 }, { id: 20002 }]), empty: list([]) } } },
            },
          },
        },
      },
    },
  }
  const file = join(dir, 'examples.json')
  writeFileSync(file, JSON.stringify(doc))
  return file
}

void t.test('Prefer: example= picks a named example of the spec', async (t) => {
  const dir = t.testdir()
  const mock = await mockClient({ stateDir: dir, spec: specWithExamples(dir) })
  const empty = await mock.get('/v2/organizations/1001/projects', { prefer: 'example=empty' })
  t.equal(empty.status, 200)
  t.same(empty.json(), { projects: [] })
  t.equal(empty.headers['preference-applied'], 'example="empty"')
  const quoted = await mock.get('/v2/organizations/1001/projects?page_limit=1', { prefer: 'return=minimal, example="default"; x=1' })
  t.same(quoted.json().pagination, { next_page_start_id: 20002 }, 'quoted values, parameters and other preferences are read as RFC 7240 says')
  const generated = await mockClient({ stateDir: t.testdir() })
  await t.rejects(generated.get('/v2/users/me', { prefer: 'example=empty' }), { code: 'HSG_MOCK_BAD_PREFER' }, 'the generated description names no examples')
})

void t.test('Prefer: dynamic=true generates data from the schemas, the same on every run', async (t) => {
  const one = await mockClient({ stateDir: t.testdir() })
  const two = await mockClient({ stateDir: t.testdir() })
  const url = '/v2/organizations/1001/projects'
  const a = await one.get(url, { prefer: 'dynamic=true' })
  const b = await two.get(url, { prefer: 'dynamic=true' })
  t.equal(a.status, 200)
  t.equal(a.text, b.text, 'a fixed seed: another gateway (another run) answers the same')
  t.not(a.text, (await one.get(url)).text, 'not the static example')
  t.not(a.text, (await one.get(url, { prefer: 'dynamic=true, seed=other' })).text, 'seed= changes the data')
  t.equal((await one.get(url, { prefer: 'dynamic=true, seed=other' })).text, (await two.get(url, { prefer: 'dynamic=true; q=1, seed="other"' })).text)
  t.not((await one.get('/v2/organizations/1002/projects', { prefer: 'dynamic=true' })).text, a.text, 'each request has its own data')
  t.equal((await one.get(`${url}?__dynamic=true`)).text, (await one.get(`${url}?__dynamic=true`)).text, "Prism's __dynamic query parameter")
  const seeded = await mockClient({ stateDir: t.testdir(), seed: 'ci-42' })
  t.not((await seeded.get(url, { prefer: 'dynamic=true' })).text, a.text, 'the terminal takes another default seed')
})

void t.test('a preference the spec cannot meet is a problem, not a guess', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  for (const prefer of ['code=418', 'example=nope', 'code=abc', 'dynamic=maybe', 'seed=', 'example=']) {
    await t.rejects(mock.get('/v2/tasks/1', { prefer }), { code: 'HSG_MOCK_BAD_PREFER', status: 400 }, prefer)
  }
  t.same(parseMockPreferences('wait=5, respond-async', new URLSearchParams('__code=500')), {}, "preferences for others (wait=) are ignored, and a Prefer header turns Prism's query parameters off")
  t.same(parseMockPreferences(['code=200', 'dynamic=false'], new URLSearchParams()), { code: 200, dynamic: false }, 'several Prefer headers')
})

void t.test('through the gateway with its cache on, a preference reaches the mock even when the plain answer is cached', async (t) => {
  const gw = await startTestGateway({ stateDir: t.testdir() })
  t.teardown(() => gw.close())
  const get = async (headers: Record<string, string>) => {
    const res = await request(`${gw.address}/v2/users/me`, { headers })
    await res.body.dump()
    return { status: res.statusCode, source: res.headers['x-gateway-source'], applied: res.headers['preference-applied'] }
  }
  t.match(await get({}), { status: 200, source: 'mock' })
  t.match(await get({}), { status: 200, source: 'cache' })
  t.match(await get({ prefer: 'code=401' }), { status: 401, source: 'mock', applied: 'code=401' })
})
