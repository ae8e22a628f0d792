import { createHash } from 'node:crypto'
import { Redis } from 'ioredis'

export interface RedisClientOptions {
  /** A command without an answer for this long fails, so a caller can fall back instead of waiting, ms. @default 500 */
  readonly commandTimeoutMs?: number
  /** The longest pause between reconnection attempts, ms. @default 2000 */
  readonly maxReconnectDelayMs?: number
}

/**
 * An ioredis client for the stores that share state between gateway instances (`--redis`). It
 * fails fast while Redis is away rather than queueing: a budget take that waits for a reconnect is
 * a request that waits, and a lock or a charge replayed after the reconnect would be stale.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  const maxDelay = options.maxReconnectDelayMs ?? 2000
  const client = new Redis(url, {
    commandTimeout: options.commandTimeoutMs ?? 500,
    enableOfflineQueue: false,
    // A command in flight when the connection drops fails at once and is never resent.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), maxDelay),
    connectionName: 'hubstaff-gateway',
  })
  // Without a listener ioredis prints every failed reconnect to the console; the stores report
  // an outage through the gateway's logger, once.
  client.on('error', () => undefined)
  return client
}

/** Resolves true once the client is ready, false if it is not within `timeoutMs` (or has been closed). */
export function whenReady(client: Redis, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true)
  if (client.status === 'end') return Promise.resolve(false)
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer)
      client.off('ready', onReady)
      client.off('end', onEnd)
      resolve(ready)
    }
    const onReady = () => done(true)
    const onEnd = () => done(false)
    const timer = setTimeout(() => done(false), timeoutMs)
    timer.unref()
    client.on('ready', onReady)
    client.on('end', onEnd)
  })
}

/**
 * A Lua script run by its SHA1. Redis forgets its script cache on restart, so a NOSCRIPT answer
 * is met by sending the source once more (ioredis's defineCommand does the same, but untyped).
 */
export class LuaScript {
  readonly #source: string
  readonly #sha: string

  constructor(source: string) {
    this.#source = source
    this.#sha = createHash('sha1').update(source).digest('hex')
  }

  async run(client: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.#sha, keys.length, ...keys, ...args)
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err
      return client.eval(this.#source, keys.length, ...keys, ...args)
    }
  }
}
