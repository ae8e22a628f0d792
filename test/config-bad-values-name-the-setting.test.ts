// A bad value stops start-up with one line that names the setting, the value and what is allowed;
// the refresh token is never echoed. In-process, through parseCommandLine + loadConfig (and main for
// the exit code), exactly as the CLI resolves its configuration.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { main } from '../src/cli.js'
import { loadConfig, parseCommandLine } from '../src/config/load.js'
import { envName, SETTING_KEYS, SETTINGS, type SettingKey } from '../src/config/settings.js'
import { ConfigError } from '../src/errors.js'

type Env = Record<string, string | undefined>

/** At least one bad value per setting; typed so that a new setting without bad values fails to compile. */
const BAD: Record<SettingKey, readonly string[]> = {
  mode: ['fast', 'LIVE', ''],
  host: ['', '   '],
  port: ['65536', '-1', '80.5', 'abc', '0x50'],
  upstream: ['ftp://api.example.test', 'api.hubstaff.com', 'not a url', ''],
  authUrl: ['file:///etc/passwd', 'account'],
  refreshToken: ['has a space', 'tab\there', ''],
  stateDir: ['', '  '],
  recordings: [''],
  budget: ['0', '1000001', 'many', '1.5'],
  budgetWindow: ['0', '86401', '1h'],
  budgetMargin: ['-1', '61', '1s'],
  redis: ['http://cache.test', 'localhost:6379', ''],
  spec: [''],
  upstreamTimeout: ['0.01', '601', 'soon', '-5'],
  upstreamConnections: ['0', '1025', 'lots'],
  refreshMargin: ['-1', '3601', '2m'],
  tokenTimeout: ['0', '121', 'x'],
  bodyLimit: ['1023', '104857601', '10mb'],
  shutdownTimeout: ['-1', '601', 'never'],
  logLevel: ['verbose', 'INFO ', 'warning'],
  logFormat: ['text', 'JSON', ''],
  budgetReserve: ['-1', 'some'],
  budgetMaxWait: ['-1', '3601', 'long'],
  budgetPause: ['0', 'x'],
  budgetMaxPause: ['0', '86401', 'x'],
  budgetChargeTokenExchanges: ['maybe', '2'],
  redisInstances: ['0', 'x'],
  apps: ['not json', '[{"name":"a"}]', '{"name":"a"}', `[{"name":"a","keySha256":"${'a'.repeat(64)}","quota":2}]`],
  cache: ['maybe', 'enabled'],
  cacheMaxEntries: ['0', '10000001', 'lots'],
  cacheMaxBytes: ['1024', '64mb', '17179869185'],
  cacheStaleWhileRevalidate: ['-1', '86401', '1m'],
  cacheStaleIfError: ['-1', '604801', 'forever'],
  cachePolicy: ['not json', '[]', '{"/v1/users":60}', '{"/v2/users/me":-1}', '{"/v2/tasks/*":{"settledTtl":60}}', '{"/v2/**/tasks":60}'],
  adminKeySha256: ['abc', 'A'.repeat(64), 'g'.repeat(64), ''],
  adminKey: ['short', 'has a space in it somewhere', ''],
  journalSize: ['0', '100001', 'many'],
  allowedHosts: ['http://gw.example', 'gw.example:8787', 'a b', '*', '["x",1]'],
  corsOrigins: ['*', 'localhost:3000', 'http://localhost:3000/app', 'ftp://files.example', 'http://*.example'],
  allowExposed: ['maybe', '2'],
  fallback: ['replay', 'MOCK', ''],
  recordRedact: ['', 'user..email', '[1]', '[oops', 'a b'],
  mockBudget: ['maybe', '2'],
  mockBlankAfter: ['59', '1w', 'soon', '-7d', '4y'],
  mockSeed: ['', 'x'.repeat(201), 'tab\there'],
  mockSize: ['huge', 'SMALL', ''],
  mockFixtures: [''],
  mockLatency: ['-1', '60001', '800-100', 'slow', '1.5'],
  mockSessionIdle: ['59', 'soon', '-30m'],
  mockSessionsMax: ['0', '100001', 'many'],
  mockFixturesMaxBytes: ['1023', '32mb', '1073741825'],
  split: ['maybe', 'split'],
  splitConcurrency: ['0', '17', 'two', '1.5'],
  splitUpFront: ['sometimes', '2'],
  splitReuse: ['always', '-1'],
  splitKeepBytes: ['-1', '64mb', '17179869185'],
  clientId: ['has a space', ''],
  clientSecret: ['has a space', 'tab\there', ''],
  headersTimeout: ['0', '601', 'soon'],
  requestTimeout: ['0.05', '3601', 'later'],
  keepAliveTimeout: ['0', '601', '5s'],
  maxConnections: ['0', '1000001', 'many', '1.5'],
  upstreamMaxBytes: ['1023', '64mb', '4294967297'],
  replayMaxBytes: ['1023', '64mb', '-1'],
  splitMaxPieces: ['0', '100001', 'lots'],
  budgetMaxQueue: ['-1', '1000001', 'long'],
}

function configError(t: Test, fn: () => unknown, what: string): ConfigError | undefined {
  try {
    fn()
  } catch (err) {
    t.type(err, ConfigError, `${what}: throws a ConfigError`)
    if (!(err instanceof ConfigError)) return undefined
    t.equal(err.code, 'HSG_CONFIG_INVALID', `${what}: code HSG_CONFIG_INVALID`)
    t.notMatch(err.message, /[\r\n]/, `${what}: one line`)
    return err
  }
  t.fail(`${what}: expected a ConfigError, got none`)
  return undefined
}

const dirs = new WeakMap<Test, string>()
let files = 0

/** Writes a file (a new one each call) into the test's own directory; returns its path. */
function file(t: Test, content: string): string {
  let dir = dirs.get(t)
  if (dir === undefined) {
    dir = t.testdir()
    dirs.set(t, dir)
  }
  const path = join(dir, `gateway-${++files}.json`)
  writeFileSync(path, content)
  return path
}

const fromFlag = (key: SettingKey, value: string) => () => loadConfig(parseCommandLine([`--${SETTINGS[key].flag}=${value}`]), {})
const fromEnv = (key: SettingKey, value: string, name = envName(SETTINGS[key].flag)) => () => loadConfig(parseCommandLine([]), { [name]: value })

void t.test('every setting has bad values to try', (t) => {
  t.same(Object.keys(BAD).sort(), [...SETTING_KEYS].sort())
  t.end()
})

void t.test('a bad flag value names --<flag>, the value and what is allowed', (t) => {
  for (const key of SETTING_KEYS) {
    const spec = SETTINGS[key]
    for (const value of BAD[key]) {
      const what = `--${spec.flag} ${JSON.stringify(value)}`
      const err = configError(t, fromFlag(key, value), what)
      if (err === undefined) continue
      t.match(err.message, `invalid --${spec.flag} `, `${what}: names the setting`)
      t.match(err.message, `expected ${spec.allowed}`, `${what}: says what is allowed`)
      if (spec.secret === true) {
        t.match(err.message, '"***"', `${what}: the secret shows as "***"`)
        if (value.trim() !== '') t.notMatch(err.message, value, `${what}: the secret is not echoed`)
      } else {
        t.match(err.message, JSON.stringify(value), `${what}: names the value`)
      }
      t.notMatch(err.message, '(from ', `${what}: a flag needs no source`)
    }
  }
  t.end()
})

void t.test('a bad environment value also names the variable it came from', (t) => {
  for (const key of SETTING_KEYS) {
    const spec = SETTINGS[key]
    // An empty variable counts as unset, so only non-empty bad values apply here.
    for (const value of BAD[key].filter((v) => v !== '')) {
      const name = envName(spec.flag)
      const what = `${name}=${JSON.stringify(value)}`
      const err = configError(t, fromEnv(key, value), what)
      if (err === undefined) continue
      t.match(err.message, `invalid --${spec.flag} `, `${what}: names the setting`)
      t.match(err.message, `(from ${name})`, `${what}: names the variable`)
      t.match(err.message, `expected ${spec.allowed}`, `${what}: says what is allowed`)
      if (spec.secret !== true) t.match(err.message, JSON.stringify(value), `${what}: names the value`)
    }
  }
  t.end()
})

void t.test('a bad config file value names the setting, the value and the file', (t) => {
  const cases: [string, unknown, SettingKey][] = [
    ['port', 70000, 'port'],
    ['port', true, 'port'],
    ['budgetWindow', 0, 'budgetWindow'],
    ['budget-window', '1h', 'budgetWindow'],
    ['host', 42, 'host'],
    ['upstream', 'ftp://x.test', 'upstream'],
    ['mode', null, 'mode'],
    ['logLevel', ['info'], 'logLevel'],
    ['upstreamTimeout', { seconds: 5 }, 'upstreamTimeout'],
  ]
  for (const [name, value, key] of cases) {
    const path = file(t, JSON.stringify({ [name]: value }))
    const what = `file ${JSON.stringify({ [name]: value })}`
    const err = configError(t, () => loadConfig(parseCommandLine(['--config', path]), {}), what)
    if (err === undefined) continue
    t.match(err.message, `invalid --${SETTINGS[key].flag} ${JSON.stringify(value)}`, `${what}: names setting and value`)
    t.match(err.message, `(from "${SETTINGS[key].flag}" in ${path})`, `${what}: names the file`)
    t.match(err.message, `expected ${SETTINGS[key].allowed}`, `${what}: says what is allowed`)
  }
  t.end()
})

void t.test('the refresh token is never echoed, whatever its source', (t) => {
  const secret = 'pat secret-value-0123456789'
  const sources: [string, () => unknown][] = [
    ['flag', fromFlag('refreshToken', secret)],
    ['HUBSTAFF_GATEWAY_REFRESH_TOKEN', fromEnv('refreshToken', secret)],
    ['HUBSTAFF_REFRESH_TOKEN', fromEnv('refreshToken', secret, 'HUBSTAFF_REFRESH_TOKEN')],
    ['file', () => loadConfig(parseCommandLine(['--config', file(t, JSON.stringify({ refreshToken: secret }))]), {})],
  ]
  for (const [source, load] of sources) {
    const err = configError(t, load, `refresh token from ${source}`)
    if (err === undefined) continue
    t.notMatch(err.message, 'secret-value', `${source}: value not echoed`)
    t.match(err.message, 'invalid --refresh-token "***"', `${source}: shows "***"`)
    if (source.startsWith('HUBSTAFF')) t.match(err.message, `(from ${source})`, `${source}: names the variable`)
  }
  // A config file that is not JSON must not leak the token through the parser's message either.
  for (const broken of [`{"refreshToken": "secret-value-0123456789" x}`, `{refreshToken: secret-value-0123456789}`, `secret-value-0123456789\n`]) {
    const err = configError(t, () => loadConfig(parseCommandLine(['--config', file(t, broken)]), {}), `broken file ${JSON.stringify(broken)}`)
    if (err !== undefined) t.notMatch(err.message, 'secret-value', 'the file content is not echoed')
  }
  t.end()
})

void t.test('an unknown flag is named', (t) => {
  for (const flag of ['--nope', '--prot', '-x']) {
    const err = configError(t, () => parseCommandLine([flag, '1']), flag)
    if (err !== undefined) t.match(err.message, `unknown flag ${flag}`)
  }
  const err = configError(t, () => parseCommandLine(['--nope=1']), '--nope=1')
  if (err !== undefined) t.match(err.message, 'unknown flag --nope')
  t.end()
})

void t.test('a flag without its value is named', (t) => {
  const cases: [string[], string][] = [
    [['--port'], '--port needs a value'],
    [['--host', '--port', '1'], '--host needs a value'],
    [['serve', '--refresh-token'], '--refresh-token needs a value'],
    [['--config'], '--config needs a value'],
    [['--help=yes'], '--help takes no value'],
  ]
  for (const [argv, expected] of cases) {
    const err = configError(t, () => parseCommandLine(argv), argv.join(' '))
    if (err !== undefined) t.match(err.message, expected)
  }
  t.end()
})

void t.test('a config file that is missing, not JSON or not an object is named', (t) => {
  const dir = t.testdir()
  const missing = join(dir, 'missing.json')
  let err = configError(t, () => loadConfig(parseCommandLine(['--config', missing]), {}), 'missing file')
  if (err !== undefined) {
    t.match(err.message, `invalid --config "${missing}"`)
    t.match(err.message, 'file not found')
  }

  err = configError(t, () => loadConfig(parseCommandLine(['--config', dir]), {}), 'a directory')
  if (err !== undefined) t.match(err.message, `invalid --config "${dir}": cannot read it`)

  const notJson = file(t, '{"port": 8080,\n}')
  err = configError(t, () => loadConfig(parseCommandLine(['--config', notJson]), {}), 'invalid JSON')
  if (err !== undefined) {
    t.match(err.message, `invalid --config "${notJson}"`)
    t.match(err.message, 'not valid JSON')
    t.match(err.message, 'line 2', 'says where')
  }

  for (const content of ['[1, 2]', '"port"', '42', 'null']) {
    const path = file(t, content)
    err = configError(t, () => loadConfig(parseCommandLine(['--config', path]), {}), `file ${content}`)
    if (err !== undefined) t.match(err.message, `invalid --config "${path}": expected a JSON object of settings`)
  }

  // Named by HUBSTAFF_GATEWAY_CONFIG: the line says so.
  err = configError(t, () => loadConfig(parseCommandLine([]), { HUBSTAFF_GATEWAY_CONFIG: missing }), 'missing file from env')
  if (err !== undefined) t.match(err.message, `invalid --config "${missing}" (from HUBSTAFF_GATEWAY_CONFIG): file not found`)
  t.end()
})

void t.test('an unknown key in the config file is named, with the allowed keys', (t) => {
  const path = file(t, JSON.stringify({ port: 8080, budgetwindow: 60 }))
  const err = configError(t, () => loadConfig(parseCommandLine(['--config', path]), {}), 'unknown key')
  if (err !== undefined) {
    t.match(err.message, `invalid --config "${path}": unknown setting "budgetwindow"`)
    for (const key of SETTING_KEYS) t.match(err.message, SETTINGS[key].flag, `lists ${SETTINGS[key].flag}`)
  }
  const sneaky = file(t, JSON.stringify({ 'bad\nkey': 1 }))
  const err2 = configError(t, () => loadConfig(parseCommandLine(['--config', sneaky]), {}), 'key with a newline')
  if (err2 !== undefined) t.match(err2.message, 'unknown setting "bad\\nkey"')
  t.end()
})

void t.test('main() answers a configuration problem with one stderr line and exit code 2', async (t) => {
  const cases: [string[], Env, RegExp][] = [
    [['--port', 'abc'], {}, /^hubstaff-gateway: invalid --port "abc": expected a whole number/],
    [[], { HUBSTAFF_GATEWAY_BUDGET: '0' }, /^hubstaff-gateway: invalid --budget "0" \(from HUBSTAFF_GATEWAY_BUDGET\)/],
    [['--nope'], {}, /^hubstaff-gateway: unknown flag --nope/],
    [['frobnicate'], {}, /^hubstaff-gateway: unknown command "frobnicate"; allowed: serve/],
    [['--refresh-token', 'a b'], {}, /^hubstaff-gateway: invalid --refresh-token "\*\*\*"/],
  ]
  for (const [argv, env, expected] of cases) {
    const out: string[] = []
    const err: string[] = []
    const code = await main({ argv, env, stdout: (s) => out.push(s), stderr: (s) => err.push(s) })
    const what = `${argv.join(' ')} ${JSON.stringify(env)}`
    t.equal(code, 2, `${what}: exit code 2`)
    t.same(out, [], `${what}: nothing on stdout`)
    t.equal(err.length, 1, `${what}: one write`)
    t.match(err.join(''), expected, what)
    t.match(err.join(''), /^[^\n]*\n$/, `${what}: exactly one line`)
    t.notMatch(err.join(''), 'a b', `${what}: never the token`)
  }
})
