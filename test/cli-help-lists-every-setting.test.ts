// The real binary's --help is the reference for every setting: its flag, its environment
// variable(s), its default and what is allowed. -v prints the package version; an unknown command
// is a usage error.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { envName, SETTING_KEYS, SETTINGS } from '../src/config/settings.js'
import { run, skip } from './helpers/cli.js'
import { ROOT } from './helpers/gateway.js'

/** The block --help prints for one flag: from its `  --flag` line to the next flag. */
function block(help: string, flag: string): string | undefined {
  const lines = help.split('\n')
  const start = lines.findIndex((l) => l.trim() === flag || l.trim().startsWith(`${flag} `))
  if (start === -1) return undefined
  const end = lines.findIndex((l, i) => i > start && /^\s{0,4}-/.test(l))
  return lines.slice(start, end === -1 ? undefined : end).join('\n')
}

void t.test('--help exits 0 and shows every setting with its variable, default and allowed values', { skip }, async (t) => {
  // A bad variable must not stop --help: help is how to find out what is allowed.
  const help = await run(t, ['--help'], { HUBSTAFF_GATEWAY_PORT: 'not-a-port' })
  t.equal(help.code, 0, 'exit code 0')
  t.equal(help.stderr, '', 'nothing on stderr')
  t.match(help.stdout, /^hubstaff-gateway \S+/, 'starts with the name and version')
  t.match(help.stdout, 'Precedence: flag > environment > config file > default')

  for (const key of SETTING_KEYS) {
    const spec = SETTINGS[key]
    const flag = `--${spec.flag}`
    const text = block(help.stdout, flag)
    if (text === undefined) {
      t.fail(`--help lists ${flag}`)
      continue
    }
    t.ok(text.includes(envName(spec.flag)), `${flag}: shows ${envName(spec.flag)}`)
    for (const extra of spec.extraEnv ?? []) t.ok(text.includes(extra), `${flag}: shows ${extra}`)
    const def = spec.defaultText ?? JSON.stringify(spec.default)
    t.ok(text.includes(`default: ${def}`), `${flag}: shows its default (${def})`)
    t.ok(text.includes(spec.allowed), `${flag}: shows what is allowed`)
    t.ok(text.includes(spec.description), `${flag}: shows its description`)
  }
  const config = block(help.stdout, '--config')
  t.ok(config?.includes('HUBSTAFF_GATEWAY_CONFIG'), '--config FILE is listed with HUBSTAFF_GATEWAY_CONFIG')
  t.match(help.stdout, /-h, --help/)
  t.match(help.stdout, /-v, --version/)

  // The contract's defaults, as a user reads them.
  for (const [flag, def] of [
    ['--host', '"127.0.0.1"'],
    ['--port', '8787'],
    ['--upstream', '"https://api.hubstaff.com"'],
    ['--auth-url', '"https://account.hubstaff.com"'],
    ['--budget', '1000'],
    ['--budget-window', '3600'],
  ] as const) {
    t.ok(block(help.stdout, flag)?.includes(`default: ${def}`), `${flag} defaults to ${def}`)
  }

  const short = await run(t, ['-h'])
  t.equal(short.code, 0, '-h exits 0')
  t.equal(short.stdout, help.stdout, '-h prints the same help')
})

void t.test('--help never shows a refresh token', { skip }, async (t) => {
  const help = await run(t, ['--help', '--refresh-token', 'pat-from-flag'], { HUBSTAFF_REFRESH_TOKEN: 'pat-from-env' })
  t.equal(help.code, 0)
  t.notMatch(help.stdout, 'pat-from-', 'no token in the help text')
})

void t.test('-v and --version print the version from package.json', { skip }, async (t) => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
  for (const flag of ['-v', '--version']) {
    const result = await run(t, [flag])
    t.equal(result.code, 0, `${flag}: exit code 0`)
    t.equal(result.stdout, `${pkg.version}\n`, `${flag}: prints ${pkg.version}`)
    t.equal(result.stderr, '', `${flag}: nothing on stderr`)
  }
})

void t.test('an unknown command exits 2 with one line naming it', { skip }, async (t) => {
  const result = await run(t, ['frobnicate', '--port', '0'])
  t.equal(result.code, 2, 'exit code 2')
  t.equal(result.stdout, '', 'nothing on stdout')
  t.match(result.stderr, /^hubstaff-gateway: unknown command "frobnicate"; allowed: serve[^\n]*\n$/, 'one line naming the command and what is allowed')
  t.notMatch(result.stderr, /^\s+at /m, 'no stack frames')
})
