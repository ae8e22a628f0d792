// A --spec that cannot serve stops start-up with HSG_CONFIG_INVALID naming the file (exit code 2
// and one line from the binary), never a crash or a stack.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import t from 'tap'
import { BIN, BUILT, cleanEnv, NOT_BUILT, ROOT, startTestGateway } from './helpers/gateway.js'

void t.test('every kind of bad spec is named with what is wrong with it', async (t) => {
  const dir = t.testdir({
    'empty.json': '',
    'broken.json': '{"openapi": "3.0.3", "paths": {',
    'list.json': '[1, 2]',
    'other.json': '{"name": "not an API description"}',
    'nothing.json': '{"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {}}',
    'notes.yaml': 'shopping:\n  - milk\n  - eggs\n',
    folder: {},
  })
  const cases: [string, RegExp][] = [
    ['missing.json', /no such file/],
    ['folder', /is a directory/],
    ['empty.json', /is empty/],
    ['broken.json', /is not valid JSON/],
    ['list.json', /is not a JSON object/],
    ['other.json', /neither an "openapi" nor a "swagger" field/],
    ['nothing.json', /describes no operations/],
    ['notes.yaml', /is not an OpenAPI 3 or Swagger 2 document/],
  ]
  for (const [name, why] of cases) {
    const spec = join(dir, name)
    const err = await startTestGateway({ stateDir: dir, spec }).then(
      (gw) => gw.close().then(() => undefined),
      (e: unknown) => e as { code?: string; message: string },
    )
    t.equal(err?.code, 'HSG_CONFIG_INVALID', name)
    t.match(err?.message, `invalid --spec ${JSON.stringify(spec)}: `, `${name}: names the setting and the file`)
    t.match(err?.message, why, `${name}: says what is wrong`)
  }
  const unreachable = await startTestGateway({ stateDir: dir, spec: 'http://127.0.0.1:9/docs.json' }).catch((e: unknown) => e as { code?: string; message: string })
  t.match(unreachable, { code: 'HSG_CONFIG_INVALID', message: /invalid --spec "http:\/\/127\.0\.0\.1:9\/docs\.json": cannot be fetched/ })
})

void t.test('a bad --spec stops start-up in live mode too', async (t) => {
  const dir = t.testdir()
  const spec = join(dir, 'missing.json')
  // A token is known, so the gateway starts live; the spec it was given must still work.
  await t.rejects(startTestGateway({ stateDir: dir, refreshToken: 'pat-never-used', upstream: 'http://127.0.0.1:9', authUrl: 'http://127.0.0.1:9', spec }), {
    code: 'HSG_CONFIG_INVALID',
    message: `invalid --spec ${JSON.stringify(spec)}: no such file`,
  })
})

void t.test('the binary exits 2 with one line naming the file', { skip: BUILT ? false : NOT_BUILT }, async (t) => {
  const spec = join(t.testdir(), 'missing.yaml')
  const child = spawn(process.execPath, [BIN, '--port', '0', '--state-dir', t.testdir(), '--spec', spec], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  let stdout = ''
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  t.equal(code, 2)
  t.match(stderr, /^hubstaff-gateway: [^\n]+\n$/, 'exactly one line')
  t.match(stderr, `invalid --spec ${JSON.stringify(spec)}: no such file`)
  t.notMatch(stderr, /^\s+at /m, 'no stack')
  t.notMatch(stdout, 'gateway listening')
})
