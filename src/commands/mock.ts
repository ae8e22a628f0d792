import { stat } from 'node:fs/promises'
import writeFileAtomic from 'write-file-atomic'
import { loadConfig } from '../config/load.js'
import { ConfigError } from '../errors.js'
import { EXIT, type Command } from './types.js'

const USAGE = 'usage: hubstaff-gateway mock import [DIR] [--out FILE]'

/**
 * `mock import DIR`: the twin's organization built from recordings, written as a fixtures file for
 * `--mock-fixtures`. The file holds real records of the account (redacted where record mode was
 * told to), so it is written readable by its owner only.
 */
export const mockCommand: Command = {
  name: 'mock',
  summary: 'build a mock organization (fixtures file) from recordings',
  usage: 'import [DIR] [--out FILE]',
  description:
    'Reads every .har file of DIR (default --recordings) and writes the organization they show as a fixtures file that ' +
    '--mock-fixtures (or PUT /_gateway/mock/fixtures) loads: each recorded record as it was recorded, redacted fields ' +
    'still redacted, and around them what was not recorded, made up to fit (the projects of recorded tasks, the users ' +
    'of recorded activities; tracked time when none was recorded, drawn with --mock-seed over --mock-size days). ' +
    'The file is written atomically with mode 0600; without --out the JSON goes to standard output.',
  options: [{ name: 'out', type: 'string', value: 'FILE', description: 'write the fixtures to FILE instead of standard output' }],
  forms: [['import [DIR]', 'build fixtures from the recordings in DIR (default: --recordings)']],
  settings: ['recordings', 'mockSeed', 'mockSize'],
  examples: ['hubstaff-gateway mock import --out fixtures.json', 'hubstaff-gateway mock import test/recordings --out test/fixtures/org.json', 'hubstaff-gateway --mock-fixtures fixtures.json'],
  async run({ cli, io }) {
    const [sub, dirArg, ...rest] = cli.args
    if (sub !== 'import' || rest.length > 0) throw new ConfigError(USAGE)
    const { config } = loadConfig(cli, io.env)
    const dir = dirArg ?? config.recordings
    const isDir = await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    )
    if (!isDir) throw new ConfigError(`mock import: ${JSON.stringify(dir)} is not a folder; ${USAGE}`)
    const { datasetFromRecordings } = await import('../twin/import.js')
    const dataset = await datasetFromRecordings(dir, { seed: config.mockSeed, size: config.mockSize, now: Date.now() })
    const text = JSON.stringify({ me: dataset.me, ...dataset.collections }, null, 2) + '\n'
    const out = cli.options.out
    if (typeof out !== 'string') {
      io.stdout(text)
      return EXIT.ok
    }
    await writeFileAtomic(out, text, { mode: 0o600, fsync: true })
    const counts = Object.entries(dataset.collections)
      .filter(([, rows]) => rows.length > 0)
      .map(([name, rows]) => `${rows.length} ${name}`)
      .join(', ')
    io.stdout(`mock import: wrote ${out} from ${dir} (${counts})\n`)
    return EXIT.ok
  },
}
