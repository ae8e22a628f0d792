// Replay matches a request however an app spells it: query parameters in any order, list
// parameters as `ids=1,2` or `ids[]=1&ids[]=2`, empty parameters, percent-encoding, a trailing
// slash; and HAR files written by other tools (browser devtools: base64 bodies, gzip labels) replay too.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { startTestGateway } from './helpers/gateway.js'
import { plant } from './helpers/recordings.js'

void t.test('spellings of one request share its recording', async (t) => {
  const recordings = join(t.testdir(), 'recordings')
  plant(recordings, 'GET', '/v2/organizations/1001/activities?user_ids=1,2&time_slot[start]=2026-01-05T09:00:00Z', 200, { activities: [{ id: 9 }] })
  const gw = await startTestGateway({ mode: 'replay', recordings, stateDir: join(recordings, '..', 'state'), cache: 'off' })
  t.teardown(() => gw.close())
  const spellings = [
    '/v2/organizations/1001/activities?user_ids=1,2&time_slot[start]=2026-01-05T09:00:00Z',
    '/v2/organizations/1001/activities?time_slot%5Bstart%5D=2026-01-05T09%3A00%3A00Z&user_ids=1,2',
    '/v2/organizations/1001/activities?user_ids[]=1&user_ids[]=2&time_slot[start]=2026-01-05T09:00:00Z',
    '/v2/organizations/1001/activities/?user_ids=1,2&task_ids=&time_slot[start]=2026-01-05T09:00:00Z',
  ]
  for (const path of spellings) {
    const res = await request(`${gw.address}${path}`)
    t.equal(res.statusCode, 200, path)
    t.same(await res.body.json(), { activities: [{ id: 9 }] })
  }
  const other = await request(`${gw.address}/v2/organizations/1001/activities?user_ids=1,3&time_slot[start]=2026-01-05T09:00:00Z`)
  t.equal(other.statusCode, 404, 'other values are another request')
  await other.body.dump()
})

void t.test('a HAR file from a browser replays', async (t) => {
  const recordings = join(t.testdir(), 'recordings')
  mkdirSync(recordings, { recursive: true })
  const body = JSON.stringify({ projects: [{ id: 20001, name: 'Ünïcödé' }] })
  const har = {
    log: {
      version: '1.2',
      creator: { name: 'Firefox', version: '133.0' },
      pages: [],
      entries: [
        {
          pageref: 'page_1',
          startedDateTime: '2026-01-05T10:00:00.000+01:00',
          request: { method: 'GET', url: 'https://api.hubstaff.com/v2/organizations/1001/projects?page_limit=1', headers: [{ name: 'Accept', value: '*/*' }] },
          response: {
            status: 200,
            headers: [
              { name: 'Content-Type', value: 'application/json' },
              { name: 'Content-Encoding', value: 'gzip' },
              { name: 'Content-Length', value: '42' },
              { name: 'X-Thing', value: 'a' },
              { name: 'X-Thing', value: 'b' },
            ],
            content: { mimeType: 'application/json', encoding: 'base64', text: Buffer.from(body).toString('base64') },
          },
        },
      ],
    },
  }
  writeFileSync(join(recordings, 'firefox-export.har'), JSON.stringify(har))
  const gw = await startTestGateway({ mode: 'replay', recordings, stateDir: join(recordings, '..', 'state') })
  t.teardown(() => gw.close())
  const res = await request(`${gw.address}/v2/organizations/1001/projects?page_limit=1`)
  t.equal(res.statusCode, 200)
  t.equal(await res.body.text(), body, 'the decoded body, byte for byte')
  t.equal(res.headers['content-encoding'], undefined, 'no encoding label for a body served decoded')
  t.same(res.headers['x-thing'], ['a', 'b'], 'repeated headers kept')
  t.equal(res.headers['x-gateway-source'], 'replay')
})
