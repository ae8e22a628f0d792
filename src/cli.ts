import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { helpText, loadConfig, parseCommandLine } from './config/load.js'
import { ConfigError, isGatewayError } from './errors.js'
import { createLogger } from './logger.js'

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const

function version(): string {
  const pkg = new URL('../../package.json', import.meta.url)
  try {
    return (JSON.parse(readFileSync(fileURLToPath(pkg), 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
}

export interface CliIo {
  readonly argv: readonly string[]
  readonly env: Readonly<Record<string, string | undefined>>
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

/**
 * Runs one command. Configuration problems print one line and return exit code 2, never a stack;
 * `serve` resolves once the gateway listens (the process lives on until a signal).
 */
export async function main(io: CliIo): Promise<number> {
  try {
    const cli = parseCommandLine(io.argv)
    if (cli.help) {
      io.stdout(helpText(version()) + '\n')
      return EXIT.ok
    }
    if (cli.version) {
      io.stdout(version() + '\n')
      return EXIT.ok
    }
    if (cli.command !== 'serve') {
      throw new ConfigError(`unknown command "${cli.command}"; allowed: serve (see --help)`)
    }
    const { config } = loadConfig(cli, io.env)
    const logger = createLogger(config.logLevel)
    const { startServer, closeOnSignals } = await import('../plugins/server.js')
    const server = await startServer(config, logger)
    closeOnSignals(server, logger)
    return EXIT.ok
  } catch (err) {
    if (err instanceof ConfigError || (isGatewayError(err) && err.code === 'HSG_CONFIG_INVALID')) {
      // One line, whatever a value or a lower layer put into the message.
      io.stderr(`hubstaff-gateway: ${err.message.replace(/\s*[\r\n]+\s*/g, ' ')}\n`)
      return EXIT.usage
    }
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      io.stderr(`hubstaff-gateway: cannot listen: ${(err as Error).message}; choose another --host or --port\n`)
      return EXIT.usage
    }
    io.stderr(`hubstaff-gateway: ${(err as Error).message}\n`)
    return EXIT.failure
  }
}
