// Record against the fake Hubstaff, stop it, replay from the recordings: every answer comes back
// with the same status, body and the headers that matter, says X-Gateway-Source: replay, and no
// token issued by the fake is in any recording.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { startLiveGateway, startTestGateway } from './helpers/gateway.js'

const EXCHANGES: { method: string; path: string; body?: string }[] = [
  { method: 'GET', path: '/v2/users/me' },
  { method: 'GET', path: '/v2/organizations/1001/projects?page_limit=2' },
  { method: 'GET', path: '/v2/organizations/1001/projects?page_limit=2&page_start_id=20003' },
  { method: 'GET', path: '/v2/organizations/1001/activities?time_slot[start]=2025-01-06T09:00:00Z&time_slot[stop]=2025-01-06T10:00:00Z' },
  { method: 'POST', path: '/v2/projects/20001/tasks', body: JSON.stringify({ summary: 'Write the report', assignee_id: 5001 }) },
  { method: 'GET', path: '/v2/tasks/999999' },
]

async function ask(address: string, e: (typeof EXCHANGES)[number]) {
  const res = await request(`${address}${e.path}`, {
    method: e.method as 'GET',
    headers: { 'content-type': 'application/json', authorization: 'Bearer app-own-token-never-recorded' },
    ...(e.body === undefined ? {} : { body: e.body }),
  })
  return {
    status: res.statusCode,
    body: await res.body.text(),
    contentType: res.headers['content-type'],
    etag: res.headers.etag,
    cacheControl: res.headers['cache-control'],
    source: res.headers['x-gateway-source'],
  }
}

void t.test('recorded answers replay identically with Hubstaff gone', async (t) => {
  const root = t.testdir()
  const recordings = join(root, 'recordings')
  const { fake, gw } = await startLiveGateway(t, { mode: 'record', recordings, cache: 'off', stateDir: join(root, 'state') })
  const recorded = []
  for (const [i, e] of EXCHANGES.entries()) {
    // Halfway, Hubstaff rejects the access token: the 401 is refreshed and asked again, not recorded.
    if (i === 3) fake.expireAccessTokens()
    recorded.push(await ask(gw.address, e))
  }
  t.equal(fake.stats.unauthorized, 1, 'one 401 in the middle of the recording')
  t.equal(recorded.filter((r) => r.source === 'upstream').length, EXCHANGES.length, 'record mode answers from Hubstaff')
  t.match(recorded.map((r) => r.status), [200, 200, 200, 200, 200, 404])
  const status = (await gw.gateway.status()) as { recordings: Record<string, unknown> }
  t.match(status.recordings, { dir: recordings, written: EXCHANGES.length, refused: 0, failed: 0 })
  await gw.close()
  await fake.close()

  const files = readdirSync(recordings)
  t.equal(files.length, EXCHANGES.length, 'one file per request key')
  t.ok(files.every((f) => /^[a-z0-9_]+\.har$/.test(f)), `file names are safe: ${files.join(', ')}`)
  const tokens = [...fake.issuedTokens, 'app-own-token-never-recorded']
  t.ok(fake.issuedTokens.length >= 4, 'the fake issued two refresh and two access tokens')
  for (const file of files) {
    const text = readFileSync(join(recordings, file), 'utf8')
    const har = JSON.parse(text) as { log: { version: string; entries: { request: { headers: { name: string }[] } }[] } }
    t.equal(har.log.version, '1.2', `${file} is HAR 1.2`)
    for (const token of tokens) t.notOk(text.includes(token), `${file} holds no token`)
    for (const entry of har.log.entries) {
      t.notOk(entry.request.headers.some((h) => ['authorization', 'cookie', 'date', 'user-agent'].includes(h.name)), `${file}: no credentials or noise in headers`)
    }
  }

  const replay = await startTestGateway({ mode: 'replay', recordings, stateDir: join(root, 'replay-state'), upstream: 'http://127.0.0.1:9', cache: 'off' })
  t.teardown(() => replay.close())
  for (const [i, e] of EXCHANGES.entries()) {
    const again = await ask(replay.address, e)
    const before = recorded[i]
    t.same({ ...again, source: undefined }, { ...before, source: undefined }, `${e.method} ${e.path}: same status, body and headers`)
    t.equal(again.source, 'replay')
  }
  const after = (await replay.gateway.status()) as { recordings: Record<string, unknown> }
  t.match(after.recordings, { files: EXCHANGES.length, entries: EXCHANGES.length, used: EXCHANGES.length, unused: 0, corrupt: [] })
})

void t.test('re-recording an unchanged API changes no file', async (t) => {
  const root = t.testdir()
  const recordings = join(root, 'recordings')
  const first = await startLiveGateway(t, { mode: 'record', recordings, cache: 'off', stateDir: join(root, 'state') })
  await ask(first.gw.address, { method: 'GET', path: '/v2/organizations/1001/projects?page_limit=3' })
  await first.gw.close()
  const [file = ''] = readdirSync(recordings)
  const before = readFileSync(join(recordings, file), 'utf8')
  await new Promise((resolve) => setTimeout(resolve, 20))
  const settings = { mode: 'record', recordings, cache: 'off', upstream: first.fake.origin, authUrl: first.fake.origin }
  const second = await startTestGateway({ ...settings, refreshToken: first.fake.issueRefreshToken(), stateDir: join(root, 'second-state') })
  await ask(second.address, { method: 'GET', path: '/v2/organizations/1001/projects?page_limit=3' })
  await second.close()
  t.equal(readFileSync(join(recordings, file), 'utf8'), before, 'byte-identical, times included')
})
