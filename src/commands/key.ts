import { randomBytes } from 'node:crypto'
import { hashKey } from '../apps.js'
import { ConfigError } from '../errors.js'

const USAGE = 'usage: hubstaff-gateway key new <app-name> | key hash [<key>] (the key is read from stdin when not given)'

/**
 * `key new <name>` makes a random app key and prints the `apps` entry to configure (the key itself
 * is printed once and stored nowhere); `key hash` prints the SHA-256 a configured key is kept as.
 */
export async function keyCommand(args: readonly string[], io: { stdout: (text: string) => void; readStdin: () => Promise<string> }): Promise<number> {
  const [sub, value] = args
  if (sub === 'new') {
    if (value === undefined || !/^[\w.-]{1,64}$/.test(value)) throw new ConfigError(`key new needs an app name of letters, digits, "_", "." or "-"; ${USAGE}`)
    const key = `hsg_${randomBytes(24).toString('base64url')}`
    io.stdout(`key (give it to the app; it is not stored anywhere): ${key}\n`)
    io.stdout(`add to "apps" in the config file: ${JSON.stringify({ name: value, keySha256: hashKey(key) })}\n`)
    return 0
  }
  if (sub === 'hash') {
    const key = (value ?? (await io.readStdin())).trim()
    if (key === '') throw new ConfigError(`key hash needs a key; ${USAGE}`)
    io.stdout(`${hashKey(key)}\n`)
    return 0
  }
  throw new ConfigError(USAGE)
}
