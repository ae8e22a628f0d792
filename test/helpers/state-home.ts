// The user's state folder as tests see it: a fresh temporary folder per test process, so that no
// test (in-process or a spawned gateway) ever writes into the real ~/.local/state of the machine.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const TEST_STATE_HOME = mkdtempSync(join(tmpdir(), 'hsg-state-home-'))
process.once('exit', () => rmSync(TEST_STATE_HOME, { recursive: true, force: true }))

/** `env` with the state-folder variables every platform reads pointed at TEST_STATE_HOME, unless given. */
export function withTestStateHome(env: Record<string, string>): Record<string, string> {
  return { XDG_STATE_HOME: TEST_STATE_HOME, LOCALAPPDATA: TEST_STATE_HOME, ...env }
}
