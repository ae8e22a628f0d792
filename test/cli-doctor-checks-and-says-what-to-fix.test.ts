// `hubstaff-gateway doctor` against a fake Hubstaff: each check says ok, warn or FAIL with the fix;
// the token is exchanged through the token store (rotation persisted) and never printed; the
// upstream request is charged to the budget ledger; a failing check exits 1, bad settings exit 2.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { FileTokenStore } from '../src/token/store.js'
import { runCli } from './helpers/cli-in-process.js'
import { startFakeHubstaff, type FakeHubstaff } from './helpers/fake-hubstaff.js'

interface Report {
  ok: boolean
  checks: { name: string; status: string; message: string; fix?: string; details?: Record<string, unknown> }[]
}

async function fake(t: Test): Promise<FakeHubstaff> {
  const f = await startFakeHubstaff()
  t.teardown(() => f.close())
  return f
}

function stateDir(t: Test, mode = 0o700): string {
  const dir = join(t.testdir(), 'state')
  mkdirSync(dir, { mode })
  chmodSync(dir, mode)
  return dir
}

const statusOf = (report: Report, name: string) => report.checks.find((c) => c.name === name)?.status

void t.test('a healthy setup: every check ok, the token exchanged once and stored, nothing secret printed', async (t) => {
  const f = await fake(t)
  const dir = stateDir(t)
  const pat = f.issueRefreshToken()
  const args = ['doctor', '--state-dir', dir, '--upstream', f.origin, '--auth-url', f.origin]
  const env = { HUBSTAFF_REFRESH_TOKEN: pat }

  const text = await runCli(args, env)
  t.equal(text.code, 0, 'exit code 0')
  t.equal(text.stderr, '')
  t.match(text.stdout, /ok\s+config\s+settings valid/)
  t.match(text.stdout, /ok\s+state dir\s+/)
  t.match(text.stdout, /ok\s+token\s+exchanged now .*valid until .*scopes openid hubstaff:read hubstaff:write; subject \d+/)
  t.match(text.stdout, /ok\s+upstream\s+GET .*\/v2\/users\/me answered 200/)
  t.match(text.stdout, /skip\s+redis/)
  t.match(text.stdout, /all checks passed/)
  t.equal(f.stats.exchanges, 1, 'one exchange')
  t.equal(f.stats.apiRequests, 1, 'one API request')

  // The rotated refresh token is persisted (0600), so serve starts from it.
  const stored = await new FileTokenStore({ stateDir: dir }).read()
  t.equal(stored?.refreshToken, f.issuedTokens.at(-1), 'the store holds the newest refresh token')
  t.equal(statSync(join(dir, 'tokens.json')).mode & 0o777, 0o600, 'tokens.json is 0600')
  // The request went through the budget ledger like any other.
  t.equal(readFileSync(join(dir, 'budget.log'), 'utf8').trim().split('\n').length, 1, 'one grant in the budget ledger')

  // A second run uses the stored access token: no exchange, one more API request, --json.
  const json = await runCli([...args, '--json'], env)
  t.equal(json.code, 0)
  const report = JSON.parse(json.stdout) as Report
  t.equal(report.ok, true)
  t.equal(statusOf(report, 'token'), 'ok')
  t.equal(report.checks.find((c) => c.name === 'token')?.details?.exchanged, false, 'not exchanged again')
  t.same(report.checks.find((c) => c.name === 'token')?.details?.scopes, ['openid', 'hubstaff:read', 'hubstaff:write'])
  t.match(report.checks.find((c) => c.name === 'budget'), { status: 'ok', details: { used: 2 } })
  t.equal(f.stats.exchanges, 1, 'still one exchange')
  t.equal(f.stats.apiRequests, 2)

  for (const token of f.issuedTokens) {
    t.notOk(text.stdout.includes(token) || json.stdout.includes(token), 'no issued token in the output')
  }
  t.notOk(text.stdout.includes(pat) || json.stdout.includes(pat), 'nor the personal access token')
})

void t.test('open permissions fail with the chmod to run', async (t) => {
  const f = await fake(t)
  const dir = stateDir(t, 0o755)
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify({ refreshToken: f.issueRefreshToken(), seeds: [] }))
  chmodSync(join(dir, 'tokens.json'), 0o644)
  const result = await runCli(['doctor', '--state-dir', dir, '--upstream', f.origin, '--auth-url', f.origin])
  t.equal(result.code, 1, 'exit code 1')
  t.match(result.stdout, /FAIL\s+state dir\s+.*mode 0755/)
  t.ok(result.stdout.includes(`fix: chmod 700 ${dir}`), 'says chmod 700 <dir>')
  t.match(result.stdout, /FAIL\s+secret file\s+.*tokens\.json holds a refresh token and is readable by others \(mode 0644\)/)
  t.ok(result.stdout.includes(`fix: chmod 600 ${join(dir, 'tokens.json')}`), 'says chmod 600 <file>')
  t.match(result.stdout, /ok\s+upstream/, 'the other checks still run')
  t.match(result.stdout, /2 failed/)
})

void t.test('a refused token fails with how to get a new one; Hubstaff is not asked', async (t) => {
  const f = await fake(t)
  const dir = stateDir(t)
  const result = await runCli(['doctor', '--json', '--state-dir', dir, '--upstream', f.origin, '--auth-url', f.origin], { HUBSTAFF_REFRESH_TOKEN: 'never-issued-token' })
  t.equal(result.code, 1)
  const report = JSON.parse(result.stdout) as Report
  t.equal(report.ok, false)
  const token = report.checks.find((c) => c.name === 'token')
  t.equal(token?.status, 'fail')
  t.equal(token?.details?.code, 'HSG_AUTH_REFRESH_REJECTED')
  t.match(token?.fix, /hubstaff-gateway login/)
  t.equal(statusOf(report, 'upstream'), 'skip')
  t.equal(f.stats.apiRequests, 0, 'no API request')
})

void t.test('no token at all: fine for the mock that serve then runs, a failure for --mode live', async (t) => {
  const dir = join(t.testdir(), 'not-yet')
  const none = await runCli(['doctor', '--state-dir', dir])
  t.equal(none.code, 0, 'exit code 0: mock mode is the documented set-up without a token')
  t.match(none.stdout, /ok\s+config\s+settings valid \(serve runs in mock mode: no refresh token is known;/, 'says the mode that will run, not the help text')
  t.notMatch(none.stdout, /live when a token is known/)
  t.match(none.stdout, /ok\s+state dir\s+.*does not exist yet; serve creates it/, 'a missing state dir is not a warning')
  t.match(none.stdout, /ok\s+token\s+none known; serve runs in mock mode, which needs none/)
  t.match(none.stdout, /skip\s+upstream\s+mock mode does not call Hubstaff/)
  t.match(none.stdout, /all checks passed/)
  t.notOk(existsSync(dir), 'doctor did not create the state dir')

  const live = JSON.parse((await runCli(['doctor', '--json', '--mode', 'live', '--state-dir', dir])).stdout) as Report
  t.equal(live.ok, false)
  t.match(live.checks.find((c) => c.name === 'config'), { message: /serve runs in live mode;/ })
  t.match(live.checks.find((c) => c.name === 'token'), { status: 'fail', message: /no refresh token .*live mode needs one/, fix: /login/ })
})

void t.test('a token and a stopped Hubstaff: refused before anything is sent, so no budget is spent', async (t) => {
  const dir = stateDir(t)
  const f = await fake(t)
  const pat = f.issueRefreshToken()
  const closed = await startFakeHubstaff()
  const gone = closed.origin
  await closed.close()
  const result = await runCli(['doctor', '--json', '--state-dir', dir, '--upstream', gone, '--auth-url', f.origin], { HUBSTAFF_REFRESH_TOKEN: pat })
  t.equal(result.code, 1)
  const report = JSON.parse(result.stdout) as Report
  t.equal(statusOf(report, 'token'), 'ok', 'the token is fine')
  t.match(report.checks.find((c) => c.name === 'upstream'), { status: 'fail', message: /cannot connect to .*ECONNREFUSED.*nothing was sent, no budget spent/, fix: /--upstream/ })
  const ledger = join(dir, 'budget.log')
  t.equal(existsSync(ledger) ? readFileSync(ledger, 'utf8').trim() : '', '', 'no grant in the budget ledger')
})

void t.test("doctor's own timeout is said as a timeout", async (t) => {
  const f = await fake(t)
  const dir = stateDir(t)
  // Hubstaff accepts the connection and then says nothing.
  const silent = createServer(() => undefined)
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    silent.closeAllConnections()
    silent.close()
  })
  const upstream = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
  const result = await runCli(['doctor', '--json', '--timeout', '1', '--state-dir', dir, '--upstream', upstream, '--auth-url', f.origin], { HUBSTAFF_REFRESH_TOKEN: f.issueRefreshToken() })
  t.equal(result.code, 1)
  const upstreamCheck = (JSON.parse(result.stdout) as Report).checks.find((c) => c.name === 'upstream')
  t.match(upstreamCheck, { status: 'fail', message: /did not answer within 1 s \(doctor's --timeout\)/, fix: /--timeout/ })
  t.notMatch(upstreamCheck?.message, /aborted by the client/)
})

void t.test('an unreachable Redis fails the redis check', async (t) => {
  const closed = await startFakeHubstaff()
  const port = new URL(closed.origin).port
  await closed.close()
  const dir = stateDir(t)
  const result = await runCli(['doctor', '--json', '--state-dir', dir, '--redis', `redis://127.0.0.1:${port}`, '--timeout', '3'])
  t.equal(result.code, 1)
  const report = JSON.parse(result.stdout) as Report
  t.match(report.checks.find((c) => c.name === 'redis'), { status: 'fail', message: /not reachable/, fix: /start Redis/ })
})

void t.test('invalid settings: the config check fails and the exit code is 2', async (t) => {
  const result = await runCli(['doctor', '--budget', 'lots'])
  t.equal(result.code, 2)
  t.match(result.stdout, /FAIL\s+config\s+invalid --budget "lots"/)
  const json = await runCli(['doctor', '--json'], { HUBSTAFF_GATEWAY_PORT: 'x' })
  t.equal(json.code, 2)
  t.match(JSON.parse(json.stdout), { ok: false, checks: [{ name: 'config', status: 'fail' }] })
})
