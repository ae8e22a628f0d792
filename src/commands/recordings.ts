import { stat } from 'node:fs/promises'
import { relative } from 'node:path'
import { loadConfig } from '../config/load.js'
import type { Config } from '../config/settings.js'
import { ConfigError } from '../errors.js'
import { checkRecordings } from '../recordings/check.js'
import { FileTokenStore } from '../token/store.js'
import { EXIT, type Command } from './types.js'

const USAGE = 'usage: hubstaff-gateway recordings check [DIR] [--json]'

/** The tokens this machine knows: the configured personal access token and the token store's. */
async function knownSecrets(config: Config): Promise<string[]> {
  const known = config.refreshToken === undefined ? [] : [config.refreshToken]
  try {
    const stored = await new FileTokenStore({ stateDir: config.stateDir }).read()
    if (stored !== undefined) known.push(stored.refreshToken, ...(stored.accessToken === undefined ? [] : [stored.accessToken]))
  } catch {
    // no readable store: the patterns are still looked for
  }
  return known
}

export const recordingsCommand: Command = {
  name: 'recordings',
  summary: 'check recordings for secrets and unreadable files (exits 1 on any)',
  usage: 'check [DIR] [--json]',
  description:
    'Reads every .har file of DIR (default --recordings) and fails when one holds a secret or cannot be replayed (not HAR, ' +
    'or larger than --replay-max-bytes), or when a temp file of an interrupted write is left beside them. ' +
    'Secrets are the tokens this machine knows (the configured personal access token, the token store in --state-dir) ' +
    'and anything shaped like a credential: a Bearer value, an access_token or refresh_token field, a JWT. Findings name ' +
    'the file, the kind and the line, never the value. For CI: exit code 0 when clean, 1 when not.',
  options: [{ name: 'json', type: 'boolean', description: 'print the report as one JSON object' }],
  forms: [['check [DIR]', 'scan DIR (default: --recordings)']],
  settings: ['recordings', 'stateDir', 'replayMaxBytes'],
  examples: ['hubstaff-gateway recordings check', 'hubstaff-gateway recordings check test/recordings --json'],
  async run({ cli, io }) {
    const [sub, dirArg, ...rest] = cli.args
    if (sub !== 'check' || rest.length > 0) throw new ConfigError(USAGE)
    const { config } = loadConfig(cli, io.env)
    const dir = dirArg ?? config.recordings
    const isDir = await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    )
    if (!isDir) throw new ConfigError(`recordings check: ${JSON.stringify(dir)} is not a folder; ${USAGE}`)
    const report = await checkRecordings(dir, await knownSecrets(config), { maxBytes: config.replayMaxBytes })
    if (cli.options.json === true) {
      io.stdout(JSON.stringify(report) + '\n')
      return report.ok ? EXIT.ok : EXIT.failure
    }
    const name = (file: string) => relative(dir, file)
    const label = { secret: 'SECRET', corrupt: 'CORRUPT', 'too-large': 'TOO-LARGE', temp: 'TEMP' } as const
    for (const p of report.problems) io.stdout(`${label[p.kind]} ${name(p.file)}: ${p.detail}\n`)
    const summary = `${report.files} file(s), ${report.entries} recorded exchange(s) in ${dir}`
    io.stdout(report.ok ? `recordings check: ok, ${summary}\n` : `recordings check: ${report.problems.length} problem(s) in ${summary}\n`)
    return report.ok ? EXIT.ok : EXIT.failure
  },
}
