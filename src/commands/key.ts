import { randomBytes } from 'node:crypto'
import { hashKey } from '../apps.js'
import { ConfigError } from '../errors.js'
import { JSON_OPTION, printJson } from './support.js'
import type { Command } from './types.js'

const USAGE = 'usage: hubstaff-gateway key new <app-name> | key hash [<key>] (the key is read from stdin when not given)'

/**
 * `key new <name>` makes a random app key and prints the `apps` entry to configure (the key itself
 * is printed once and stored nowhere); `key hash` prints the SHA-256 a configured key is kept as.
 */
export const keyCommand: Command = {
  name: 'key',
  summary: 'make an app key for team mode, or hash one',
  usage: 'new <app> | hash [<key>]',
  description:
    'Team mode: each app sends X-Gateway-Key. `key new` makes a random key and prints the "apps" entry to configure ' +
    '(the key is printed once and stored nowhere); `key hash` prints the SHA-256 a configured key is kept as.',
  forms: [
    ['new <app>', 'make a key for the app and print its config entry'],
    ['hash [<key>]', 'print the SHA-256 of a key (read from stdin when not given)'],
  ],
  options: [JSON_OPTION],
  examples: ['hubstaff-gateway key new reports', 'printf %s "$KEY" | hubstaff-gateway key hash', 'hubstaff-gateway key new reports --json | jq -r .key'],
  async run({ cli, io }) {
    const [sub, value] = cli.args
    if (sub === 'new') {
      if (value === undefined || !/^[\w.-]{1,64}$/.test(value)) throw new ConfigError(`key new needs an app name of letters, digits, "_", "." or "-"; ${USAGE}`)
      const key = `hsg_${randomBytes(24).toString('base64url')}`
      if (cli.options.json === true) {
        printJson(io, { name: value, key, keySha256: hashKey(key) })
        return 0
      }
      io.stdout(`key (give it to the app; it is not stored anywhere): ${key}\n`)
      io.stdout(`add to "apps" in the config file: ${JSON.stringify({ name: value, keySha256: hashKey(key) })}\n`)
      return 0
    }
    if (sub === 'hash') {
      const key = (value ?? (await (io.readStdin ?? (() => Promise.resolve('')))())).trim()
      if (key === '') throw new ConfigError(`key hash needs a key; ${USAGE}`)
      if (cli.options.json === true) printJson(io, { keySha256: hashKey(key) })
      else io.stdout(`${hashKey(key)}\n`)
      return 0
    }
    throw new ConfigError(USAGE)
  },
}
