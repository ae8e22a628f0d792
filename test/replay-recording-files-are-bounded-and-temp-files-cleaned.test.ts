// Issue #12: a recording file past --replay-max-bytes is never read (its size is checked first)
// and its requests get problem+json naming the setting; temp files that a write killed part-way
// left behind are reported by `recordings check` (exit 1) and removed when the gateway starts.
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { checkRecordings } from '../src/recordings/check.js'
import { readHarFile, OversizedRecording } from '../src/recordings/store.js'
import { runCli } from './helpers/cli-in-process.js'
import { startTestGateway } from './helpers/gateway.js'
import { plant } from './helpers/recordings.js'

void t.test('a recording over --replay-max-bytes answers HSG_REPLAY_TOO_LARGE and the rest keep serving', async (t) => {
  const recordings = join(t.testdir(), 'recordings')
  const big = plant(recordings, 'GET', '/v2/users/me', 200, { user: { id: 1, bio: 'x'.repeat(4096) } })
  plant(recordings, 'GET', '/v2/organizations', 200, { organizations: [{ id: 1001 }] })
  const gw = await startTestGateway({ mode: 'replay', recordings, stateDir: join(recordings, '..', 'state'), replayMaxBytes: 2048 })
  t.teardown(() => gw.close())

  const res = await request(`${gw.address}/v2/users/me`)
  t.equal(res.statusCode, 500)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  const problem = (await res.body.json()) as Record<string, unknown>
  t.match(problem, { code: 'HSG_REPLAY_TOO_LARGE', file: join(recordings, big), limit: 2048, size: Number, detail: /--replay-max-bytes/ })
  const other = await request(`${gw.address}/v2/organizations`)
  t.equal(other.statusCode, 200, 'the other recordings keep serving')
  await other.body.dump()
  const logged = gw.logRecords().filter((r) => r.code === 'HSG_REPLAY_TOO_LARGE' && r.component === 'recordings')
  t.equal(logged.length, 1, 'logged once, naming the file')
  t.match(logged[0], { file: join(recordings, big) })

  const report = await checkRecordings(recordings, [], { maxBytes: 2048 })
  t.match(report, { ok: false, problems: [{ file: join(recordings, big), kind: 'too-large' }] }, '`recordings check` lists it')
  const cli = await runCli(['recordings', 'check', recordings, '--replay-max-bytes', '2048', `--state-dir=${join(recordings, '..', 'state')}`])
  t.equal(cli.code, 1)
  t.match(cli.stdout, /^TOO-LARGE get_v2_users_me_\w+\.har: .*--replay-max-bytes 2048/m)
})

void t.test('the size is checked before the file is read', async (t) => {
  const dir = t.testdir()
  const file = join(dir, 'huge.har')
  // Not even JSON: a file that was read would be reported as damaged, not as too large.
  writeFileSync(file, 'x'.repeat(10_000))
  const err = await readHarFile(file, 1024).then(
    () => undefined,
    (e: unknown) => e,
  )
  t.type(err, OversizedRecording)
  t.match(err, { size: 10_000, limit: 1024 })
})

void t.test('temp files of killed writes are reported by `recordings check` and removed at start', async (t) => {
  const recordings = join(t.testdir(), 'recordings')
  const name = plant(recordings, 'GET', '/v2/users/me', 200, { user: { id: 1 } })
  // What write-file-atomic leaves when the process dies between writing its temp file and renaming it.
  const temps = [`${name}.3166183262`, `${name}.17`]
  for (const temp of temps) writeFileSync(join(recordings, temp), '{"log":{"version":"1.2","entries":[' + ' '.repeat(100_000))
  writeFileSync(join(recordings, 'notes.har.txt'), 'not ours')

  const report = await checkRecordings(recordings)
  t.equal(report.ok, false, 'not "ok" while they lie there')
  t.same(
    report.problems.map((p) => [p.kind, p.file]),
    temps.sort().map((temp) => ['temp', join(recordings, temp)]),
  )
  const cli = await runCli(['recordings', 'check', recordings, `--state-dir=${join(recordings, '..', 'state')}`])
  t.equal(cli.code, 1, 'exit code 1')
  t.match(cli.stdout, new RegExp(`^TEMP ${name.replace('.', '\\.')}\\.17: is a temp file`, 'm'))

  const gw = await startTestGateway({ mode: 'replay', recordings, stateDir: join(recordings, '..', 'state') })
  t.teardown(() => gw.close())
  t.same(readdirSync(recordings).sort(), [name, 'notes.har.txt'].sort(), 'removed at start; nothing else touched')
  t.match(
    gw.logRecords().find((r) => r.msg === 'removed temp files of interrupted recording writes'),
    { files: temps.sort(), bytes: Number },
  )
  const res = await request(`${gw.address}/v2/users/me`)
  t.equal(res.statusCode, 200, 'the recording itself replays')
  await res.body.dump()
  t.equal((await checkRecordings(recordings)).ok, true, 'and the folder checks clean')
})

void t.test('a folder that does not exist yet is left alone at start', async (t) => {
  const recordings = join(t.testdir(), 'not-yet')
  const gw = await startTestGateway({ mode: 'replay', recordings, stateDir: join(recordings, '..', 'state') })
  t.teardown(() => gw.close())
  t.equal(existsSync(recordings), false)
})
