import { createHash, timingSafeEqual } from 'node:crypto'
import type { Config } from './config/settings.js'

type Headers = Readonly<Record<string, string | string[] | undefined>>

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/**
 * The key an admin request presents: `X-Gateway-Admin-Key`, `Authorization: Bearer <key>`, or the
 * password of `Authorization: Basic` (what a browser sends once its login prompt was answered).
 */
export function presentedAdminKey(headers: Headers): string | undefined {
  const direct = first(headers['x-gateway-admin-key'])
  if (direct !== undefined && direct !== '') return direct
  const authorization = first(headers.authorization)?.trim()
  if (authorization === undefined) return undefined
  const space = authorization.indexOf(' ')
  if (space === -1) return undefined
  const scheme = authorization.slice(0, space).toLowerCase()
  const value = authorization.slice(space + 1).trim()
  if (scheme === 'bearer') return value === '' ? undefined : value
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    const password = colon === -1 ? '' : decoded.slice(colon + 1)
    return password === '' ? undefined : password
  }
  return undefined
}

/**
 * The admin key, kept only as SHA-256 digests (of `--admin-key-sha256`, of `--admin-key` when
 * given, and of the keys of team-mode apps marked `"admin": true`) and compared in constant time
 * against every one of them.
 */
export class AdminKey {
  readonly #digests: readonly Buffer[]
  readonly #teamMode: boolean

  constructor(config: Pick<Config, 'adminKeySha256' | 'adminKey'> & { readonly apps?: Config['apps'] }) {
    const digests: Buffer[] = []
    if (config.adminKeySha256 !== undefined) digests.push(Buffer.from(config.adminKeySha256, 'hex'))
    if (config.adminKey !== undefined) digests.push(createHash('sha256').update(config.adminKey, 'utf8').digest())
    for (const app of config.apps ?? []) if (app.admin === true) digests.push(Buffer.from(app.keySha256, 'hex'))
    this.#digests = digests
    this.#teamMode = (config.apps ?? []).length > 0
  }

  /**
   * When a key is configured it is required from every client, loopback included; so it is in team
   * mode, where every local user is one of several apps and loopback says nothing of who asks.
   */
  get configured(): boolean {
    return this.#digests.length > 0 || this.#teamMode
  }

  /** Team mode with neither an admin key nor an admin app: nobody can reach the admin surface. */
  get unreachable(): boolean {
    return this.#digests.length === 0 && this.#teamMode
  }

  /** The admin key as presented, or an admin app's key in `X-Gateway-Key`. */
  accepts(headers: Headers): boolean {
    const presented = [presentedAdminKey(headers), first(headers['x-gateway-key'])]
    let ok = false
    for (const key of presented) {
      if (key === undefined || key === '') continue
      const digest = createHash('sha256').update(key, 'utf8').digest()
      for (const expected of this.#digests) if (timingSafeEqual(digest, expected)) ok = true
    }
    return ok
  }
}
