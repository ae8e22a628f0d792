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
 * The admin key, kept only as SHA-256 digests (of `--admin-key-sha256`, and of `--admin-key` when
 * given) and compared in constant time against every one of them.
 */
export class AdminKey {
  readonly #digests: readonly Buffer[]

  constructor(config: Pick<Config, 'adminKeySha256' | 'adminKey'>) {
    const digests: Buffer[] = []
    if (config.adminKeySha256 !== undefined) digests.push(Buffer.from(config.adminKeySha256, 'hex'))
    if (config.adminKey !== undefined) digests.push(createHash('sha256').update(config.adminKey, 'utf8').digest())
    this.#digests = digests
  }

  /** When a key is configured it is required from every client, loopback included. */
  get configured(): boolean {
    return this.#digests.length > 0
  }

  accepts(headers: Headers): boolean {
    const presented = presentedAdminKey(headers)
    if (presented === undefined) return false
    const digest = createHash('sha256').update(presented, 'utf8').digest()
    let ok = false
    for (const expected of this.#digests) if (timingSafeEqual(digest, expected)) ok = true
    return ok
  }
}
