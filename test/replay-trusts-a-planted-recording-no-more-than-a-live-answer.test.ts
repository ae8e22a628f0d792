// Issue #12: a recording is a file anyone may have planted, and replay serves it from the gateway's
// own origin (the dashboard's). Its headers pass the filter live answers pass (no Set-Cookie, no
// CORS), a Location may only point under /v2 of the gateway, only JSON bodies are served, and a
// header Node could not send makes the file damaged: problem+json naming it, not Fastify's 500.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { harEntry, harLog, serialiseHar } from '../src/recordings/har.js'
import { recordingKey } from '../src/recordings/key.js'
import { replayLocation } from '../src/recordings/replay-answer.js'
import { fileNameFor } from '../src/recordings/store.js'
import { startTestGateway } from './helpers/gateway.js'

/** Writes one recorded GET with the answer given, as record mode would name it. */
function plantAnswer(dir: string, path: string, status: number, headers: Record<string, string | string[]>, body: string): string {
  const name = fileNameFor(recordingKey('GET', path, '', undefined), 'GET', path)
  const entry = harEntry({
    method: 'GET',
    url: `https://api.hubstaff.com${path}`,
    requestHeaders: { accept: 'application/json' },
    requestBody: undefined,
    status,
    responseHeaders: headers,
    responseBody: Buffer.from(body),
    startedAt: Date.UTC(2026, 0, 5),
    durationMs: 3,
  })
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, name), serialiseHar(harLog([entry])))
  return name
}

const JSON_TYPE = 'application/json; charset=utf-8'

void t.test('a planted recording is served no more trusted than a live answer', async (t) => {
  const recordings = join(t.testdir(), 'recordings')
  plantAnswer(
    recordings,
    '/v2/users/me',
    200,
    {
      'content-type': JSON_TYPE,
      'set-cookie': ['session=stolen; Domain=127.0.0.1; Path=/', 'other=1; Domain=.example'],
      'access-control-allow-origin': '*',
      'access-control-allow-credentials': 'true',
      location: 'http://evil.example/v2/users/me',
      etag: '"v1"',
    },
    '{"user":{"id":1}}',
  )
  plantAnswer(recordings, '/v2/organizations', 302, { 'content-type': JSON_TYPE, location: 'http://evil.example/phish' }, '{}')
  plantAnswer(recordings, '/v2/projects/1', 201, { 'content-type': JSON_TYPE, location: 'https://api.hubstaff.com/v2/projects/1?x=1' }, '{"project":{"id":1}}')
  plantAnswer(recordings, '/v2/projects/2', 201, { 'content-type': JSON_TYPE, location: '/v2/../_gateway/mode' }, '{"project":{"id":2}}')
  const page = plantAnswer(recordings, '/v2/tasks/1', 200, { 'content-type': 'text/html; charset=utf-8' }, '<html><script>fetch("/_gateway/mode",{method:"PUT"})</script></html>')
  plantAnswer(recordings, '/v2/tasks/2', 503, {}, '<script>alert(1)</script>')
  plantAnswer(recordings, '/v2/tasks/3', 504, { 'content-type': 'text/html' }, '')
  plantAnswer(recordings, '/v2/docs', 200, { 'content-type': 'application/json' }, '{"swagger":"2.0"}')
  const badName = plantAnswer(recordings, '/v2/users/2', 200, { 'content-type': JSON_TYPE, 'bad name': 'x' }, '{"user":{"id":2}}')
  // Another tool's HAR may give the type only as `content.mimeType`.
  const typedInContent = plantAnswer(recordings, '/v2/users/3', 200, {}, '{"user":{"id":3}}')
  const path3 = join(recordings, typedInContent)
  writeFileSync(path3, readFileSync(path3, 'utf8').replace('"mimeType": ""', '"mimeType": "application/json"'))
  const gw = await startTestGateway({ mode: 'replay', recordings, stateDir: join(recordings, '..', 'state'), cache: 'off' })
  t.teardown(() => gw.close())

  const third = await request(`${gw.address}/v2/users/3`)
  t.equal(third.statusCode, 200, 'JSON typed only in content.mimeType is served')
  t.match(third.headers['content-type'], /^application\/json/)
  t.same(await third.body.json(), { user: { id: 3 } })

  const me = await request(`${gw.address}/v2/users/me`)
  t.equal(me.statusCode, 200)
  t.same(await me.body.json(), { user: { id: 1 } }, 'the JSON body is served')
  t.equal(me.headers['set-cookie'], undefined, 'no Set-Cookie')
  t.equal(me.headers['access-control-allow-origin'], undefined, 'no CORS header from the recording')
  t.equal(me.headers['access-control-allow-credentials'], undefined)
  t.equal(me.headers.location, undefined, 'no Location off the gateway')
  t.equal(me.headers.etag, '"v1"', 'ordinary headers still replay')
  t.equal(me.headers['x-gateway-source'], 'replay')

  const redirect = await request(`${gw.address}/v2/organizations`)
  await redirect.body.dump()
  t.equal(redirect.statusCode, 302, 'the recorded status stays')
  t.equal(redirect.headers.location, undefined, 'a redirect to another site is not followed from the gateway')

  const created = await request(`${gw.address}/v2/projects/1`)
  await created.body.dump()
  t.equal(created.headers.location, '/v2/projects/1?x=1', "a Location on Hubstaff's origin under /v2 is kept as the gateway's path")
  const climbing = await request(`${gw.address}/v2/projects/2`)
  await climbing.body.dump()
  t.equal(climbing.headers.location, undefined, 'a Location that climbs out of /v2 is dropped')

  const html = await request(`${gw.address}/v2/tasks/1`)
  const htmlText = await html.body.text()
  t.equal(html.statusCode, 502)
  t.match(html.headers['content-type'], /^application\/problem\+json/)
  t.notMatch(htmlText, /<script/i, 'the page is never served')
  t.match(JSON.parse(htmlText), { code: 'HSG_REPLAY_NOT_JSON', file: join(recordings, page), recordedStatus: 200, contentType: 'text/html; charset=utf-8' })

  // A proxy's error page in front of Hubstaff is the blank reply: it replays as one, without the page.
  const untyped = await request(`${gw.address}/v2/tasks/2`)
  t.equal(untyped.statusCode, 503, 'a recorded 503 keeps its status')
  t.equal(await untyped.body.text(), '', 'its page is never served: the blank reply the split cuts on')
  t.notMatch(untyped.headers['content-type'] ?? '', /html/)

  const blank = await request(`${gw.address}/v2/tasks/3`)
  t.equal(blank.statusCode, 504, "Hubstaff's blank reply still replays")
  t.equal(await blank.body.text(), '')
  t.notMatch(blank.headers['content-type'] ?? '', /html/, 'without a type that says HTML')

  const docs = await request(`${gw.address}/v2/docs`)
  t.equal(docs.statusCode, 200)
  t.same(await docs.body.json(), { swagger: '2.0' })

  const bad = await request(`${gw.address}/v2/users/2`)
  t.equal(bad.statusCode, 500)
  t.match(bad.headers['content-type'], /^application\/problem\+json/, 'problem+json, not the HTTP layer own 500')
  t.match(await bad.body.json(), { code: 'HSG_REPLAY_CORRUPT', file: join(recordings, badName), detail: /header name/ })

  const after = await request(`${gw.address}/v2/docs`)
  t.equal(after.statusCode, 200, 'and serving goes on')
  await after.body.dump()
})

void t.test('where a recorded Location may point', (t) => {
  const recorded = 'https://api.hubstaff.com/v2/projects'
  const cases: [string, string | undefined][] = [
    ['/v2/projects/7', '/v2/projects/7'],
    ['/v2', '/v2'],
    ['projects/7', undefined],
    ['https://api.hubstaff.com/v2/projects/7?a=b', '/v2/projects/7?a=b'],
    ['https://api.hubstaff.com/v1/projects', undefined],
    ['http://api.hubstaff.com/v2/projects/7', undefined],
    ['//evil.example/v2/x', undefined],
    ['/\\evil.example/v2/x', undefined],
    ['/v2/%2e%2e/_gateway/mode', undefined],
    ['/v2/../_gateway/mode', undefined],
    ['/v2x', undefined],
    ['javascript:alert(1)', undefined],
    ['http://[oops', undefined],
  ]
  for (const [value, expected] of cases) t.equal(replayLocation(value, recorded), expected, JSON.stringify(value))
  t.end()
})
