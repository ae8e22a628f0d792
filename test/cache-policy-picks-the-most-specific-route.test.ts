// The freshness policy is a table: the most specific pattern decides, and --cache-policy overrides
// or extends the defaults without caring about order.
import t from 'tap'
import { loadConfig, parseCommandLine } from '../src/config/load.js'
import { parseQuery } from '../src/api/query.js'
import { compilePolicy, DEFAULT_POLICY } from '../src/cache/policy.js'
import { compilePattern, matchPattern } from '../src/cache/route-pattern.js'

const NOW = Date.UTC(2026, 6, 15, 12)
const ttl = (policy: ReturnType<typeof compilePolicy>, path: string, query = '') => policy.freshness(path, parseQuery(query), NOW).ttlMs / 1000

void t.test('route patterns', (t) => {
  t.same(matchPattern(compilePattern('/v2/projects/*/tasks'), '/v2/projects/7/tasks'), ['7'])
  t.equal(matchPattern(compilePattern('/v2/projects/*/tasks'), '/v2/projects/7/tasks/1'), undefined)
  t.equal(matchPattern(compilePattern('/v2/projects/*'), '/v2/projects'), undefined, '* is exactly one segment')
  t.same(matchPattern(compilePattern('/v2/tasks/9/**'), '/v2/tasks/9'), [], '** may be no segment')
  t.same(matchPattern(compilePattern('/v2/tasks/9/**'), '/v2/tasks/9/a/b'), [])
  t.equal(matchPattern(compilePattern('/v2/tasks/9/**'), '/v2/tasks/90'), undefined)
  t.equal(matchPattern(compilePattern('/v2/a.b'), '/v2/aXb'), undefined, 'literal segments are literal')
  for (const bad of ['v2/tasks', '/v3/x', '/v2/**/tasks', '/v2/ta*sks', '/v2//x']) t.throws(() => compilePattern(bad), bad)
  t.end()
})

void t.test('the defaults', (t) => {
  const policy = compilePolicy()
  t.equal(ttl(policy, '/v2/users/me'), 3600)
  t.equal(ttl(policy, '/v2/users/5001'), 3600)
  t.equal(ttl(policy, '/v2/organizations'), 3600)
  t.equal(ttl(policy, '/v2/organizations/1001'), 3600)
  t.equal(ttl(policy, '/v2/organizations/1001/members'), 300)
  t.equal(ttl(policy, '/v2/organizations/1001/projects'), 300)
  t.equal(ttl(policy, '/v2/projects/20001'), 300)
  t.equal(ttl(policy, '/v2/projects/20001/tasks'), 60)
  t.equal(ttl(policy, '/v2/organizations/1001/tasks'), 60)
  t.equal(ttl(policy, '/v2/tasks/9'), 60)
  t.equal(ttl(policy, '/v2/organizations/1001/activities', 'time_slot[stop]=2026-07-15T12:00:00Z'), 120)
  t.equal(ttl(policy, '/v2/docs'), 86_400)
  t.equal(ttl(policy, '/v2/organizations/1001/holidays'), 60, 'anything else: a minute')
  t.equal(policy.freshness('/v2/organizations/1001/members', [], NOW).route, '/v2/organizations/*/members', 'says which rule decided')
  t.ok(DEFAULT_POLICY.every((rule) => rule.ttl >= 0))
  t.end()
})

void t.test('overrides replace a default, add routes, and the most specific still wins', (t) => {
  const policy = compilePolicy({
    '/v2/users/me': 60,
    '/v2/projects/20001/tasks': 5,
    '/v2/organizations/*/holidays': 86_400,
    '/v2/organizations/*/activities/daily': { ttl: 30, settledTtl: 86_400 },
    '/v2/organizations/*/timesheets': 600,
    '/v2/organizations/*/client_invoices': { ttl: 60, settledTtl: 3600, range: ['issue_date'] },
    '/v2/error_codes': 0,
  })
  t.equal(ttl(policy, '/v2/users/me'), 60)
  t.equal(ttl(policy, '/v2/projects/20001/tasks'), 5, 'one project, more specific than /v2/projects/*/tasks')
  t.equal(ttl(policy, '/v2/projects/20002/tasks'), 60, 'others keep the default')
  t.equal(ttl(policy, '/v2/organizations/1001/holidays'), 86_400)
  const daily = '/v2/organizations/1001/activities/daily'
  t.equal(ttl(policy, daily, 'date[stop]=2026-07-15'), 30)
  t.equal(ttl(policy, daily, 'date[stop]=2026-07-01'), 86_400)
  t.equal(ttl(policy, '/v2/projects/1/activities/daily', 'date[stop]=2026-07-01'), 6 * 3600, 'the project-level default is untouched')
  t.equal(ttl(policy, '/v2/organizations/1001/timesheets', 'date[stop]=2026-07-01'), 600, 'a number sets both TTLs of a ranged default')
  t.equal(ttl(policy, '/v2/organizations/1001/client_invoices', 'issue_date[stop]=2026-07-01'), 3600, 'a new ranged route')
  t.equal(ttl(policy, '/v2/error_codes'), 0, '0: never cached')
  t.end()
})

void t.test('--cache-policy is read from a flag, the environment or the config file', (t) => {
  const fromFlag = loadConfig(parseCommandLine(['--cache-policy', '{"/v2/users/me":60,"/v2/tasks/*":{"ttl":10}}']), {}).config.cachePolicy
  t.same(fromFlag, { '/v2/users/me': 60, '/v2/tasks/*': { ttl: 10 } })
  const fromEnv = loadConfig(parseCommandLine([]), { HUBSTAFF_GATEWAY_CACHE_POLICY: '{"/v2/**":5}' }).config.cachePolicy
  t.same(fromEnv, { '/v2/**': 5 })
  t.same(loadConfig(parseCommandLine([]), {}).config.cachePolicy, {}, 'none by default')
  t.equal(ttl(compilePolicy(fromEnv), '/v2/organizations/1/holidays'), 5)
  t.end()
})
