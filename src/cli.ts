import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { COMMANDS, commandHelp, commandList, findCommand, optionsOf } from './commands/index.js'
import { EXIT, type CliIo } from './commands/types.js'
import { helpText, parseCommandLine } from './config/load.js'
import { unknownVariableWarnings } from './config/unknown-env.js'
import { ConfigError, isGatewayError } from './errors.js'

export { EXIT, type CliIo } from './commands/types.js'

function version(): string {
  const pkg = new URL('../../package.json', import.meta.url)
  try {
    return (JSON.parse(readFileSync(fileURLToPath(pkg), 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
}

/**
 * Runs one command from the table in src/commands/. Usage and configuration problems print one
 * line and return exit code 2, any other failure one line and 1, never a stack; `serve` resolves
 * once the gateway listens (the process lives on until a signal).
 */
export async function main(io: CliIo): Promise<number> {
  /** Every line this prints is one line, whatever a value or a lower layer put into the message. */
  const fail = (message: string) => io.stderr(`hubstaff-gateway: ${message.replace(/\s*[\r\n]+\s*/g, ' ')}\n`)
  try {
    const cli = parseCommandLine(io.argv, optionsOf)
    for (const warning of unknownVariableWarnings(io.env)) io.stderr(`hubstaff-gateway: ${warning}\n`)
    if (cli.help || cli.command === 'help') {
      // `help <command>` reads as well as `<command> --help`; a bare --help shows every command.
      const named = cli.command === 'help' ? cli.args[0] : io.argv.includes(cli.command) ? cli.command : undefined
      const command = named === undefined ? undefined : findCommand(named)
      if (named !== undefined && command === undefined) throw unknownCommand(named)
      io.stdout(command === undefined ? helpText(version(), commandList()) + '\n' : commandHelp(command, version()))
      return EXIT.ok
    }
    if (cli.version) {
      io.stdout(version() + '\n')
      return EXIT.ok
    }
    const command = findCommand(cli.command)
    if (command === undefined) throw unknownCommand(cli.command)
    return await command.run({ io, cli, version: version() })
  } catch (err) {
    if (err instanceof ConfigError || (isGatewayError(err) && err.code === 'HSG_CONFIG_INVALID')) {
      fail(err.message)
      return EXIT.usage
    }
    fail(err instanceof Error ? err.message : String(err))
    return EXIT.failure
  }
}

function unknownCommand(name: string): ConfigError {
  return new ConfigError(`unknown command "${name}"; allowed: ${COMMANDS.map((c) => c.name).join(', ')} (see --help)`)
}
