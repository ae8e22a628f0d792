import { sha256Hex } from './digest.js'
import { createHash, timingSafeEqual } from 'node:crypto'
import type { AppConfig, Priority } from './config/settings.js'
import { GatewayError } from './errors.js'

/** Who a request is charged to. Without team mode every request is the anonymous interactive app. */
export interface AppIdentity {
  readonly name: string
  readonly priority: Priority
  /** Share of the window this app may use (0 to 1), if limited. */
  readonly quota: number | undefined
}

export const ANONYMOUS: AppIdentity = Object.freeze({ name: 'default', priority: 'interactive', quota: undefined })

export function hashKey(key: string): string {
  return sha256Hex(key)
}

/**
 * Team mode: apps identify themselves with `X-Gateway-Key`. Keys are kept only as SHA-256 digests
 * and compared in constant time against every configured app, so neither the match nor its
 * position leaks through timing.
 */
export class AppRegistry {
  readonly #apps: readonly { identity: AppIdentity; digest: Buffer }[]

  constructor(apps: readonly AppConfig[]) {
    this.#apps = apps.map((app) => ({
      identity: Object.freeze({ name: app.name, priority: app.priority ?? 'interactive', quota: app.quota }),
      digest: Buffer.from(app.keySha256, 'hex'),
    }))
  }

  get teamMode(): boolean {
    return this.#apps.length > 0
  }

  get names(): string[] {
    return this.#apps.map((a) => a.identity.name)
  }

  /** The app a request belongs to; throws HSG_APP_KEY_INVALID in team mode without a valid key. */
  identify(key: string | string[] | undefined): AppIdentity {
    if (!this.teamMode) return ANONYMOUS
    const presented = Array.isArray(key) ? key[0] : key
    if (presented === undefined || presented === '') {
      throw new GatewayError('HSG_APP_KEY_INVALID', 'This gateway is shared by a team: send your app key in the X-Gateway-Key header.')
    }
    const digest = createHash('sha256').update(presented, 'utf8').digest()
    let found: AppIdentity | undefined
    for (const app of this.#apps) {
      if (timingSafeEqual(digest, app.digest) && found === undefined) found = app.identity
    }
    if (found === undefined) throw new GatewayError('HSG_APP_KEY_INVALID', 'The X-Gateway-Key header does not match any app of this gateway.')
    return found
  }
}
