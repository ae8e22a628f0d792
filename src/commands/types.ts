import type { CommandLine, CommandOptionSpec } from '../config/load.js'
import type { SettingKey } from '../config/settings.js'

/** What a command talks to: argv/env and the two output streams (tests pass their own). */
export interface CliIo {
  readonly argv: readonly string[]
  readonly env: Readonly<Record<string, string | undefined>>
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  /** Standard input as text (commands that read a secret take it from here, not from argv). */
  readonly readStdin?: () => Promise<string>
  /** True when stderr, where progress goes, is a terminal (then a progress bar; else plain lines). */
  readonly isTTY?: boolean
  /** Where a progress bar draws; defaults to process.stderr. */
  readonly progressStream?: NodeJS.WritableStream
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const

/** An option of one command, beside the settings every command reads. */
export interface CommandOption extends CommandOptionSpec {
  /** Long name without dashes. */
  readonly name: string
  /** Placeholder shown in help for a string option, e.g. `ID`. */
  readonly value?: string
  readonly description: string
  /** Shown in help as `default: ...`. */
  readonly defaultText?: string
}

export interface CommandContext {
  readonly io: CliIo
  readonly cli: CommandLine
  readonly version: string
}

/**
 * One entry of the command table: `hubstaff-gateway <name> [args] [options]`.
 * `run` returns the exit code; a ConfigError it throws becomes one line and exit 2, any other
 * error one line and exit 1.
 */
export interface Command {
  readonly name: string
  /** One line, shown in the command list of `--help`. */
  readonly summary: string
  /** What follows the name in a usage line, e.g. `--org ID [--days N]`. */
  readonly usage?: string
  /** A paragraph or two for `<name> --help`. */
  readonly description?: string
  readonly options?: readonly CommandOption[]
  /** Extra usage lines (sub-commands), each `[usage, what it does]`. */
  readonly forms?: readonly (readonly [string, string])[]
  /** The settings that matter most to it, listed with their defaults in `<name> --help`. */
  readonly settings?: readonly SettingKey[]
  /** Example invocations for `<name> --help`. */
  readonly examples?: readonly string[]
  readonly run: (context: CommandContext) => Promise<number>
}
