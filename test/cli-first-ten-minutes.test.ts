// What a first-time user meets: state in the user's state folder whatever the current folder, paths
// in a config file taken from the file's folder, the `gateway listening` line at every log level
// but silent, readable logs on a terminal, a warning for a misspelt variable, a busy port that
// says what to type, and `login`'s fixed callback port.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { loadConfig, parseCommandLine } from '../src/config/load.js'
import { defaultStateDir } from '../src/config/state-dir.js'
import { unknownVariableWarnings } from '../src/config/unknown-env.js'
import { listeningLevel, prettyLogs } from '../src/logger.js'
import { run, skip } from './helpers/cli.js'
import { runCli } from './helpers/cli-in-process.js'
import { BIN, cleanEnv, ROOT, spawnGateway } from './helpers/gateway.js'

void t.test("the default state dir is the user's state folder by platform convention", (t) => {
  t.equal(defaultStateDir({ XDG_STATE_HOME: '/x/state', HOME: '/home/ada' }, 'linux'), '/x/state/hubstaff-gateway')
  t.equal(defaultStateDir({ HOME: '/home/ada' }, 'linux'), '/home/ada/.local/state/hubstaff-gateway', 'no XDG_STATE_HOME: ~/.local/state')
  t.equal(defaultStateDir({ XDG_STATE_HOME: 'relative', HOME: '/home/ada' }, 'linux'), '/home/ada/.local/state/hubstaff-gateway', 'a relative XDG_STATE_HOME is ignored, as the spec says')
  t.equal(defaultStateDir({ HOME: '/Users/ada' }, 'darwin'), '/Users/ada/Library/Application Support/hubstaff-gateway')
  t.equal(defaultStateDir({ LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, 'win32'), 'C:\\Users\\ada\\AppData\\Local\\hubstaff-gateway')
  // loadConfig reads the environment it is given.
  t.equal(loadConfig(parseCommandLine([]), { XDG_STATE_HOME: '/x/state' }).config.stateDir, process.platform === 'linux' ? '/x/state/hubstaff-gateway' : defaultStateDir({ XDG_STATE_HOME: '/x/state' }))
  t.equal(loadConfig(parseCommandLine(['--state-dir', '/mine']), { XDG_STATE_HOME: '/x/state' }).config.stateDir, '/mine', '--state-dir still wins')
  t.end()
})

void t.test('paths in a config file are taken from the folder of the file', (t) => {
  const dir = join(t.testdir(), 'conf')
  mkdirSync(dir)
  const file = join(dir, 'gateway.json')
  writeFileSync(file, JSON.stringify({ 'state-dir': 'state', recordings: './rec', 'mock-fixtures': '../fixtures.json', spec: 'https://example.test/spec.json', budget: 5 }))
  const { config } = loadConfig(parseCommandLine(['--config', file]), {})
  t.equal(config.stateDir, join(dir, 'state'))
  t.equal(config.recordings, join(dir, 'rec'))
  t.equal(config.mockFixtures, join(dir, '..', 'fixtures.json'))
  t.equal(config.spec, 'https://example.test/spec.json', 'a URL stays a URL')
  writeFileSync(file, JSON.stringify({ 'state-dir': '/abs/state' }))
  t.equal(loadConfig(parseCommandLine(['--config', file]), {}).config.stateDir, '/abs/state', 'an absolute path stays')
  // From a flag or the environment a relative path is the current folder's, as in any command.
  t.equal(loadConfig(parseCommandLine(['--config', file, '--state-dir', 'here']), {}).config.stateDir, 'here')
  t.end()
})

void t.test('started without --state-dir, the gateway keeps its state in $XDG_STATE_HOME/hubstaff-gateway (0700)', { skip }, async (t) => {
  const home = t.testdir()
  const gw = await spawnGateway(['--port', '0', '--log-format', 'json'], { XDG_STATE_HOME: home, HUBSTAFF_REFRESH_TOKEN: 'never-used-pat', HUBSTAFF_GATEWAY_UPSTREAM: 'http://127.0.0.1:9', HUBSTAFF_GATEWAY_MODE: 'mock' })
  t.teardown(() => gw.kill('SIGKILL'))
  const stateDir = join(home, 'hubstaff-gateway')
  await fetch(`${gw.address}/v2/users/me`).then((r) => r.text())
  t.ok(existsSync(stateDir), `${stateDir} exists`)
  t.equal(statSync(stateDir).mode & 0o777, 0o700, 'mode 0700')
  t.equal(await gw.kill('SIGTERM'), 0)
})

void t.test('the listening line is printed at every level but silent', (t) => {
  t.equal(listeningLevel({ level: 'info' }), 'info')
  t.equal(listeningLevel({ level: 'debug' }), 'info')
  t.equal(listeningLevel({ level: 'warn' }), 'warn')
  t.equal(listeningLevel({ level: 'error' }), 'error')
  t.equal(listeningLevel({ level: 'fatal' }), 'fatal')
  t.equal(listeningLevel({ level: 'silent' }), undefined)
  t.end()
})

void t.test('--log-level warn: the JSON line with the address still comes, and nothing at info', { skip }, async (t) => {
  const gw = await spawnGateway(['--port', '0', '--log-level', 'warn', '--state-dir', t.testdir()])
  t.teardown(() => gw.kill('SIGKILL'))
  t.match(gw.address, /^http:\/\/127\.0\.0\.1:\d+$/)
  const res = await fetch(`${gw.address}/_gateway/health`)
  t.equal(res.status, 200)
  await gw.kill('SIGTERM')
  const lines = gw.stdout.filter((l) => l !== '').map((l) => JSON.parse(l) as { level: number; msg: string; address?: string })
  t.match(lines.find((l) => l.msg === 'gateway listening'), { level: 40, address: gw.address })
  t.notOk(lines.some((l) => l.level < 40), 'no info lines')
})

void t.test('logs are pretty on a terminal, JSON otherwise, and either can be forced', { skip }, async (t) => {
  t.equal(prettyLogs('auto', true), true)
  t.equal(prettyLogs('auto', false), false)
  t.equal(prettyLogs('json', true), false)
  t.equal(prettyLogs('pretty', false), true)

  const child = spawn(process.execPath, [BIN, '--port', '0', '--log-format', 'pretty', '--state-dir', t.testdir()], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => child.kill('SIGKILL'))
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 15_000)
    child.stdout.on('data', () => {
      const m = /gateway listening[^]*?(http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
  })
  t.equal((await fetch(`${address}/_gateway/health`)).status, 200)
  t.match(out, /INFO.*gateway listening/, 'a line for people: level name and message')
  t.notOk(out.split('\n').some((l) => l.startsWith('{')), 'no JSON lines')
})

void t.test('a misspelt HUBSTAFF_GATEWAY_* variable gets one warning naming the nearest setting', async (t) => {
  t.same(unknownVariableWarnings({ HUBSTAFF_GATEWAY_PORT: '1', HUBSTAFF_GATEWAY_CONFIG: 'x', HUBSTAFF_REFRESH_TOKEN: 'x', OTHER: 'y' }), [], 'known variables are quiet')
  const [warning, ...more] = unknownVariableWarnings({ HUBSTAFF_GATEWAY_PROT: '9000' })
  t.equal(more.length, 0)
  t.match(warning, /HUBSTAFF_GATEWAY_PROT is not a setting and is ignored; did you mean HUBSTAFF_GATEWAY_PORT\?/)
  t.match(unknownVariableWarnings({ HUBSTAFF_GATEWAY_BUDGET_WINDOWS: '60' })[0], /did you mean HUBSTAFF_GATEWAY_BUDGET_WINDOW\?/)
  t.notMatch(unknownVariableWarnings({ HUBSTAFF_GATEWAY_SOMETHING_ELSE_ENTIRELY: '1' })[0], /did you mean/, 'no guess when nothing is near')

  const result = await runCli(['--version'], { HUBSTAFF_GATEWAY_LOGLEVEL: 'debug' })
  t.equal(result.code, 0)
  t.equal(result.stderr.trim().split('\n').length, 1, 'one line')
  t.match(result.stderr, /^hubstaff-gateway: warning: HUBSTAFF_GATEWAY_LOGLEVEL is not a setting and is ignored; did you mean HUBSTAFF_GATEWAY_LOG_LEVEL\?/)
})

void t.test('a busy port says what to type under npm start and in the environment', { skip }, async (t) => {
  const busy = createServer()
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
  t.teardown(() => busy.close())
  const port = (busy.address() as { port: number }).port
  const result = await run(t, ['--port', String(port), '--state-dir', t.testdir()])
  t.equal(result.code, 2)
  t.match(result.stderr, /^hubstaff-gateway: [^\n]+\n$/, 'one line')
  t.match(result.stderr, `cannot listen on --host "127.0.0.1" --port ${port}`)
  t.match(result.stderr, `npm start -- --port ${port + 1}`)
  t.match(result.stderr, `HUBSTAFF_GATEWAY_PORT=${port + 1}`)
  t.match(result.stderr, '--port 0 picks a free port')
})

void t.test('login listens on a fixed, documented callback port', async (t) => {
  const help = await runCli(['login', '--help'])
  t.match(help.stdout, /--callback-port PORT.*\[default: 8788\]/s)
  t.match(help.stdout, 'http://localhost:8788/callback')
})
