import { homedir } from 'node:os'
import { posix, win32 } from 'node:path'

const NAME = 'hubstaff-gateway'

type Env = Readonly<Record<string, string | undefined>>

const set = (value: string | undefined): value is string => value !== undefined && value !== ''

/**
 * Where the gateway keeps its state when --state-dir is not given: the user's state folder by the
 * platform's convention, so that the token store does not depend on the folder a gateway was
 * started from (a second store would re-seed from a personal access token already rotated away).
 * Linux and other Unixes: `$XDG_STATE_HOME` (an absolute path, as the XDG spec requires), else
 * `~/.local/state`; macOS: `~/Library/Application Support`; Windows: `%LOCALAPPDATA%`.
 */
export function defaultStateDir(env: Env, platform: NodeJS.Platform = process.platform, home: string = homeOf(env, platform)): string {
  if (platform === 'win32') {
    const base = set(env.LOCALAPPDATA) ? env.LOCALAPPDATA : win32.join(home, 'AppData', 'Local')
    return win32.join(base, NAME)
  }
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', NAME)
  const xdg = env.XDG_STATE_HOME
  if (set(xdg) && posix.isAbsolute(xdg)) return posix.join(xdg, NAME)
  return posix.join(home, '.local', 'state', NAME)
}

function homeOf(env: Env, platform: NodeJS.Platform): string {
  const home = platform === 'win32' ? env.USERPROFILE : env.HOME
  return set(home) ? home : homedir()
}

/** The default as `--help` shows it on this platform. */
export function defaultStateDirText(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return `%LOCALAPPDATA%\\${NAME}`
  if (platform === 'darwin') return `~/Library/Application Support/${NAME}`
  return `$XDG_STATE_HOME/${NAME} (else ~/.local/state/${NAME})`
}
