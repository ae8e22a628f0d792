import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { createRedisClient, LuaScript } from '../redis-client.js'
import type { BudgetSnapshot, BudgetStore, TakeRequest, TakeResult } from './store.js'

export interface RedisBudgetStoreOptions {
  /**
   * An ioredis client (shared with other stores; its owner closes it), or a `redis://` URL: the
   * store then connects with createRedisClient and closes the connection in close().
   */
  readonly redis: Redis | string
  /** Prefix of every key, so several gateways (or test runs) can share one Redis. @default 'hsg:' */
  readonly prefix?: string
  /** Wall clock for key lifetimes only (window arithmetic uses the caller's `now`). @default Date.now */
  readonly now?: () => number
  /** With a URL only: see createRedisClient. @default 500 */
  readonly commandTimeoutMs?: number
}

/** One slot of the window as it is written to Redis: its stamp, its app and its unique member name. */
export interface LedgerSlot {
  readonly stamp: number
  readonly app: string | undefined
  /** Unique across instances: `<instance>.<n>`; the same slot written twice is one slot. */
  readonly id: string
}

// The check and the charge are one script, so no other instance can take a slot between them.
// Order of the checks and the retryAt of each deny are those of RollingWindow.take.
// KEYS: stamps, pause[, the app's stamps]. ARGV: now, cutoff, cost, limit, ttl, appLimit ('' = none), members...
const TAKE = new LuaScript(`
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local used = redis.call('ZCARD', KEYS[1])
local paused = redis.call('GET', KEYS[2])
if paused and tonumber(paused) > now then return {'paused', used, paused} end
local over = used + cost - tonumber(ARGV[4])
if over > 0 then
  local nth = redis.call('ZRANGE', KEYS[1], over - 1, over - 1, 'WITHSCORES')
  return {'window', used, nth[2] or ''}
end
local app = KEYS[3]
if app then
  redis.call('ZREMRANGEBYSCORE', app, '-inf', ARGV[2])
  if ARGV[6] ~= '' then
    local appOver = redis.call('ZCARD', app) + cost - tonumber(ARGV[6])
    if appOver > 0 then
      local nth = redis.call('ZRANGE', app, appOver - 1, appOver - 1, 'WITHSCORES')
      return {'app-quota', used, nth[2] or ''}
    end
  end
end
for i = 7, #ARGV do
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[i])
  if app then redis.call('ZADD', app, ARGV[1], ARGV[i]) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
if app then redis.call('PEXPIRE', app, ARGV[5]) end
return {'granted', used + cost, ''}
`)

// Slots granted elsewhere (by an instance while Redis was away), added without a check: those
// requests have gone upstream already. ZADD of a member already there changes nothing.
// KEYS: stamps[, the app's stamps]. ARGV: ttl, then stamp and member pairs.
const RECORD = new LuaScript(`
for i = 2, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1])
  if KEYS[2] then redis.call('ZADD', KEYS[2], ARGV[i], ARGV[i + 1]) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
if KEYS[2] then redis.call('PEXPIRE', KEYS[2], ARGV[1]) end
return 1
`)

// KEYS: pause. ARGV: until, ttl. Two instances may learn of a 429 at once: the later pause wins.
const PAUSE = new LuaScript(`
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1
`)

// KEYS: stamps, pause. ARGV: cutoff. Counted in Redis so the reply stays small however full the
// window, and in one script so the stamps and the pause are read at the same moment.
// Reply: pause ('' = none), used, oldest stamp ('' = none), then app and count pairs.
const SNAPSHOT = new LuaScript(`
local stamps = redis.call('ZRANGE', KEYS[1], '(' .. ARGV[1], '+inf', 'BYSCORE', 'WITHSCORES')
local counts, apps = {}, {}
for i = 1, #stamps, 2 do
  local bar = string.find(stamps[i], '|', 1, true)
  if bar then
    local app = string.sub(stamps[i], bar + 1)
    if not counts[app] then counts[app] = 0; apps[#apps + 1] = app end
    counts[app] = counts[app] + 1
  end
end
local reply = {redis.call('GET', KEYS[2]) or '', #stamps / 2, stamps[2] or ''}
for _, app in ipairs(apps) do reply[#reply + 1] = app; reply[#reply + 1] = counts[app] end
return reply
`)

// KEYS: stamps. ARGV: cutoff, count. Reply: the stamps of the oldest `count` slots.
const OLDEST = new LuaScript(`
local stamps = redis.call('ZRANGE', KEYS[1], '(' .. ARGV[1], '+inf', 'BYSCORE', 'LIMIT', 0, ARGV[2], 'WITHSCORES')
local scores = {}
for i = 2, #stamps, 2 do scores[#scores + 1] = stamps[i] end
return scores
`)

/**
 * Key lifetimes run on Redis's clock while stamps are on the callers' (a fake clock in tests, a
 * skewed one on another machine), so a TTL only clears keys no gateway uses any more, and is
 * generous. Pruning is by score, in the scripts.
 */
const TTL_SLACK_MS = 60_000

/**
 * The budget window shared by every gateway instance on one Redis: one sorted set of stamps
 * (score = epoch ms, member = a unique slot id, plus `|<app>` in team mode), one sorted set per
 * app for quotas, one key for a pause. Every take is one Lua script, so there is no
 * read-modify-write race between instances.
 */
export class RedisBudgetStore implements BudgetStore {
  readonly kind: string = 'redis'
  readonly client: Redis
  readonly prefix: string
  readonly #ownsClient: boolean
  readonly #now: () => number
  readonly #instance = randomBytes(6).toString('base64url')
  #slots = 0

  constructor(options: RedisBudgetStoreOptions) {
    this.#ownsClient = typeof options.redis === 'string'
    this.client =
      typeof options.redis === 'string'
        ? createRedisClient(options.redis, options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: options.commandTimeoutMs })
        : options.redis
    this.prefix = options.prefix ?? 'hsg:'
    this.#now = options.now ?? Date.now
  }

  /** True while the connection is up; commands fail at once otherwise. */
  get ready(): boolean {
    return this.client.status === 'ready'
  }

  /** Fresh slot ids, unique across instances and restarts. */
  newSlotIds(count: number): string[] {
    return Array.from({ length: count }, () => `${this.#instance}.${++this.#slots}`)
  }

  take(request: TakeRequest): Promise<TakeResult> {
    return this.takeAs(request, this.newSlotIds(request.cost))
  }

  /** `take`, with the ids the granted slots get (one per unit of cost), so a caller can write them again idempotently. */
  async takeAs(request: TakeRequest, slotIds: readonly string[]): Promise<TakeResult> {
    const { now, windowMs, cost, limit, app, appLimit } = request
    if (slotIds.length < cost) throw new RangeError(`takeAs needs one slot id per unit of cost (${cost}), got ${slotIds.length}`)
    const keys = [this.#stampsKey, this.#pauseKey]
    if (app !== undefined) keys.push(this.#appKey(app))
    const args = [
      String(now),
      String(now - windowMs),
      cost,
      limit,
      this.#ttl(windowMs),
      app !== undefined && appLimit !== undefined ? String(appLimit) : '',
      ...slotIds.slice(0, cost).map((id) => memberOf(id, app)),
    ]
    const [outcome, used, at] = (await TAKE.run(this.client, keys, args)) as [string, number, string]
    if (outcome === 'granted') return { granted: true, used }
    const reason = outcome === 'paused' ? 'paused' : outcome === 'app-quota' ? 'app-quota' : 'window'
    // A deny names the stamp whose leaving frees enough slots; none when even an empty window
    // would be too small (cost above the limit), as RollingWindow says.
    const retryAt = reason === 'paused' ? Number(at) : at === '' ? now + windowMs : Number(at) + windowMs
    return { granted: false, used, retryAt, reason }
  }

  /** Writes slots granted while this store could not be reached; slots already there stay one. */
  async record(slots: readonly LedgerSlot[], now: number, windowMs: number): Promise<void> {
    const cutoff = now - windowMs
    const byApp = new Map<string | undefined, (string | number)[]>()
    for (const slot of slots) {
      if (slot.stamp <= cutoff) continue
      const args = byApp.get(slot.app) ?? []
      args.push(String(slot.stamp), memberOf(slot.id, slot.app))
      byApp.set(slot.app, args)
    }
    const ttl = this.#ttl(windowMs)
    for (const [app, args] of byApp) {
      const keys = app === undefined ? [this.#stampsKey] : [this.#stampsKey, this.#appKey(app)]
      // A few thousand arguments per call keep one script from blocking Redis for long.
      for (let i = 0; i < args.length; i += 2000) await RECORD.run(this.client, keys, [ttl, ...args.slice(i, i + 2000)])
    }
  }

  async freeTimes(now: number, windowMs: number, count: number, app?: string): Promise<number[]> {
    if (count <= 0) return []
    const key = app === undefined ? this.#stampsKey : this.#appKey(app)
    const stamps = (await OLDEST.run(this.client, [key], [String(now - windowMs), count])) as string[]
    return stamps.map((s) => Number(s) + windowMs)
  }

  async snapshot(now: number, windowMs: number): Promise<BudgetSnapshot> {
    const reply = (await SNAPSHOT.run(this.client, [this.#stampsKey, this.#pauseKey], [String(now - windowMs)])) as (string | number)[]
    const [paused = '', used = 0, oldest = ''] = reply
    const byApp: Record<string, number> = {}
    for (let i = 3; i + 1 < reply.length; i += 2) byApp[String(reply[i])] = Number(reply[i + 1])
    const pausedUntil = paused === '' ? 0 : Number(paused)
    return { used: Number(used), oldest: oldest === '' ? undefined : Number(oldest), pausedUntil: pausedUntil > now ? pausedUntil : 0, byApp }
  }

  async pause(until: number): Promise<void> {
    await PAUSE.run(this.client, [this.#pauseKey], [String(until), Math.ceil(Math.max(until - this.#now(), 0) + TTL_SLACK_MS)])
  }

  async close(): Promise<void> {
    if (!this.#ownsClient) return
    await this.client.quit().catch(() => this.client.disconnect())
  }

  #ttl(windowMs: number): number {
    return Math.ceil(2 * windowMs + TTL_SLACK_MS)
  }

  get #stampsKey(): string {
    return `${this.prefix}budget:stamps`
  }

  get #pauseKey(): string {
    return `${this.prefix}budget:paused`
  }

  #appKey(app: string): string {
    return `${this.prefix}budget:app:${app}`
  }
}

/** Slot ids never hold `|`, so the app is whatever follows the first one (the scripts split there). */
function memberOf(id: string, app: string | undefined): string {
  return app === undefined ? id : `${id}|${app}`
}
