import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { startFakeHubstaff } from './helpers/fake-hubstaff.js'
import { BUILT, NOT_BUILT, spawnGateway } from './helpers/gateway.js'

const skip = BUILT ? false : NOT_BUILT

async function get(address: string, path = '/v2/users/me'): Promise<number> {
  const res = await request(`${address}${path}`)
  await res.body.dump()
  return res.statusCode
}

void t.test('a restart with the original, now-invalid PAT in the environment keeps working', { skip }, async (t) => {
  const fake = await startFakeHubstaff({ accessTokenTtl: 3600 })
  t.teardown(() => fake.close())
  const stateDir = join(t.testdir(), 'state')
  const seed = fake.issueRefreshToken()
  // The cache off: each GET must reach Hubstaff to show which token the gateway holds.
  const args = ['--port', '0', '--state-dir', stateDir, '--upstream', fake.origin, '--auth-url', fake.origin, '--cache', 'off']
  const env = { HUBSTAFF_REFRESH_TOKEN: seed }

  const first = await spawnGateway(args, env)
  t.equal(await get(first.address), 200)
  t.equal(await first.kill('SIGTERM'), 0, 'a graceful stop exits 0')
  t.equal(fake.stats.exchanges, 1, 'the seed was exchanged and is now dead upstream')

  const stored = await stat(join(stateDir, 'tokens.json'))
  t.equal(stored.mode & 0o777, 0o600, 'the token store is private to its owner')
  t.equal((await stat(stateDir)).mode & 0o777, 0o700, 'and so is the state dir it created')

  const second = await spawnGateway(args, env)
  t.teardown(() => second.kill('SIGKILL'))
  t.equal(await get(second.address), 200)
  t.equal(fake.stats.rejectedExchanges, 0, 'the dead seed was never tried')
  t.equal(fake.stats.exchanges, 1, 'the stored access token was still good: no exchange at all')

  // Past expiry the stored refresh token, not the seed, is what gets exchanged.
  fake.expireAccessTokens()
  t.equal(await get(second.address), 200)
  t.equal(fake.stats.exchanges, 2)
  t.equal(fake.stats.reuse, 0)
  t.equal(fake.stats.rejectedExchanges, 0)
})

void t.test('kill -9 while an exchange is in flight leaves a store that works on restart', { skip }, async (t) => {
  const fake = await startFakeHubstaff({ tokenDelayMs: 3000 })
  t.teardown(() => fake.close())
  const stateDir = t.testdir()
  const args = ['--port', '0', '--state-dir', stateDir, '--upstream', fake.origin, '--auth-url', fake.origin]
  const env = { HUBSTAFF_REFRESH_TOKEN: fake.issueRefreshToken() }

  const doomed = await spawnGateway(args, env)
  const pending = request(`${doomed.address}/v2/users/me`).catch((err: unknown) => err)
  await new Promise((r) => setTimeout(r, 500))
  await doomed.kill('SIGKILL')
  await pending

  fake.tokenDelayMs = 0
  const revived = await spawnGateway(args, env)
  t.teardown(() => revived.kill('SIGKILL'))
  t.equal(await get(revived.address), 200)
  t.equal(fake.stats.reuse, 0)
  t.equal(fake.stats.rejectedExchanges, 0)
})

void t.test('kill -9 right after an exchange leaves the rotated token on disk', { skip }, async (t) => {
  const fake = await startFakeHubstaff()
  t.teardown(() => fake.close())
  const stateDir = t.testdir()
  const seed = fake.issueRefreshToken()
  const args = ['--port', '0', '--state-dir', stateDir, '--upstream', fake.origin, '--auth-url', fake.origin]
  const env = { HUBSTAFF_REFRESH_TOKEN: seed }

  const doomed = await spawnGateway(args, env)
  t.equal(await get(doomed.address), 200)
  await doomed.kill('SIGKILL')
  const store = JSON.parse(await readFile(join(stateDir, 'tokens.json'), 'utf8')) as { refreshToken: string }
  t.not(store.refreshToken, seed, 'the rotated refresh token was persisted before the answer')

  // A crash in the middle of a later write leaves at most a stray temp file beside the store.
  await writeFile(join(stateDir, 'tokens.json.1234567890'), '{"refreshTo', { mode: 0o600 })
  fake.expireAccessTokens()
  const revived = await spawnGateway(args, env)
  t.teardown(() => revived.kill('SIGKILL'))
  t.equal(await get(revived.address), 200)
  t.equal(fake.stats.reuse, 0)
  t.equal(fake.stats.rejectedExchanges, 0)
  t.ok((await readdir(stateDir)).includes('tokens.json'))
})
