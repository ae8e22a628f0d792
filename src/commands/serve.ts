import { loadConfig } from '../config/load.js'
import { SETTING_KEYS } from '../config/settings.js'
import { ConfigError } from '../errors.js'
import { createLogger } from '../logger.js'
import type { Command } from './types.js'

/** Listen errors a user fixes by choosing another --host or --port (so exit 2, not 1). */
const LISTEN_CODES = new Set(['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN'])

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the gateway (the default command)',
  usage: '[options]',
  description:
    'Serves the Hubstaff API v2 under /v2 on --host:--port: forwarded with one managed token and one budget (live, record), ' +
    'from recordings (replay) or from the OpenAPI mock (mock). Runs until SIGINT or SIGTERM.',
  settings: SETTING_KEYS,
  examples: ['hubstaff-gateway serve --port 8787', 'HUBSTAFF_REFRESH_TOKEN=... hubstaff-gateway', 'hubstaff-gateway serve --mode mock --port 0'],
  async run({ cli, io }) {
    const { config } = loadConfig(cli, io.env)
    const logger = createLogger(config.logLevel)
    const { startServer, closeOnSignals } = await import('../../plugins/server.js')
    try {
      const server = await startServer(config, logger)
      closeOnSignals(server, logger)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code !== undefined && LISTEN_CODES.has(code)) {
        throw new ConfigError(
          `cannot listen on --host ${JSON.stringify(config.host)} --port ${config.port}: ${(err as Error).message}; choose another --host or --port`,
        )
      }
      throw err
    }
    return 0
  },
}
