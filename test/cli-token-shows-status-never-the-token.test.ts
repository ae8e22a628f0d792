// `hubstaff-gateway token` reads the store serve uses and shows its state, expiry, scopes and
// subject from the JWT claims, as text or --json, and never the token itself.
import t from 'tap'
import { FileTokenStore } from '../src/token/store.js'
import { runCli } from './helpers/cli-in-process.js'
import { fakeJwt } from './helpers/memory-token-store.js'

const REFRESH = 'refresh-secret-0123456789'

void t.test('a store with a valid access token: ok, expiry, scopes and subject, no token', async (t) => {
  const dir = t.testdir()
  const expiresAt = Date.now() + 30 * 60_000
  const access = fakeJwt(expiresAt, { sub: '4242', scope: 'openid hubstaff:read', iss: 'https://account.hubstaff.com' })
  const refreshedAt = Date.now() - 30 * 60_000
  await new FileTokenStore({ stateDir: dir }).write({ refreshToken: REFRESH, accessToken: access, expiresAt, refreshedAt, seeds: [] })

  const text = await runCli(['token', '--state-dir', dir])
  t.equal(text.code, 0, 'exit code 0')
  t.equal(text.stderr, '')
  t.match(text.stdout, /^token: ok/)
  t.ok(text.stdout.includes(new Date(expiresAt).toISOString()), 'shows when it expires')
  t.match(text.stdout, /scopes:\s+openid hubstaff:read/)
  t.match(text.stdout, /subject:\s+4242/)

  const json = await runCli(['token', '--json', '--state-dir', dir])
  t.equal(json.code, 0)
  const report = JSON.parse(json.stdout) as Record<string, unknown>
  t.match(report, { state: 'ok', subject: '4242', scopes: ['openid', 'hubstaff:read'], refreshedAt: new Date(refreshedAt).toISOString() })
  for (const out of [text.stdout, json.stdout]) {
    t.notOk(out.includes(REFRESH), 'never the refresh token')
    t.notOk(out.includes(access.split('.')[2] ?? access), 'never the access token')
    t.notOk(out.includes(access.split('.')[1] ?? access), 'not even its payload')
  }
})

void t.test('an expired access token says the next request exchanges it', async (t) => {
  const dir = t.testdir()
  const expiresAt = Date.now() - 60_000
  await new FileTokenStore({ stateDir: dir }).write({ refreshToken: REFRESH, accessToken: fakeJwt(expiresAt), expiresAt, refreshedAt: expiresAt - 3_600_000, seeds: [] })
  const result = await runCli(['token', '--json', '--state-dir', dir])
  t.equal(result.code, 0, 'a refresh token is known: exit 0')
  t.equal((JSON.parse(result.stdout) as { state: string }).state, 'expired')
})

void t.test('a personal access token not yet exchanged is "seeded"; nothing at all is "none" and exit 1', async (t) => {
  const dir = t.testdir()
  const seeded = await runCli(['token', '--state-dir', dir], { HUBSTAFF_REFRESH_TOKEN: 'pat-not-exchanged-yet' })
  t.equal(seeded.code, 0)
  t.match(seeded.stdout, /^token: seeded/)
  t.notOk(seeded.stdout.includes('pat-not-exchanged-yet'), 'the seed is not shown')

  const none = await runCli(['token', '--json', '--state-dir', dir])
  t.equal(none.code, 1, 'exit code 1: nothing to work with')
  const report = JSON.parse(none.stdout) as { state: string; expiresAt: unknown }
  t.equal(report.state, 'none')
  t.equal(report.expiresAt, null)
  const text = await runCli(['token', '--state-dir', dir])
  t.match(text.stdout, /hubstaff-gateway login/, 'says how to get a token')
})

void t.test('an unreadable store is a one-line failure, exit 1', async (t) => {
  const dir = t.testdir({ 'tokens.json': 'not json' })
  const result = await runCli(['token', '--state-dir', dir])
  t.equal(result.code, 1)
  t.equal(result.stdout, '')
  t.match(result.stderr, /^hubstaff-gateway: [^\n]*tokens\.json[^\n]*\n$/)
})

void t.test('an unknown option is a usage error naming it', async (t) => {
  const result = await runCli(['token', '--jsn'])
  t.equal(result.code, 2)
  t.match(result.stderr, /^hubstaff-gateway: unknown flag --jsn/)
})
