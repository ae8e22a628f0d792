import t from 'tap'
import { request } from 'undici'
import { startFakeHubstaff } from './helpers/fake-hubstaff.js'
import { BUILT, NOT_BUILT, spawnGateway } from './helpers/gateway.js'

void t.test('two gateway processes on one state dir never exchange the same refresh token', { skip: BUILT ? false : NOT_BUILT }, async (t) => {
  // Short-lived tokens and a slow token endpoint: both processes want to refresh often, and each
  // exchange leaves a wide window for the other one to try the same token.
  const fake = await startFakeHubstaff({ accessTokenTtl: 3, tokenDelayMs: 150 })
  t.teardown(() => fake.close())
  const stateDir = t.testdir()
  const seed = fake.issueRefreshToken()
  const args = ['--port', '0', '--state-dir', stateDir, '--upstream', fake.origin, '--auth-url', fake.origin, '--refresh-margin', '2', '--budget', '1000000']
  const env = { HUBSTAFF_REFRESH_TOKEN: seed }
  const [a, b] = await Promise.all([spawnGateway(args, env), spawnGateway(args, env)])
  t.teardown(async () => {
    await Promise.all([a.kill('SIGKILL'), b.kill('SIGKILL')])
  })

  const statuses = new Map<number, number>()
  const deadline = Date.now() + 5000
  const client = async (address: string) => {
    while (Date.now() < deadline) {
      const res = await request(`${address}/v2/users/me`)
      await res.body.dump()
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
    }
  }
  await Promise.all([client(a.address), client(a.address), client(b.address), client(b.address)])

  t.ok(fake.stats.exchanges >= 3, `the tokens rotated ${fake.stats.exchanges} times during the run`)
  t.equal(fake.stats.reuse, 0, 'no refresh token was ever presented twice')
  t.equal(fake.stats.rejectedExchanges, 0, 'no exchange was refused')
  t.same([...statuses.keys()], [200], `every app request succeeded (${statuses.get(200) ?? 0} requests)`)
})
