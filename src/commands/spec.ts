import { loadConfig } from '../config/load.js'
import { ConfigError } from '../errors.js'
import { pullSpec } from '../mock/spec-pull.js'
import { EXIT, type Command } from './types.js'

const USAGE = 'usage: hubstaff-gateway spec pull [--upstream URL] [--state-dir DIR]'

export const specCommand: Command = {
  name: 'spec',
  summary: "download Hubstaff's API description for mock mode",
  usage: 'pull',
  description:
    'Downloads <upstream>/v2/docs, the official Swagger document, into <state-dir>/spec/hubstaff-v2.swagger.json, where ' +
    'mock mode prefers it over the bundled spec. Its ETag is kept beside it: the next pull asks whether it changed, and ' +
    'an unchanged document (304) is not downloaded again. A failed pull leaves the cached copy as it was.',
  forms: [['pull', 'download the document, or keep the cached copy when it has not changed']],
  settings: ['upstream', 'stateDir'],
  examples: ['hubstaff-gateway spec pull', 'hubstaff-gateway spec pull --state-dir /data/state'],
  async run({ cli, io }) {
    const [sub, ...rest] = cli.args
    if (sub !== 'pull' || rest.length > 0) throw new ConfigError(USAGE)
    const { config } = loadConfig(cli, io.env)
    const result = await pullSpec({ upstream: config.upstream, stateDir: config.stateDir })
    const etag = result.etag === undefined ? '' : `, ETag ${result.etag}`
    io.stdout(
      result.outcome === 'unchanged'
        ? `spec: ${result.path} is up to date (${result.url} answered 304 Not Modified${etag})\n`
        : `spec: downloaded ${result.url} to ${result.path} (${result.bytes} bytes${etag}); mock mode serves it from its next start\n`,
    )
    return EXIT.ok
  },
}
