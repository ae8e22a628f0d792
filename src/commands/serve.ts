import { loadConfig } from '../config/load.js'
import { SETTING_KEYS } from '../config/settings.js'
import { ConfigError } from '../errors.js'
import { createLogger } from '../logger.js'
import type { Command } from './types.js'

/** Listen errors a user fixes by choosing another --host or --port (so exit 2, not 1). */
const LISTEN_CODES = new Set(['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN'])

/** What to type instead, in each way a port is given (`npm start` passes flags only after `--`). */
function listenFix(code: string, port: number): string {
  // 8788 is login's callback port.
  const other = port === 8787 ? 8789 : port >= 65535 ? port - 1 : port + 1
  const how = `e.g. \`npm start -- --port ${other}\`, \`hubstaff-gateway --port ${other}\` or HUBSTAFF_GATEWAY_PORT=${other} (--port 0 picks a free port)`
  if (code === 'EADDRINUSE') return `another program uses port ${port}; choose another port, ${how}`
  if (code === 'EACCES') return `ports below 1024 need privileges; choose another port, ${how}`
  return `choose another address with --host or HUBSTAFF_GATEWAY_HOST (127.0.0.1 is this machine only), or another port, ${how}`
}

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
    const logger = createLogger(config.logLevel, undefined, config.logFormat)
    const { startServer, closeOnSignals } = await import('../../plugins/server.js')
    try {
      const server = await startServer(config, logger)
      closeOnSignals(server, logger)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code !== undefined && LISTEN_CODES.has(code)) {
        throw new ConfigError(`cannot listen on --host ${JSON.stringify(config.host)} --port ${config.port}: ${(err as Error).message}; ${listenFix(code, config.port)}`)
      }
      throw err
    }
    return 0
  },
}
