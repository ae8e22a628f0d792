// Which spec the mock serves: --spec (file, YAML file or URL) first, then the official copy cached
// in <state-dir>/spec/, then the bundled spec; a damaged cached copy costs a warning, not the
// mock. GET /v2/docs answers the spec in use, byte for byte. The probe is a path the twin does not
// cover, so Prism answers it from the spec in use.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { request } from 'undici'
import { cachedSpecPath } from '../src/mock/spec-source.js'
import { startTestGateway, type TestGateway } from './helpers/gateway.js'
import { BUNDLED_SPEC } from './helpers/mock.js'

/** A one-operation Swagger 2.0 document whose answer says where it came from. */
function swagger(name: string): string {
  return JSON.stringify({
    swagger: '2.0',
    info: { title: name, version: '1' },
    produces: ['application/json'],
    paths: {
      '/v2/spec_source': {
        get: {
          responses: {
            '200': { description: 'me', schema: { type: 'object', properties: { user: { type: 'object', properties: { name: { type: 'string' } } } } }, examples: { 'application/json': { user: { name } } } },
          },
        },
      },
    },
  })
}

const YAML = `openapi: 3.0.3
info: { title: yaml, version: '1' }
paths:
  /v2/spec_source:
    get:
      responses:
        '200':
          description: me
          content:
            application/json:
              example: { user: { name: from-yaml } }
`

async function serving(t: Test, gw: TestGateway): Promise<{ name: unknown; docs: string; docsType: unknown; status: Record<string, unknown> }> {
  t.teardown(() => gw.close())
  const me = await request(`${gw.address}/v2/spec_source`)
  const docs = await request(`${gw.address}/v2/docs`)
  const status = (await (await request(`${gw.address}/_gateway/status`)).body.json()) as Record<string, unknown>
  t.equal(docs.headers['x-gateway-source'], 'mock')
  const answer = (await me.body.json()) as { user?: { name: unknown }; code?: string }
  return { name: answer.user?.name ?? answer.code, docs: await docs.body.text(), docsType: docs.headers['content-type'], status }
}

void t.test('with nothing else, the bundled spec', async (t) => {
  const gw = await startTestGateway({ stateDir: t.testdir() })
  const got = await serving(t, gw)
  t.equal(got.name, 'HSG_MOCK_NO_ROUTE', 'the generated description has no such path')
  t.equal(got.docs, readFileSync(BUNDLED_SPEC, 'utf8'), '/v2/docs is the bundled spec')
  t.match(got.docsType, /^application\/json/)
  t.match(got.status, { mode: 'mock', mock: { specSource: 'bundled', spec: BUNDLED_SPEC } })
  t.ok(gw.logRecords().some((r) => r.msg === 'mock spec loaded' && r.specSource === 'bundled'), 'the log names the spec')
})

void t.test('a cached official copy wins over the bundled spec', async (t) => {
  const stateDir = t.testdir()
  mkdirSync(join(stateDir, 'spec'))
  writeFileSync(cachedSpecPath(stateDir), swagger('from-cache'))
  const got = await serving(t, await startTestGateway({ stateDir }))
  t.equal(got.name, 'from-cache')
  t.equal(got.docs, swagger('from-cache'))
  t.match(got.status, { mock: { specSource: 'cached', operations: 1 } })
})

void t.test('--spec wins over the cached copy; YAML works', async (t) => {
  const stateDir = t.testdir({ 'mine.json': swagger('from-flag'), 'mine.yaml': YAML })
  mkdirSync(join(stateDir, 'spec'))
  writeFileSync(cachedSpecPath(stateDir), swagger('from-cache'))
  t.equal((await serving(t, await startTestGateway({ stateDir, spec: join(stateDir, 'mine.json') }))).name, 'from-flag')
  const yaml = await serving(t, await startTestGateway({ stateDir, spec: join(stateDir, 'mine.yaml') }))
  t.equal(yaml.name, 'from-yaml')
  t.equal(yaml.docs, YAML)
  t.match(yaml.docsType, /^application\/yaml/)
})

void t.test('--spec may be a URL', async (t) => {
  const server = createServer((req, res) => {
    if (req.url === '/v2/docs') res.writeHead(200, { 'content-type': 'application/json' }).end(swagger('from-url'))
    else res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/docs`
  const got = await serving(t, await startTestGateway({ stateDir: t.testdir(), spec: url }))
  t.equal(got.name, 'from-url')
  t.match(got.status, { mock: { specSource: 'flag', spec: url } })
  await t.rejects(startTestGateway({ stateDir: t.testdir(), spec: url.replace('/v2/docs', '/missing') }), { code: 'HSG_CONFIG_INVALID', message: /answered HTTP 404/ })
})

void t.test('a damaged cached copy costs a warning, and the bundled spec serves', async (t) => {
  for (const damage of ['{"swagger": "2.0", "paths": ', '', '{"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {}}']) {
    const stateDir = t.testdir()
    mkdirSync(join(stateDir, 'spec'))
    writeFileSync(cachedSpecPath(stateDir), damage)
    const gw = await startTestGateway({ stateDir })
    const got = await serving(t, gw)
    t.equal(got.name, 'HSG_MOCK_NO_ROUTE', JSON.stringify(damage))
    t.match(got.status, { mock: { specSource: 'bundled' } })
    t.ok(
      gw.logRecords().some((r) => r.level === 40 && r.msg === 'cached Hubstaff spec unusable; the mock uses the bundled spec' && r.spec === cachedSpecPath(stateDir)),
      'a warning names the cached file',
    )
  }
})
