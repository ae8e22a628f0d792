// Precedence flag > environment > config file > default, resolved in-process through
// parseCommandLine + loadConfig, exactly as the CLI does it.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { loadConfig, parseCommandLine, type LoadedConfig } from '../src/config/load.js'
import { envName, SETTING_KEYS, SETTINGS, type SettingKey } from '../src/config/settings.js'

type Env = Record<string, string | undefined>

function load(argv: string[], env: Env = {}): LoadedConfig {
  return loadConfig(parseCommandLine(argv), env)
}

const dirs = new WeakMap<Test, string>()
let files = 0

/** Writes a JSON config file (a new one each call) into the test's own directory; returns its path. */
function configFile(t: Test, settings: Record<string, unknown>): string {
  let dir = dirs.get(t)
  if (dir === undefined) {
    dir = t.testdir()
    dirs.set(t, dir)
  }
  const path = join(dir, `gateway-${++files}.json`)
  writeFileSync(path, JSON.stringify(settings))
  return path
}

// Several settings of different kinds, each with a distinct value per level.
const LEVELS = {
  port: { flag: '1111', env: '2222', file: 3333, expected: { flag: 1111, env: 2222, file: 3333, default: 8787 } },
  host: { flag: '10.0.0.1', env: '10.0.0.2', file: '10.0.0.3', expected: { flag: '10.0.0.1', env: '10.0.0.2', file: '10.0.0.3', default: '127.0.0.1' } },
  'budget-window': { flag: '60', env: '120', file: 180, expected: { flag: 60, env: 120, file: 180, default: 3600 } },
  mode: { flag: 'mock', env: 'replay', file: 'record', expected: { flag: 'mock', env: 'replay', file: 'record', default: undefined } },
  upstream: {
    flag: 'http://flag.test',
    env: 'http://env.test',
    file: 'http://file.test',
    expected: { flag: 'http://flag.test', env: 'http://env.test', file: 'http://file.test', default: 'https://api.hubstaff.com' },
  },
  'upstream-timeout': { flag: '1.5', env: '2.5', file: 3.5, expected: { flag: 1.5, env: 2.5, file: 3.5, default: 40 } },
  'log-level': { flag: 'warn', env: 'error', file: 'debug', expected: { flag: 'warn', env: 'error', file: 'debug', default: 'info' } },
} as const

const keyOf = (flag: string) => {
  const key = SETTING_KEYS.find((k) => SETTINGS[k].flag === flag)
  if (key === undefined) throw new Error(`no setting --${flag}`)
  return key
}

void t.test('with nothing given every setting is its default', (t) => {
  const env = { XDG_STATE_HOME: '/xdg/state' }
  const { config, sources } = load([], env)
  for (const key of SETTING_KEYS) {
    const spec = SETTINGS[key]
    // A default read from the environment comes from the env given, not from this process's.
    const expected = 'envDefault' in spec && spec.envDefault !== undefined ? spec.envDefault(env) : spec.default
    t.same(config[key], expected, `${key} defaults to ${JSON.stringify(expected)}`)
    t.equal(sources[key], 'default')
  }
  t.equal(config.port, 8787)
  t.equal(config.host, '127.0.0.1')
  t.equal(config.mode, undefined, 'mode is decided later, from whether a token is known')
  t.end()
})

void t.test('each level wins over the next, for several settings', (t) => {
  for (const [flag, level] of Object.entries(LEVELS)) {
    const key = keyOf(flag)
    const file = configFile(t, { [flag]: level.file })
    const env = { [envName(flag)]: level.env, HUBSTAFF_GATEWAY_CONFIG: file }
    const flagArgs = [`--${flag}`, level.flag]

    let r = load(flagArgs, env)
    t.same(r.config[key], level.expected.flag, `--${flag}: flag beats env and file`)
    t.equal(r.sources[key], 'flag')

    r = load([], env)
    t.same(r.config[key], level.expected.env, `--${flag}: env beats file`)
    t.equal(r.sources[key], 'env')

    r = load([], { HUBSTAFF_GATEWAY_CONFIG: file })
    t.same(r.config[key], level.expected.file, `--${flag}: file beats default`)
    t.equal(r.sources[key], 'file')

    r = load([])
    t.same(r.config[key], level.expected.default, `--${flag}: default when nothing is given`)
    t.equal(r.sources[key], 'default')

    // flag beats file with no env in between
    r = load([...flagArgs, '--config', file])
    t.same(r.config[key], level.expected.flag, `--${flag}: flag beats file`)
  }
  t.end()
})

void t.test('levels mix: each setting comes from its own highest level', (t) => {
  const file = configFile(t, { port: 3333, host: '10.0.0.3', budget: 5 })
  const { config, sources } = load(['--port', '1111', '--config', file], { HUBSTAFF_GATEWAY_HOST: '10.0.0.2' })
  t.equal(config.port, 1111)
  t.equal(config.host, '10.0.0.2')
  t.equal(config.budget, 5)
  t.equal(config.budgetWindow, 3600)
  t.same(
    { port: sources.port, host: sources.host, budget: sources.budget, budgetWindow: sources.budgetWindow },
    { port: 'flag', host: 'env', budget: 'file', budgetWindow: 'default' },
  )
  t.end()
})

void t.test('--flag=value and --flag value are the same; the command defaults to serve', (t) => {
  const a = parseCommandLine(['--port=1234', '--budget', '7'])
  t.equal(a.command, 'serve')
  t.same(a.flags, { port: '1234', budget: '7' })
  const b = parseCommandLine(['serve', '--port', '1234'])
  t.equal(b.command, 'serve')
  t.same(b.flags, { port: '1234' })
  t.equal(load(['--port=1234']).config.port, 1234)
  t.equal(parseCommandLine(['--help']).help, true)
  t.equal(parseCommandLine(['-h']).help, true)
  t.equal(parseCommandLine(['-v']).version, true)
  t.equal(parseCommandLine(['doctor', 'x']).command, 'doctor')
  t.same(parseCommandLine(['doctor', 'x']).args, ['x'])
  t.end()
})

void t.test('an empty environment variable counts as unset', (t) => {
  const file = configFile(t, { port: 3333 })
  const { config, sources } = load(['--config', file], { HUBSTAFF_GATEWAY_PORT: '', HUBSTAFF_GATEWAY_HOST: '' })
  t.equal(config.port, 3333)
  t.equal(sources.port, 'file')
  t.equal(config.host, '127.0.0.1')
  t.equal(load([], { HUBSTAFF_GATEWAY_CONFIG: '' }).sources.port, 'default', 'empty HUBSTAFF_GATEWAY_CONFIG names no file')
  t.end()
})

void t.test('HUBSTAFF_REFRESH_TOKEN and HUBSTAFF_GATEWAY_REFRESH_TOKEN both seed the token', (t) => {
  let r = load([], { HUBSTAFF_REFRESH_TOKEN: 'pat-plain' })
  t.equal(r.config.refreshToken, 'pat-plain')
  t.equal(r.sources.refreshToken, 'env')

  r = load([], { HUBSTAFF_GATEWAY_REFRESH_TOKEN: 'pat-gateway' })
  t.equal(r.config.refreshToken, 'pat-gateway')
  t.equal(r.sources.refreshToken, 'env')

  r = load([], { HUBSTAFF_GATEWAY_REFRESH_TOKEN: 'pat-gateway', HUBSTAFF_REFRESH_TOKEN: 'pat-plain' })
  t.equal(r.config.refreshToken, 'pat-gateway', 'the gateway-specific variable wins when both are set')

  r = load([], { HUBSTAFF_GATEWAY_REFRESH_TOKEN: '', HUBSTAFF_REFRESH_TOKEN: 'pat-plain' })
  t.equal(r.config.refreshToken, 'pat-plain', 'an empty gateway variable falls through to HUBSTAFF_REFRESH_TOKEN')

  r = load(['--refresh-token', 'pat-flag'], { HUBSTAFF_GATEWAY_REFRESH_TOKEN: 'pat-gateway', HUBSTAFF_REFRESH_TOKEN: 'pat-plain' })
  t.equal(r.config.refreshToken, 'pat-flag', 'the flag beats both variables')
  t.equal(r.sources.refreshToken, 'flag')

  const file = configFile(t, { refreshToken: 'pat-file' })
  r = load(['--config', file], { HUBSTAFF_REFRESH_TOKEN: 'pat-plain' })
  t.equal(r.config.refreshToken, 'pat-plain', 'both variables beat the file')
  r = load(['--config', file], {})
  t.equal(r.config.refreshToken, 'pat-file')
  t.equal(r.sources.refreshToken, 'file')

  t.equal(load([]).config.refreshToken, undefined, 'no token by default')
  t.end()
})

/** Settings without a default: each needs a valid sample below (the compiler asks for new ones). */
type NoDefault = { [K in SettingKey]: (typeof SETTINGS)[K]['default'] extends undefined ? K : never }[SettingKey]

/** A valid value per setting whose default would not show that the file set it. */
const SAMPLE: Record<NoDefault, unknown> & Partial<Record<SettingKey, unknown>> = {
  mode: 'mock',
  logLevel: 'warn',
  refreshToken: 'pat-sample',
  redis: 'redis://r.test:6379',
  spec: 'spec.json',
  adminKeySha256: 'a'.repeat(64),
  adminKey: 'k'.repeat(32),
  mockBlankAfter: '7d',
  mockFixtures: 'fixtures.json',
  mockLatency: '100-800',
  clientId: 'client-sample',
  clientSecret: 'secret-sample',
  budgetMaxPause: 120,
}

void t.test('config file keys are accepted as flag names and as camelCase', (t) => {
  const asFlags = configFile(t, { 'budget-window': 60, 'state-dir': '/tmp/flag-names', 'auth-url': 'http://auth.test', port: '9000' })
  let r = load(['--config', asFlags])
  t.equal(r.config.budgetWindow, 60)
  t.equal(r.config.stateDir, '/tmp/flag-names')
  t.equal(r.config.authUrl, 'http://auth.test')
  t.equal(r.config.port, 9000, 'numbers may be given as strings too')

  const asCamel = configFile(t, { budgetWindow: 90, stateDir: '/tmp/camel', authUrl: 'http://auth2.test', upstreamConnections: 4 })
  r = load(['--config', asCamel])
  t.equal(r.config.budgetWindow, 90)
  t.equal(r.config.stateDir, '/tmp/camel')
  t.equal(r.config.authUrl, 'http://auth2.test')
  t.equal(r.config.upstreamConnections, 4)

  // Every setting can be given in the file, under either name.
  for (const key of SETTING_KEYS) {
    for (const name of new Set([key, SETTINGS[key].flag])) {
      const value = SAMPLE[key] ?? SETTINGS[key].default ?? 'x'
      const { sources } = load(['--config', configFile(t, { [name]: value })])
      t.equal(sources[key], 'file', `file key "${name}" sets ${key}`)
    }
  }
  t.end()
})

void t.test('HUBSTAFF_GATEWAY_CONFIG names the config file; --config beats it', (t) => {
  const fromEnv = configFile(t, { port: 4001 })
  const fromFlag = configFile(t, { port: 4002 })
  t.equal(load([], { HUBSTAFF_GATEWAY_CONFIG: fromEnv }).config.port, 4001)
  t.equal(load(['--config', fromFlag], { HUBSTAFF_GATEWAY_CONFIG: fromEnv }).config.port, 4002)
  t.equal(parseCommandLine(['--config', fromFlag]).configFile, fromFlag)
  t.equal(parseCommandLine([]).configFile, undefined)
  t.end()
})

void t.test('the result is frozen', (t) => {
  const { config, sources } = load(['--port', '1234'])
  t.ok(Object.isFrozen(config), 'config is frozen')
  t.ok(Object.isFrozen(sources), 'sources are frozen')
  t.throws(() => {
    ;(config as { port: number }).port = 1
  }, TypeError)
  t.equal(config.port, 1234)
  t.same(Object.keys(config).sort(), [...SETTING_KEYS].sort(), 'every setting is present, none extra')
  t.end()
})

void t.test('trailing slashes are stripped from URLs, from every source', (t) => {
  let r = load(['--upstream', 'https://api.example.test/', '--auth-url', 'https://account.example.test///'])
  t.equal(r.config.upstream, 'https://api.example.test')
  t.equal(r.config.authUrl, 'https://account.example.test')

  r = load([], { HUBSTAFF_GATEWAY_UPSTREAM: 'http://127.0.0.1:9999/' })
  t.equal(r.config.upstream, 'http://127.0.0.1:9999')

  r = load(['--config', configFile(t, { upstream: 'http://proxy.test/prefix/', authUrl: 'http://auth.test/' })])
  t.equal(r.config.upstream, 'http://proxy.test/prefix')
  t.equal(r.config.authUrl, 'http://auth.test')
  t.end()
})

void t.test('values are trimmed and parsed to their types', (t) => {
  const { config } = load(['--port', ' 0 ', '--budget', '1000000', '--refresh-margin', '0', '--shutdown-timeout', '0.5', '--mode', ' mock '], {
    HUBSTAFF_GATEWAY_REDIS: 'rediss://cache.test:6380/0',
  })
  t.equal(config.port, 0, '0 picks a free port')
  t.equal(config.budget, 1_000_000)
  t.equal(config.refreshMargin, 0)
  t.equal(config.shutdownTimeout, 0.5)
  t.equal(config.mode, 'mock')
  t.equal(config.redis, 'rediss://cache.test:6380/0')
  t.end()
})
