import { readFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError } from '../errors.js'
import { envName, SETTING_KEYS, SETTINGS, type Config, type SettingKey } from './settings.js'

export type Source = 'flag' | 'env' | 'file' | 'default'

export interface LoadedConfig {
  readonly config: Config
  /** Where each setting came from (for `doctor` and the start-up log). */
  readonly sources: Readonly<Record<SettingKey, Source>>
}

export interface CommandLine {
  readonly command: string
  readonly args: readonly string[]
  readonly help: boolean
  readonly version: boolean
  readonly configFile: string | undefined
  readonly flags: Readonly<Partial<Record<SettingKey, string>>>
  /** Values of the command's own options (e.g. `--json`), by option name. */
  readonly options: Readonly<Record<string, string | boolean | undefined>>
}

/** An option one command accepts beside the settings (declared in its entry of src/commands/). */
export interface CommandOptionSpec {
  readonly type: 'string' | 'boolean'
  readonly short?: string
}

/**
 * The command word: the first positional, skipping the value of a setting flag given as
 * `--flag value`. Only needed to know which command's own options to accept.
 */
function commandWord(argv: readonly string[]): string {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === '--') return argv[i + 1] ?? 'serve'
    if (!arg.startsWith('-')) return arg
    if (arg.startsWith('--') && !arg.includes('=') && (KEY_BY_FLAG.has(arg.slice(2)) || arg === '--config')) i++
  }
  return 'serve'
}

const KEY_BY_FLAG = new Map<string, SettingKey>(SETTING_KEYS.map((k) => [SETTINGS[k].flag, k]))

/** Splits argv into a command and the setting flags; an unknown flag is a configuration error. */
export function parseCommandLine(
  argv: readonly string[],
  commandOptions: (command: string) => Readonly<Record<string, CommandOptionSpec>> = () => ({}),
): CommandLine {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
    config: { type: 'string' },
  }
  for (const key of SETTING_KEYS) options[SETTINGS[key].flag] = { type: 'string' }
  const own = commandOptions(commandWord(argv))
  for (const [name, spec] of Object.entries(own)) options[name] = { ...spec }

  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true })
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    const flag = /'([^']+)'/.exec(e.message)?.[1]
    // parseArgs names an option as `--port <value>` or `-h, --help`: keep the long name.
    const names = flag?.split(/[\s,]+/).filter((n) => n.startsWith('-')) ?? []
    const name = names.find((n) => n.startsWith('--')) ?? names[0]
    const line =
      e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag !== undefined
        ? `unknown flag ${flag}`
        : e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && name !== undefined
          ? e.message.includes('does not take an argument')
            ? `${name} takes no value`
            : `${name} needs a value`
          : (e.message.split('.')[0] ?? 'bad arguments')
    throw new ConfigError(`${line} (see --help)`)
  }
  const flags: Partial<Record<SettingKey, string>> = {}
  for (const [name, value] of Object.entries(parsed.values)) {
    const key = KEY_BY_FLAG.get(name)
    if (key !== undefined && typeof value === 'string') flags[key] = value
  }
  const [command = 'serve', ...args] = parsed.positionals
  const values = parsed.values as Record<string, string | boolean | undefined>
  return {
    command,
    args,
    help: parsed.values.help === true,
    version: parsed.values.version === true,
    configFile: typeof parsed.values.config === 'string' ? parsed.values.config : undefined,
    flags,
    options: Object.fromEntries(Object.keys(own).map((name) => [name, values[name]])),
  }
}

/**
 * Why JSON.parse failed, as one line that quotes nothing from the file: V8 quotes part of the
 * input in some messages, and a config file may hold the refresh token.
 */
function jsonProblem(err: unknown, raw: string): string {
  const message = err instanceof Error ? err.message : String(err)
  const what = message
    .replace(/,\s*(\.\.\.)?".*$/s, '')
    .replace(/\s+in JSON at position \d+.*$/s, '')
    .replace(/\s+/g, ' ')
    .trim()
  const position = /at position (\d+)/.exec(message)?.[1]
  if (position === undefined) return what
  const before = raw.slice(0, Number(position))
  const line = before.split('\n').length
  const column = before.length - before.lastIndexOf('\n')
  return `${what} at line ${line}, column ${column}`
}

function readConfigFile(path: string, from: string): Partial<Record<SettingKey, unknown>> {
  const invalid = `invalid --config "${path}"${from}`
  let raw: string
  try {
    raw = readFileSync(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new ConfigError(
      `${invalid}: ${code === 'ENOENT' ? 'file not found' : `cannot read it (${code})`}; expected a JSON file`,
    )
  }
  let data: unknown
  try {
    data = JSON.parse(raw)
  } catch (err) {
    throw new ConfigError(`${invalid}: not valid JSON (${jsonProblem(err, raw)})`)
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`${invalid}: expected a JSON object of settings`)
  }
  const out: Partial<Record<SettingKey, unknown>> = {}
  for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
    const key = (SETTING_KEYS as string[]).includes(name) ? (name as SettingKey) : KEY_BY_FLAG.get(name)
    if (key === undefined) {
      throw new ConfigError(
        `${invalid}: unknown setting ${JSON.stringify(name)}; allowed: ${SETTING_KEYS.map((k) => SETTINGS[k].flag).join(', ')}`,
      )
    }
    out[key] = value
  }
  return out
}

function fromFile(value: unknown, configFile: string): unknown {
  if (typeof value !== 'string' || value.trim() === '' || isAbsolute(value.trim()) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim())) return value
  return resolve(dirname(configFile), value.trim())
}

function describeValue(key: SettingKey, value: unknown): string {
  if (SETTINGS[key].secret === true) return '"***"'
  return JSON.stringify(value) ?? String(value)
}

/**
 * Resolves every setting with the precedence flag > environment > config file > default,
 * validates it against the one schema and freezes the result.
 */
export function loadConfig(
  commandLine: Pick<CommandLine, 'flags' | 'configFile'>,
  env: Readonly<Record<string, string | undefined>>,
): LoadedConfig {
  // Like every other variable, an empty HUBSTAFF_GATEWAY_CONFIG counts as unset.
  const configEnv = env[envName('config')] === '' ? undefined : env[envName('config')]
  const configFile = commandLine.configFile ?? configEnv
  const configFrom = commandLine.configFile === undefined ? ` (from ${envName('config')})` : ''
  const file = configFile === undefined ? {} : readConfigFile(configFile, configFrom)
  const config: Record<string, unknown> = {}
  const sources = {} as Record<SettingKey, Source>

  for (const key of SETTING_KEYS) {
    const spec = SETTINGS[key]
    let raw: unknown
    let source: Source = 'default'
    let origin = ''
    const envNames = [envName(spec.flag), ...(spec.extraEnv ?? [])]
    const fromEnv = envNames.find((name) => env[name] !== undefined && env[name] !== '')
    if (commandLine.flags[key] !== undefined) {
      raw = commandLine.flags[key]
      source = 'flag'
      origin = `--${spec.flag}`
    } else if (fromEnv !== undefined) {
      raw = env[fromEnv]
      source = 'env'
      origin = fromEnv
    } else if (file[key] !== undefined) {
      raw = file[key]
      source = 'file'
      origin = `"${spec.flag}" in ${configFile ?? ''}`
    }
    sources[key] = source
    if (source === 'default') {
      config[key] = 'envDefault' in spec && spec.envDefault !== undefined ? spec.envDefault(env) : spec.default
      continue
    }
    // A config file names paths as seen from its own folder, wherever the gateway is started.
    if (source === 'file' && 'path' in spec && configFile !== undefined) raw = fromFile(raw, configFile)
    const result = spec.schema.safeParse(raw)
    if (!result.success) {
      const where = source === 'flag' ? '' : ` (from ${origin})`
      throw new ConfigError(
        `invalid --${spec.flag} ${describeValue(key, raw)}${where}: expected ${spec.allowed}`,
      )
    }
    config[key] = result.data
  }
  return { config: Object.freeze(config) as Config, sources: Object.freeze(sources) }
}

/** `--help`: every setting with its flag, environment variable and default. */
export function helpText(
  version: string,
  commands: readonly string[] = ['  hubstaff-gateway [serve] [flags]   run the gateway (the default command)'],
): string {
  const lines = [
    `hubstaff-gateway ${version}`,
    'A local caching reverse proxy and mock server for the Hubstaff API v2.',
    '',
    'Usage: hubstaff-gateway [command] [options]   (hubstaff-gateway <command> --help for one command)',
    '',
    'Commands:',
    ...commands,
    '',
    'Every flag can also be set by the environment variable shown, or by a key of the JSON file',
    'given with --config FILE. Precedence: flag > environment > config file > default.',
    '',
    'Flags:',
  ]
  const rows: [string, string, string][] = [['--config FILE', envName('config'), 'none']]
  for (const key of SETTING_KEYS) {
    const spec = SETTINGS[key]
    const envs = [envName(spec.flag), ...(spec.extraEnv ?? [])].join(', ')
    const def = spec.defaultText ?? JSON.stringify(spec.default)
    rows.push([`--${spec.flag}`, envs, def])
  }
  const descriptions = new Map(SETTING_KEYS.map((k) => [`--${SETTINGS[k].flag}`, SETTINGS[k]]))
  for (const [flag, envs, def] of rows) {
    const spec = descriptions.get(flag)
    lines.push(`  ${flag}`)
    lines.push(`      ${spec?.description ?? 'JSON file of settings (keys are flag names or camelCase).'}`)
    if (spec !== undefined) lines.push(`      allowed: ${spec.allowed}`)
    lines.push(`      env: ${envs}   default: ${def}`)
  }
  lines.push('', '  -h, --help       show this help', '  -v, --version    print the version', '')
  return lines.join('\n')
}
