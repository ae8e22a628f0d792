// `hubstaff-gateway spec pull` downloads <upstream>/v2/docs into the state dir, keeps its ETag,
// asks with If-None-Match the next time and keeps the file on a 304; a failed pull leaves the
// cached copy alone; mock mode then serves the pulled document at /v2/docs.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { request } from 'undici'
import { main } from '../src/cli.js'
import { cachedSpecPath } from '../src/mock/spec-source.js'
import { startTestGateway } from './helpers/gateway.js'

function swagger(title: string): string {
  return JSON.stringify({
    swagger: '2.0',
    info: { title, version: '1' },
    produces: ['application/json'],
    paths: { '/v2/users/me': { get: { responses: { '200': { description: 'me', examples: { 'application/json': { user: { name: title } } }, schema: { type: 'object' } } } } } },
  })
}

async function pull(origin: string, stateDir: string): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await main({ argv: ['spec', 'pull', '--upstream', origin, '--state-dir', stateDir], env: {}, stdout: (s) => (out += s), stderr: (s) => (err += s) })
  return { code, out, err }
}

void t.test('pull, revalidate, fail, serve', async (t) => {
  let doc = swagger('first')
  let etag = '"v1"'
  let failWith: number | undefined
  const seen: IncomingHttpHeaders[] = []
  const server = createServer((req, res) => {
    seen.push(req.headers)
    if (req.url !== '/v2/docs') return void res.writeHead(404).end()
    if (failWith !== undefined) return void res.writeHead(failWith).end('<html>down</html>')
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end()
    res.writeHead(200, { 'content-type': 'application/json', etag }).end(doc)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const stateDir = t.testdir()
  const path = cachedSpecPath(stateDir)

  const first = await pull(origin, stateDir)
  t.equal(first.code, 0, first.err)
  t.match(first.out, /downloaded .*\/v2\/docs .*ETag "v1"/)
  t.equal(readFileSync(path, 'utf8'), doc)
  t.equal(seen[0]?.['if-none-match'], undefined, 'the first pull asks unconditionally')

  const mtime = statSync(path).mtimeMs
  const second = await pull(origin, stateDir)
  t.equal(second.code, 0)
  t.match(second.out, /is up to date .*304/)
  t.equal(seen[1]?.['if-none-match'], '"v1"', 'the second asks with the ETag')
  t.equal(statSync(path).mtimeMs, mtime, 'a 304 keeps the file untouched')

  failWith = 503
  const failed = await pull(origin, stateDir)
  t.equal(failed.code, 1)
  t.match(failed.err, /answered HTTP 503; the cached copy is unchanged/)
  t.equal(readFileSync(path, 'utf8'), doc, 'a failed pull keeps the cached copy')
  failWith = undefined

  doc = swagger('second')
  etag = '"v2"'
  const changed = await pull(origin, stateDir)
  t.match(changed.out, /downloaded .*ETag "v2"/)
  t.equal(readFileSync(path, 'utf8'), doc, 'a changed document replaces the copy')

  const gw = await startTestGateway({ mode: 'mock', stateDir })
  t.teardown(() => gw.close())
  // The twin answers /v2/users/me from its organization; the document itself is what /v2/docs serves.
  const docs = await request(`${gw.address}/v2/docs`)
  t.equal(await docs.body.text(), doc, 'mock mode serves the pulled document')
  t.match(await gw.gateway.status(), { mock: { specSource: 'cached', spec: path } })
})

void t.test('an answer that is not an API description is not cached', async (t) => {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"hello":"world"}'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const stateDir = t.testdir()
  const got = await pull(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, stateDir)
  t.equal(got.code, 1)
  t.match(got.err, /did not answer an API description/)
  t.notOk(existsSync(cachedSpecPath(stateDir)))
})
