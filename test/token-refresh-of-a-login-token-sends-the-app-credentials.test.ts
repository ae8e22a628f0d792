// A refresh token that `login` stored belongs to the user's OAuth app: the gateway's refresh sends
// the app's client id and secret (HTTP Basic) when they are configured, so serve keeps it alive.
import { join } from 'node:path'
import t from 'tap'
import { runCli } from './helpers/cli-in-process.js'
import { startFakeOidc } from './helpers/fake-oidc.js'
import { FileTokenStore } from '../src/token/store.js'

void t.test('doctor refreshes a login token with the app credentials, and fails clearly without them', async (t) => {
  const fake = await startFakeOidc()
  t.teardown(() => fake.close())
  const dir = join(t.testdir(), 'state')
  // A lineage as login leaves it, with its access token expired.
  const issued = 'login-refresh-token'
  fake.issuedRefreshTokens.push(issued)
  await new FileTokenStore({ stateDir: dir }).write({ refreshToken: issued, accessToken: 'x.e30.y', expiresAt: Date.now() - 1000, refreshedAt: Date.now() - 7_200_000, seeds: [] })

  const without = await runCli(['doctor', '--json', '--state-dir', dir, '--auth-url', fake.origin, '--upstream', fake.origin])
  t.equal(without.code, 1)
  t.match(JSON.parse(without.stdout), { checks: [{ name: 'config' }, { name: 'state dir' }, { name: 'secret file' }, { name: 'token', status: 'fail' }] })
  t.match(fake.tokenRequests.at(-1), { grant: 'refresh_token', clientAuth: 'none', ok: false, error: 'invalid_client' })

  const env = { HUBSTAFF_GATEWAY_CLIENT_ID: fake.clientId, HUBSTAFF_GATEWAY_CLIENT_SECRET: fake.clientSecret }
  const withApp = await runCli(['doctor', '--json', '--state-dir', dir, '--auth-url', fake.origin, '--upstream', fake.origin], env)
  const token = (JSON.parse(withApp.stdout) as { checks: { name: string; status: string; details?: { exchanged?: boolean } }[] }).checks.find((c) => c.name === 'token')
  t.match(token, { status: 'ok', details: { exchanged: true } }, 'refreshed with the app credentials')
  t.match(fake.tokenRequests.at(-1), { grant: 'refresh_token', clientAuth: 'basic', ok: true })
  t.equal((await new FileTokenStore({ stateDir: dir }).read())?.refreshToken, fake.issuedRefreshTokens.at(-1), 'the rotated token is stored')
  t.notOk(withApp.stdout.includes(fake.clientSecret), 'the secret is never printed')
})
