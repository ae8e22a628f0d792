import { pino, type Logger } from 'pino'
import type { Config } from '../config/settings.js'
import { MirroredTokenStore } from '../token/layered-store.js'
import { RedisTokenStore } from '../token/redis-store.js'
import { FileTokenStore, type StoredTokens, type TokenStore } from '../token/store.js'

// Loaded only by the commands that need it, so `--help` and `key` start fast.

/** A logger that writes nothing: the commands speak on stdout/stderr in their own words. */
export function quietLogger(): Logger {
  return pino({ level: 'silent' })
}

/** The token store `serve` would use with these settings: the state dir, or Redis with a copy there. */
export function openTokenStore(config: Config, logger: Logger = quietLogger()): { store: TokenStore; close: () => Promise<void> } {
  const file = new FileTokenStore({ stateDir: config.stateDir })
  if (config.redis === undefined) return { store: file, close: () => Promise.resolve() }
  const store = new MirroredTokenStore({ shared: new RedisTokenStore({ redis: config.redis }), mirror: file, logger })
  return { store, close: () => store.close() }
}

/** What that store holds now, and where it is; the store is closed again after the read. */
export async function readStoredTokens(config: Config): Promise<{ stored: StoredTokens | undefined; location: string }> {
  const { store, close } = openTokenStore(config)
  try {
    return { stored: await store.read(), location: store.location }
  } finally {
    await close()
  }
}

