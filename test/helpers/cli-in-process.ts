// Runs a command through main(io) in this process, as the binary would, capturing its output.
import { main } from '../../src/cli.js'

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs `hubstaff-gateway <argv>` in-process with exactly `env` (nothing of the developer's environment). */
export async function runCli(argv: string[], env: Record<string, string> = {}, extra: { stdin?: string; isTTY?: boolean; progressStream?: NodeJS.WritableStream } = {}): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  const code = await main({
    argv,
    env,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readStdin: () => Promise.resolve(extra.stdin ?? ''),
    isTTY: extra.isTTY ?? false,
    ...(extra.progressStream === undefined ? {} : { progressStream: extra.progressStream }),
  })
  return { code, stdout, stderr }
}
