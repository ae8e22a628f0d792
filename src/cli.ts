import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { helpText, loadConfig, parseCommandLine } from './config/load.js'
import { ConfigError, isGatewayError } from './errors.js'
import { keyCommand } from './commands/key.js'
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
  /** Standard input as text (commands that read a secret take it from here, not from argv). */
  readonly readStdin?: () => Promise<string>
}

/**
 * Runs one command. Configuration problems print one line and return exit code 2, never a stack;
 * `serve` resolves once the gateway listens (the process lives on until a signal).
 */
export async function main(io: CliIo): Promise<number> {
  /** Every line this prints is one line, whatever a value or a lower layer put into the message. */
  const fail = (message: string) => io.stderr(`hubstaff-gateway: ${message.replace(/\s*[\r\n]+\s*/g, ' ')}\n`)
  let listenOn: { host: string; port: number } | undefined
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
    if (cli.command === 'key') return await keyCommand(cli.args, { stdout: io.stdout, readStdin: io.readStdin ?? (() => Promise.resolve('')) })
    if (cli.command !== 'serve') {
      throw new ConfigError(`unknown command "${cli.command}"; allowed: serve, key (see --help)`)
    }
    const { config } = loadConfig(cli, io.env)
    listenOn = { host: config.host, port: config.port }
    const logger = createLogger(config.logLevel)
    const { startServer, closeOnSignals } = await import('../plugins/server.js')
    const server = await startServer(config, logger)
    closeOnSignals(server, logger)
    return EXIT.ok
  } catch (err) {
    if (err instanceof ConfigError || (isGatewayError(err) && err.code === 'HSG_CONFIG_INVALID')) {
      fail(err.message)
      return EXIT.usage
    }
    const code = (err as NodeJS.ErrnoException).code
    // A host name that does not resolve (ENOTFOUND, EAI_AGAIN) is a bad --host value too.
    if (listenOn !== undefined && (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')) {
      fail(
        `cannot listen on --host ${JSON.stringify(listenOn.host)} --port ${listenOn.port}: ${(err as Error).message}; choose another --host or --port`,
      )
      return EXIT.usage
    }
    fail(err instanceof Error ? err.message : String(err))
    return EXIT.failure
  }
}
