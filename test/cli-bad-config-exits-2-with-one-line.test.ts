// The real binary, as a user runs it: a bad value by flag, environment or config file stops
// start-up with exactly one stderr line naming the setting and the value, exit code 2, no stack.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { run, skip } from './helpers/cli.js'

interface Case {
  readonly name: string
  readonly args?: string[]
  readonly env?: Record<string, string>
  /** Each must appear in the line. */
  readonly says: string[]
  /** None may appear in the line. */
  readonly never?: string[]
}

async function expectOneLine(t: Test, c: Case): Promise<void> {
  const result = await run(t, c.args ?? [], c.env ?? {})
  t.equal(result.code, 2, `${c.name}: exit code 2`)
  t.equal(result.signal, null, `${c.name}: exited by itself`)
  t.equal(result.stdout, '', `${c.name}: nothing on stdout`)
  t.match(result.stderr, /^hubstaff-gateway: [^\n]+\n$/, `${c.name}: stderr is exactly one line`)
  t.notMatch(result.stderr, /^\s+at /m, `${c.name}: no stack frames`)
  t.notMatch(result.stderr, /\bat .+:\d+:\d+/, `${c.name}: no file:line:column`)
  for (const text of c.says) t.ok(result.stderr.includes(text), `${c.name}: says ${text}`)
  for (const text of c.never ?? []) t.notOk(result.stderr.includes(text), `${c.name}: never says ${text}`)
}

void t.test('a bad flag value', { skip }, async (t) => {
  const cases: Case[] = [
    { name: '--port abc', args: ['--port', 'abc'], says: ['invalid --port "abc"', 'expected a whole number from 0 to 65535'] },
    { name: '--port 70000', args: ['--port=70000'], says: ['invalid --port "70000"', 'expected a whole number'] },
    { name: '--upstream ftp://', args: ['--upstream', 'ftp://api.example.test'], says: ['invalid --upstream "ftp://api.example.test"', 'expected an http(s) URL'] },
    { name: '--mode fast', args: ['--mode', 'fast'], says: ['invalid --mode "fast"', 'live, record, replay, mock'] },
    { name: '--budget-window 0', args: ['serve', '--budget-window', '0'], says: ['invalid --budget-window "0"', 'from 1 to 86400'] },
    { name: '--log-level loud', args: ['--log-level', 'loud'], says: ['invalid --log-level "loud"', 'info'] },
    { name: '--refresh-token with a space', args: ['--refresh-token', 'pat with-a-space'], says: ['invalid --refresh-token "***"'], never: ['with-a-space'] },
    { name: 'unknown flag', args: ['--prot', '8080'], says: ['unknown flag --prot', '--help'] },
    { name: 'flag without a value', args: ['--port'], says: ['--port needs a value'] },
    { name: 'a host that cannot be listened on', args: ['--host', 'no such host', '--port', '0', '--allow-exposed', 'true'], says: ['--host "no such host"', 'choose another address with --host or HUBSTAFF_GATEWAY_HOST'] },
  ]
  await Promise.all(cases.map((c) => expectOneLine(t, c)))
})

void t.test('a bad environment value names the variable', { skip }, async (t) => {
  const dir = t.testdir()
  const cases: Case[] = [
    { name: 'HUBSTAFF_GATEWAY_BUDGET', env: { HUBSTAFF_GATEWAY_BUDGET: 'lots' }, says: ['invalid --budget "lots" (from HUBSTAFF_GATEWAY_BUDGET)', 'expected a whole number'] },
    { name: 'HUBSTAFF_GATEWAY_PORT', env: { HUBSTAFF_GATEWAY_PORT: '-1' }, says: ['invalid --port "-1" (from HUBSTAFF_GATEWAY_PORT)'] },
    { name: 'HUBSTAFF_GATEWAY_REDIS', env: { HUBSTAFF_GATEWAY_REDIS: 'http://cache.test' }, says: ['invalid --redis "http://cache.test" (from HUBSTAFF_GATEWAY_REDIS)', 'redis://'] },
    {
      name: 'HUBSTAFF_REFRESH_TOKEN',
      env: { HUBSTAFF_REFRESH_TOKEN: 'pat with-a-space' },
      says: ['invalid --refresh-token "***" (from HUBSTAFF_REFRESH_TOKEN)'],
      never: ['with-a-space'],
    },
    {
      name: 'HUBSTAFF_GATEWAY_CONFIG',
      env: { HUBSTAFF_GATEWAY_CONFIG: join(dir, 'missing.json') },
      says: [`invalid --config "${join(dir, 'missing.json')}" (from HUBSTAFF_GATEWAY_CONFIG)`, 'file not found'],
    },
  ]
  await Promise.all(cases.map((c) => expectOneLine(t, c)))
})

void t.test('a bad config file or config file value names the file', { skip }, async (t) => {
  const dir = t.testdir()
  const write = (name: string, content: string) => {
    const path = join(dir, name)
    writeFileSync(path, content)
    return path
  }
  const port = write('port.json', JSON.stringify({ port: 70000 }))
  const window = write('window.json', JSON.stringify({ budgetWindow: '1h' }))
  const unknown = write('unknown.json', JSON.stringify({ prot: 8080 }))
  const notJson = write('not-json.json', '{\n  "refreshToken": "secret-in-a-broken-file"\n  "port": 1\n}\n')
  const array = write('array.json', '["--port", "1"]')
  const secret = write('secret.json', JSON.stringify({ 'refresh-token': 'secret with-a-space' }))
  const cases: Case[] = [
    { name: 'port out of range', args: ['--config', port], says: ['invalid --port 70000', `(from "port" in ${port})`, 'from 0 to 65535'] },
    { name: 'camelCase key, bad value', args: ['--config', window], says: ['invalid --budget-window "1h"', `in ${window}`] },
    { name: 'unknown key', args: ['--config', unknown], says: [`invalid --config "${unknown}"`, 'unknown setting "prot"', 'port'] },
    { name: 'not JSON', args: ['--config', notJson], says: [`invalid --config "${notJson}"`, 'not valid JSON', 'line 3'], never: ['secret-in-a-broken-file'] },
    { name: 'not an object', args: ['--config', array], says: [`invalid --config "${array}"`, 'expected a JSON object'] },
    { name: 'missing', args: ['--config', join(dir, 'nope.json')], says: ['invalid --config', 'nope.json', 'file not found'] },
    { name: 'refresh token', args: ['--config', secret], says: ['invalid --refresh-token "***"', `in ${secret}`], never: ['with-a-space'] },
  ]
  await Promise.all(cases.map((c) => expectOneLine(t, c)))
})

void t.test('precedence holds in the binary: a good flag hides a bad variable and file', { skip }, async (t) => {
  const dir = t.testdir({ 'gateway.json': JSON.stringify({ budget: 0 }) })
  // The flag's own bad value is the one reported, not the variable's or the file's.
  await expectOneLine(t, {
    name: 'flag over env',
    args: ['--budget', 'flag-value', '--config', join(dir, 'gateway.json')],
    env: { HUBSTAFF_GATEWAY_BUDGET: 'env-value' },
    says: ['invalid --budget "flag-value"'],
    never: ['env-value', 'HUBSTAFF_GATEWAY_BUDGET'],
  })
  await expectOneLine(t, {
    name: 'env over file',
    args: ['--config', join(dir, 'gateway.json')],
    env: { HUBSTAFF_GATEWAY_BUDGET: 'env-value' },
    says: ['invalid --budget "env-value" (from HUBSTAFF_GATEWAY_BUDGET)'],
  })
})
