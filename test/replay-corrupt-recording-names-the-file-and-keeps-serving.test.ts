// A recording file that is not a usable HAR file gives a clear error naming the file, for the
// requests it would have answered; the gateway keeps serving every other recording, logs the file
// once, shows it in /_gateway/status, and serves it again once it is fixed.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { startTestGateway } from './helpers/gateway.js'
import { plant } from './helpers/recordings.js'

const DAMAGE: Record<string, string> = {
  'cut short': '{"log":{"version":"1.2","entries":[{"request":',
  empty: '',
  'not a HAR file': '{"hello":"world"}',
  'an entry without a status': '{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[{"request":{"method":"GET","url":"https://api.hubstaff.com/v2/users/me"},"response":{}}]}}',
}

for (const [how, text] of Object.entries(DAMAGE)) {
  void t.test(`a recording ${how}`, async (t) => {
    const recordings = join(t.testdir(), 'recordings')
    const broken = plant(recordings, 'GET', '/v2/users/me', 200, { user: { id: 1 } })
    plant(recordings, 'GET', '/v2/organizations', 200, { organizations: [{ id: 1001 }] })
    writeFileSync(join(recordings, broken), text)
    const gw = await startTestGateway({ mode: 'replay', recordings, stateDir: join(recordings, '..', 'state') })
    t.teardown(() => gw.close())

    for (let i = 0; i < 2; i++) {
      const res = await request(`${gw.address}/v2/users/me`)
      t.equal(res.statusCode, 500)
      t.match(res.headers['content-type'], /^application\/problem\+json/)
      const problem = (await res.body.json()) as { code: string; detail: string; file: string }
      t.equal(problem.code, 'HSG_REPLAY_CORRUPT')
      t.equal(problem.file, join(recordings, broken), 'names the file')
      t.match(problem.detail, broken)
    }
    const other = await request(`${gw.address}/v2/organizations`)
    t.equal(other.statusCode, 200, 'the other recordings keep serving')
    t.same(await other.body.json(), { organizations: [{ id: 1001 }] })
    const miss = await request(`${gw.address}/v2/projects/1`)
    t.match(await miss.body.json(), { code: 'HSG_REPLAY_MISS', detail: new RegExp(`could not be read: ${broken}`) }, 'a miss mentions the unreadable file')

    const status = (await gw.gateway.status()) as { recordings: { corrupt: { file: string; reason: string }[] } }
    t.match(status.recordings, { files: 2, entries: 1, corrupt: [{ file: join(recordings, broken), reason: String }] })
    const logged = gw.logRecords().filter((r) => r.code === 'HSG_REPLAY_CORRUPT' && r.component === 'recordings')
    t.equal(logged.length, 1, 'logged once')
    t.match(logged[0], { file: join(recordings, broken), level: 50 })

    // Fixed on disk: served again without a restart.
    plant(recordings, 'GET', '/v2/users/me', 200, { user: { id: 2 } })
    const fixed = await request(`${gw.address}/v2/users/me`, { headers: { 'cache-control': 'no-cache' } })
    t.equal(fixed.statusCode, 200)
    t.same(await fixed.body.json(), { user: { id: 2 } })
  })
}
