import type { CommandOptionSpec } from '../config/load.js'
import { envName, SETTINGS, type SettingKey } from '../config/settings.js'
import { doctorCommand } from './doctor.js'
import { keyCommand } from './key.js'
import { loginCommand } from './login.js'
import { mockCommand } from './mock.js'
import { recordCommand } from './record.js'
import { recordingsCommand } from './recordings.js'
import { serveCommand } from './serve.js'
import { specCommand } from './spec.js'
import { tokenCommand } from './token.js'
import type { Command } from './types.js'

export type { Command, CommandContext, CommandOption, CliIo } from './types.js'
export { EXIT } from './types.js'

/**
 * Every command of `hubstaff-gateway`, in the order `--help` lists them. A new command is one
 * file exporting a `Command` and one line here; its options, usage and help come with it.
 */
export const COMMANDS: readonly Command[] = [
  serveCommand,
  doctorCommand,
  loginCommand,
  tokenCommand,
  recordCommand,
  keyCommand,
  recordingsCommand,
  specCommand,
  mockCommand,
]

export const DEFAULT_COMMAND = 'serve'

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name)
}

/** The parser options of one command, for parseCommandLine. */
export function optionsOf(name: string): Record<string, CommandOptionSpec> {
  const out: Record<string, CommandOptionSpec> = {}
  for (const o of findCommand(name)?.options ?? []) out[o.name] = o.short === undefined ? { type: o.type } : { type: o.type, short: o.short }
  return out
}

const WIDTH = 100

/** Word-wraps `text` to lines of at most `width` characters (a longer word stays whole). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line === '' ? word : `${line} ${word}`
  }
  if (line !== '') lines.push(line)
  return lines
}

/** Two columns as yargs (and so Prism) prints them: names left, wrapped descriptions right. */
function pad(rows: readonly (readonly [string, string])[], indent = 2): string[] {
  const width = Math.min(36, Math.max(...rows.map(([left]) => left.length)))
  const out: string[] = []
  const gutter = ' '.repeat(indent + width + 2)
  for (const [left, right] of rows) {
    const text = wrap(right, Math.max(30, WIDTH - gutter.length))
    if (left.length > width) out.push(`${' '.repeat(indent)}${left}`)
    else out.push(`${' '.repeat(indent)}${left.padEnd(width)}  ${text.shift() ?? ''}`)
    for (const more of text) out.push(`${gutter}${more}`)
  }
  return out
}

/** The `Commands:` block of the top-level help, one line per command. */
export function commandList(): string[] {
  // As Prism's list: the command and its arguments; the options are in `<command> --help`.
  const args = (usage: string | undefined) => (usage ?? '').replace(/\s*\[(--|options)[^\]]*\]/g, '').trim()
  return pad(COMMANDS.map((c) => [`hubstaff-gateway ${c.name}${args(c.usage) === '' ? '' : ` ${args(c.usage)}`}`, c.summary]))
}

/** `hubstaff-gateway <command> --help`: usage, what it does, its options with defaults, examples. */
export function commandHelp(command: Command, version: string): string {
  const settings: readonly SettingKey[] = command.settings ?? []
  const lines = [`hubstaff-gateway ${command.name}${command.usage === undefined ? '' : ` ${command.usage}`}`, '', ...wrap(command.description ?? command.summary, WIDTH), '']
  if (command.forms !== undefined && command.forms.length > 0) {
    lines.push('Usage:', ...pad(command.forms.map(([u, what]) => [`hubstaff-gateway ${command.name} ${u}`, what])), '')
  }
  const rows: [string, string][] = []
  for (const o of command.options ?? []) {
    const name = `${o.short === undefined ? '    ' : `-${o.short}, `}--${o.name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`
    const tags = [`[${o.type === 'boolean' ? 'boolean' : 'string'}]`, ...(o.defaultText === undefined ? [] : [`[default: ${o.defaultText}]`])]
    rows.push([name, `${o.description}  ${tags.join(' ')}`])
  }
  rows.push(['-h, --help', 'show this help  [boolean]'])
  lines.push('Options:', ...pad(rows), '')
  if (settings.length > 0) {
    const srows = settings.map((k): [string, string] => {
      const spec = SETTINGS[k]
      return [`    --${spec.flag}`, `${spec.description}  [env: ${envName(spec.flag)}] [default: ${spec.defaultText ?? JSON.stringify(spec.default)}]`]
    })
    srows.push(['    --config FILE', `JSON file of settings  [env: ${envName('config')}]`])
    lines.push('Settings it reads (all settings apply; see hubstaff-gateway --help):', ...pad(srows), '')
  }
  if (command.examples !== undefined && command.examples.length > 0) lines.push('Examples:', ...command.examples.map((e) => `  ${e}`), '')
  lines.push(`hubstaff-gateway ${version}`, '')
  return lines.join('\n')
}
