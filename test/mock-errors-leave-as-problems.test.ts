// What the mock cannot answer from its spec leaves as the gateway's own problem+json with an
// HSG_MOCK_* code and X-Gateway-Source: gateway, so an app can tell it from an answer of the API.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { startTestGateway } from './helpers/gateway.js'

const SPEC = {
  openapi: '3.0.3',
  info: { title: 'problems', version: '1' },
  paths: {
    '/v2/strict': {
      get: {
        parameters: [{ name: 'n', in: 'query', required: true, schema: { type: 'integer' } }],
        responses: { '200': { description: 'ok', content: { 'application/json': { example: { ok: true } } } } },
      },
    },
    '/v2/silent': { get: { responses: {} } },
  },
}

void t.test('the mock speaks problem+json for what its spec cannot answer', async (t) => {
  const dir = t.testdir()
  const spec = join(dir, 'problems.json')
  writeFileSync(spec, JSON.stringify(SPEC))
  const gw = await startTestGateway({ mode: 'mock', spec, stateDir: dir, cache: 'off' })
  t.teardown(() => gw.close())
  const get = async (path: string, headers: Record<string, string> = {}, method = 'GET') => {
    const res = await request(`${gw.address}${path}`, { method: method as 'GET', headers })
    return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Record<string, unknown> }
  }

  const fine = await get('/v2/strict?n=1')
  t.equal(fine.status, 200)
  t.equal(fine.headers['x-gateway-source'], 'mock')
  t.same(fine.body, { ok: true })

  const unknown = await get('/v2/elsewhere')
  t.equal(unknown.status, 404)
  t.match(unknown.headers['content-type'], /^application\/problem\+json/)
  t.equal(unknown.headers['x-gateway-source'], 'gateway')
  t.match(unknown.body, { code: 'HSG_MOCK_NO_ROUTE', status: 404, detail: /problems\.json/ })

  const method = await get('/v2/strict?n=1', {}, 'DELETE')
  t.equal(method.status, 405)
  t.equal(method.headers.allow, 'GET')
  t.match(method.body, { code: 'HSG_MOCK_NO_ROUTE', status: 405 })

  const invalid = await get('/v2/strict?n=many')
  t.equal(invalid.status, 422, "the spec has no 400 or 422 answer: Prism's own verdict")
  t.match(invalid.body, { code: 'HSG_MOCK_REQUEST_INVALID', validation: [{ location: ['query', 'n'] }] })

  const xml = await get('/v2/strict?n=1', { accept: 'application/xml' })
  t.equal(xml.status, 406)
  t.match(xml.body, { code: 'HSG_MOCK_REQUEST_INVALID' })

  const silent = await get('/v2/silent')
  t.equal(silent.status, 500)
  t.match(silent.body, { code: 'HSG_MOCK_FAILED' })

  const badPrefer = await get('/v2/strict?n=1', { prefer: 'code=404' })
  t.equal(badPrefer.status, 400)
  t.match(badPrefer.body, { code: 'HSG_MOCK_BAD_PREFER' })

  const browser = await get('/v2/strict?n=1', { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' })
  t.equal(browser.status, 200, "a browser's Accept header still gets the JSON")

  const head = await request(`${gw.address}/v2/strict?n=1`, { method: 'HEAD' })
  t.equal(head.statusCode, 200, 'HEAD is answered as GET, without the body')
  t.equal(head.headers['x-gateway-source'], 'mock')
  t.equal(await head.body.text(), '')
})
