// doctor with --redis: the Redis check answers PONG, and the token it exchanges goes to the shared
// store, so `token --redis` on another state dir (another instance) sees the same lineage.
import { join } from 'node:path'
import t from 'tap'
import { runCli } from './helpers/cli-in-process.js'
import { startFakeHubstaff } from './helpers/fake-hubstaff.js'
import { REDIS_AVAILABLE, REDIS_SKIP, startRedis } from './helpers/redis-server.js'

void t.test('doctor checks Redis and writes the exchanged token where every instance reads it', { skip: REDIS_AVAILABLE ? false : REDIS_SKIP }, async (t) => {
  const redis = await startRedis(t)
  const fake = await startFakeHubstaff()
  t.teardown(() => fake.close())
  const root = t.testdir()
  const common = ['--redis', redis.url, '--upstream', fake.origin, '--auth-url', fake.origin]
  const doctor = await runCli(['doctor', '--json', '--state-dir', join(root, 'a'), ...common], { HUBSTAFF_REFRESH_TOKEN: fake.issueRefreshToken() })
  t.equal(doctor.code, 0, doctor.stdout)
  const report = JSON.parse(doctor.stdout) as { checks: { name: string; status: string; message: string }[] }
  t.match(report.checks.find((c) => c.name === 'redis'), { status: 'ok', message: /answered PONG in \d+ ms/ })
  t.match(report.checks.find((c) => c.name === 'token'), { status: 'ok' })

  const other = await runCli(['token', '--json', '--state-dir', join(root, 'b'), '--redis', redis.url])
  t.equal(other.code, 0)
  t.match(JSON.parse(other.stdout), { state: 'ok', subject: /\d+/, store: /^redis:\/\// }, 'another instance sees the token through Redis')
  t.equal(fake.stats.exchanges, 1, 'one exchange for both')
})
