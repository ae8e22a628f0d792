import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { LuaScript } from '../redis-client.js'

/** One answer as the shared tier holds it: what an `Entry` of the local tier is made of. */
export interface SharedEntry {
  readonly body: Buffer
  /** Headers packed by `packHeaders`. */
  readonly headerText: string
  /** Epoch ms when the answer arrived. */
  readonly storedAt: number
  /** Epoch ms when it stops being fresh. */
  readonly freshUntil: number
}

/** What one instance tells the others: a write went through, or a purge. */
export type SharedEvent = { readonly kind: 'write'; readonly path: string } | { readonly kind: 'purge'; readonly prefix?: string | undefined }

export interface SharedCacheTierOptions {
  readonly redis: Redis
  /** A command without an answer for this long counts as failed: the cache goes on without Redis, ms. @default 250 */
  readonly timeoutMs?: number
  /** Key prefix. @default 'hsg:cache:' */
  readonly prefix?: string
  readonly logger?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void }
}

// Deletes the lock only if it is still ours: a lock that expired and was taken by another instance stays.
const RELEASE = new LuaScript(`if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`)

/**
 * The cache tier shared by gateway instances through `--redis`: entries (`<prefix>e:<key>`), the
 * cross-instance coalescing lock (`<prefix>l:<key>`) and a channel (`<prefix>events`) on which
 * writes and purges reach the other instances' local tiers. Every operation fails or gives up
 * within `timeoutMs`; callers treat a failure as a miss, so a Redis that is away or slow leaves
 * each instance caching on its own.
 */
export class SharedCacheTier {
  readonly #redis: Redis
  readonly #timeoutMs: number
  readonly #prefix: string
  readonly #channel: string
  readonly #id = randomBytes(8).toString('hex')
  readonly #logger: SharedCacheTierOptions['logger']
  #subscriber: Redis | undefined
  #down = false

  constructor(options: SharedCacheTierOptions) {
    this.#redis = options.redis
    this.#timeoutMs = options.timeoutMs ?? 250
    this.#prefix = options.prefix ?? 'hsg:cache:'
    this.#channel = `${this.#prefix}events`
    this.#logger = options.logger
  }

  /** The stored entry, or undefined (absent, unreadable, or Redis not answering). */
  async get(key: string): Promise<SharedEntry | undefined> {
    const raw = await this.#try(() => this.#redis.getBuffer(this.#entryKey(key)))
    return raw === undefined || raw === null ? undefined : decode(raw)
  }

  /** Stores an entry for `ttlMs` (its freshness plus the stale windows); false when Redis did not take it. */
  async set(key: string, entry: SharedEntry, ttlMs: number): Promise<boolean> {
    const ms = Math.max(1, Math.ceil(ttlMs))
    return (await this.#try(() => this.#redis.set(this.#entryKey(key), encode(entry), 'PX', ms))) === 'OK'
  }

  async delete(key: string): Promise<void> {
    await this.#try(() => this.#redis.unlink(this.#entryKey(key)))
  }

  /** Deletes the entries whose cache key passes `test` (SCAN + UNLINK); returns how many. */
  async deleteWhere(test: (key: string) => boolean): Promise<number> {
    const match = `${this.#prefix}e:*`
    const skip = this.#prefix.length + 2
    const deleted = await this.#try(async () => {
      let cursor = '0'
      let count = 0
      do {
        const [next, keys] = await this.#redis.scan(cursor, 'MATCH', match, 'COUNT', 1000)
        cursor = next
        const doomed = keys.filter((k) => test(k.slice(skip)))
        if (doomed.length > 0) count += await this.#redis.unlink(...doomed)
      } while (cursor !== '0')
      return count
    }, this.#timeoutMs * 4)
    return deleted ?? 0
  }

  /**
   * Takes the coalescing lock on `key` for `ms`: the token to release it with, false while another
   * instance holds it, undefined when Redis did not answer.
   */
  async lock(key: string, ms: number): Promise<string | false | undefined> {
    const token = `${this.#id}:${randomBytes(6).toString('hex')}`
    const ok = await this.#try(() => this.#redis.set(this.#lockKey(key), token, 'PX', Math.max(1, Math.ceil(ms)), 'NX'))
    return ok === 'OK' ? token : ok === null ? false : undefined
  }

  async unlock(key: string, token: string): Promise<void> {
    await this.#try(() => RELEASE.run(this.#redis, [this.#lockKey(key)], [token]))
  }

  /** Tells the other instances (not this one) about a write or a purge. */
  async publish(event: SharedEvent): Promise<void> {
    await this.#try(() => this.#redis.publish(this.#channel, JSON.stringify({ from: this.#id, ...event })))
  }

  /** Calls `listener` with every event another instance publishes; subscribes again after each reconnect. */
  subscribe(listener: (event: SharedEvent) => void): void {
    if (this.#subscriber !== undefined) throw new Error('already subscribed')
    const sub = this.#redis.duplicate({ autoResubscribe: false })
    this.#subscriber = sub
    sub.on('error', () => undefined)
    sub.on('ready', () => {
      sub.subscribe(this.#channel).catch(() => undefined)
    })
    sub.on('message', (channel: string, text: string) => {
      if (channel !== this.#channel) return
      try {
        const message = JSON.parse(text) as { from?: unknown; kind?: unknown; path?: unknown; prefix?: unknown }
        if (message.from === this.#id) return
        if (message.kind === 'write' && typeof message.path === 'string') listener({ kind: 'write', path: message.path })
        else if (message.kind === 'purge') listener({ kind: 'purge', prefix: typeof message.prefix === 'string' ? message.prefix : undefined })
      } catch {
        // not one of ours
      }
    })
  }

  close(): void {
    this.#subscriber?.disconnect()
    this.#subscriber = undefined
  }

  #entryKey(key: string): string {
    return `${this.#prefix}e:${key}`
  }

  #lockKey(key: string): string {
    return `${this.#prefix}l:${key}`
  }

  /** Runs a Redis operation; undefined when it fails or takes longer than the timeout. */
  async #try<T>(op: () => Promise<T>, timeoutMs = this.#timeoutMs): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined
    try {
      const result = await Promise.race([
        op(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer from Redis within ${timeoutMs} ms`)), timeoutMs)
          timer.unref()
        }),
      ])
      if (this.#down) {
        this.#down = false
        this.#logger?.info({}, 'shared cache tier back: Redis answers again')
      }
      return result
    } catch (err) {
      if (!this.#down) {
        this.#down = true
        this.#logger?.warn({ err }, 'shared cache tier unavailable: caching in this instance only until Redis answers')
      }
      return undefined
    } finally {
      clearTimeout(timer)
    }
  }
}

// `<meta JSON>\n<body>`: JSON.stringify escapes line feeds, so the first one ends the meta.
function encode(entry: SharedEntry): Buffer {
  const meta = JSON.stringify({ v: 1, s: entry.storedAt, f: entry.freshUntil, h: entry.headerText })
  return Buffer.concat([Buffer.from(`${meta}\n`, 'utf8'), entry.body])
}

function decode(raw: Buffer): SharedEntry | undefined {
  const end = raw.indexOf(0x0a)
  if (end === -1) return undefined
  try {
    const meta = JSON.parse(raw.subarray(0, end).toString('utf8')) as { v?: unknown; s?: unknown; f?: unknown; h?: unknown }
    if (meta.v !== 1 || typeof meta.s !== 'number' || typeof meta.f !== 'number' || typeof meta.h !== 'string') return undefined
    return { body: Buffer.from(raw.subarray(end + 1)), headerText: meta.h, storedAt: meta.s, freshUntil: meta.f }
  } catch {
    return undefined
  }
}
