// A gateway process killed with SIGKILL while it writes recordings leaves every recording whole:
// each file is the old one or the new one, never half of one, and replay serves them all. Temp
// files of the interrupted writes are reported by `recordings check` and removed at the next start.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { checkRecordings } from '../src/recordings/check.js'
import { BUILT, NOT_BUILT, spawnGateway, startTestGateway } from './helpers/gateway.js'
import { startFakeHubstaff } from './helpers/fake-hubstaff.js'

void t.test('kill -9 in the middle of recording', { skip: BUILT ? false : NOT_BUILT }, async (t) => {
  const root = t.testdir()
  const recordings = join(root, 'recordings')
  const fake = await startFakeHubstaff()
  t.teardown(() => fake.close())
  const gw = await spawnGateway(
    ['--mode', 'record', '--port', '0', '--cache', 'off', '--recordings', recordings, '--state-dir', join(root, 'state'), '--upstream', fake.origin, '--auth-url', fake.origin],
    { HUBSTAFF_REFRESH_TOKEN: fake.issueRefreshToken() },
  )
  t.teardown(() => gw.kill('SIGKILL'))

  let running = true
  let answered = 0
  // Large pages asked again and again: every answer rewrites a file that keeps growing.
  const clients = Array.from({ length: 12 }, async (_, i) => {
    for (let n = 0; running && n < 10_000; n++) {
      try {
        const res = await request(`${gw.address}/v2/organizations/1001/projects?page_limit=100&page_start_id=${20001 + ((i + n) % 6)}`)
        await res.body.dump()
        answered++
      } catch {
        // the process is gone
      }
    }
  })
  // Bounded, not timed: on a slow disk it just takes longer to get there.
  for (let i = 0; i < 3000 && answered < 100; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  t.ok(answered >= 12, `${answered} recorded answers before the kill`)
  t.equal(await gw.kill('SIGKILL'), 'SIGKILL')
  running = false
  await Promise.all(clients)

  const all = readdirSync(recordings)
  const temps = all.filter((f) => !f.endsWith('.har'))
  t.comment(`${temps.length} temp file(s) of interrupted writes left beside the recordings`)
  const files = all.filter((f) => f.endsWith('.har'))
  t.equal(files.length, 6, 'every request key has its file')
  const report = await checkRecordings(recordings, fake.issuedTokens)
  t.same(
    report.problems.filter((p) => p.kind !== 'temp'),
    [],
    'no file is corrupt and none holds a token',
  )
  t.same(
    report.problems.filter((p) => p.kind === 'temp').map((p) => p.file),
    temps.sort().map((f) => join(recordings, f)),
    'the temp files left are reported, and nothing else',
  )
  t.equal(report.ok, temps.length === 0, 'the check passes only without them')
  t.ok(report.entries >= 6, `${report.entries} exchanges survived`)

  const replay = await startTestGateway({ mode: 'replay', recordings, stateDir: join(root, 'replay'), cache: 'off' })
  t.teardown(() => replay.close())
  t.same(readdirSync(recordings).sort(), files.sort(), 'the gateway removed the temp files when it started')
  t.equal((await checkRecordings(recordings, fake.issuedTokens)).ok, true, 'and the folder checks clean')
  for (let id = 20001; id <= 20006; id++) {
    const res = await request(`${replay.address}/v2/organizations/1001/projects?page_limit=100&page_start_id=${id}`)
    t.equal(res.statusCode, 200, `page from ${id} replays`)
    t.equal(res.headers['x-gateway-source'], 'replay')
    await res.body.dump()
  }
})
