// --help lists every command of the table, as Prism's CLI does, and `<command> --help` (or
// `help <command>`) shows that command's usage, options with defaults and examples; an unknown
// command's help is a usage error.
import t from 'tap'
import { COMMANDS } from '../src/commands/index.js'
import { runCli } from './helpers/cli-in-process.js'

void t.test('the top-level help lists every command with its summary', async (t) => {
  const help = await runCli(['--help'])
  t.equal(help.code, 0)
  const commands = help.stdout.slice(help.stdout.indexOf('Commands:'), help.stdout.indexOf('Flags:'))
  for (const command of COMMANDS) {
    t.match(commands, `hubstaff-gateway ${command.name}`, `lists ${command.name}`)
    t.match(commands.replace(/\s+/g, ' '), command.summary, `with its summary`)
  }
  for (const name of ['serve', 'doctor', 'login', 'token', 'key']) t.ok(COMMANDS.some((c) => c.name === name), `${name} is a command`)
})

void t.test('each command has its own help: usage, options with defaults, examples', async (t) => {
  for (const command of COMMANDS) {
    const byFlag = await runCli([command.name, '--help'])
    t.equal(byFlag.code, 0, `${command.name} --help exits 0`)
    t.match(byFlag.stdout, new RegExp(`^hubstaff-gateway ${command.name}\\b`), `${command.name}: starts with its usage line`)
    t.match(byFlag.stdout, /\nOptions:\n[^]*-h, --help/, `${command.name}: lists its options`)
    for (const option of command.options ?? []) {
      t.match(byFlag.stdout, `--${option.name}`, `${command.name}: lists --${option.name}`)
      if (option.defaultText !== undefined) t.match(byFlag.stdout.replace(/\s+/g, ' '), `[default: ${option.defaultText}]`, `${command.name}: --${option.name} shows its default`)
    }
    const byWord = await runCli(['help', command.name])
    t.equal(byWord.stdout, byFlag.stdout, `help ${command.name} says the same`)
  }
  const doctor = await runCli(['doctor', '-h'])
  t.match(doctor.stdout, /--json/)
  t.match(doctor.stdout, /--state-dir/, 'and the settings that matter to it')
  t.notMatch(doctor.stdout, /--cache-policy/, 'not every setting')
})

void t.test('help for an unknown command is a usage error naming the commands', async (t) => {
  const result = await runCli(['help', 'frobnicate'])
  t.equal(result.code, 2)
  t.equal(result.stdout, '')
  t.match(result.stderr, /^hubstaff-gateway: unknown command "frobnicate"; allowed: serve, doctor, login, token, [^\n]*\(see --help\)\n$/)
})

void t.test('an option of another command is refused with a usage error', async (t) => {
  const result = await runCli(['token', '--org', '5'])
  t.equal(result.code, 2)
  t.match(result.stderr, /^hubstaff-gateway: unknown flag --org/)
})
