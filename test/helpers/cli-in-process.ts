// Runs a command through main(io) in this process, as the binary would, capturing its output.
import { main } from '../../src/cli.js'
import { withTestStateHome } from './state-home.js'

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs `hubstaff-gateway <argv>` in-process with `env` and nothing of the developer's environment
 * (the state folder variables point at a temporary folder unless `env` sets them).
 */
export async function runCli(argv: string[], env: Record<string, string> = {}, extra: { stdin?: string; isTTY?: boolean; progressStream?: NodeJS.WritableStream } = {}): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  const code = await main({
    argv,
    env: withTestStateHome(env),
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readStdin: () => Promise.resolve(extra.stdin ?? ''),
    isTTY: extra.isTTY ?? false,
    ...(extra.progressStream === undefined ? {} : { progressStream: extra.progressStream }),
  })
  return { code, stdout, stderr }
}
