import { GatewayError } from '../errors.js'
import type { Dataset } from './dataset.js'

/**
 * What the sessions need of the engine's world: a copy-on-write fork and record counts. Kept as
 * an interface so that sessions know nothing of how a world stores its records.
 */
export interface SessionWorld {
  fork(): SessionWorld
  counts(): Record<string, number>
}

export interface SessionsOptions<W extends SessionWorld> {
  /** The organization every world starts from: generated from the seed, or `--mock-fixtures`. */
  readonly seed: () => Dataset
  /** Builds a world from a dataset (`World.fromDataset`). */
  readonly build: (dataset: Dataset) => W
  /** A session unused this long is dropped, ms (`--mock-session-idle`). @default 1800000 */
  readonly idleMs?: number
  /** Sessions kept at most; the one unused longest goes first (`--mock-sessions-max`). @default 1000 */
  readonly max?: number
  /** The clock, epoch ms. @default Date.now */
  readonly now?: () => number
}

/** The request header naming a session, as the contract spells it. */
export const SESSION_HEADER = 'x-gateway-session'

const SESSION_NAME = /^[A-Za-z0-9._-]{1,64}$/

/**
 * The session a request names, undefined when it names none. A name outside the bounded alphabet
 * is refused rather than cleaned: two names that clean to one would share a world unawares.
 */
export function sessionName(header: string | readonly string[] | undefined): string | undefined {
  if (header === undefined) return undefined
  const name = typeof header === 'string' ? header.trim() : undefined
  if (name === undefined || !SESSION_NAME.test(name)) {
    const shown = JSON.stringify(typeof header === 'string' ? header.slice(0, 80) : header.join(', ').slice(0, 80))
    throw new GatewayError('HSG_MOCK_SESSION_INVALID', `X-Gateway-Session ${shown} is not a session name: send one header of 1 to 64 characters from A-Z, a-z, 0-9, ".", "_" and "-".`)
  }
  return name
}

interface Session<W> {
  world: W
  usedAt: number
}

export interface SessionState {
  /** The session asked about; null for the default world. */
  readonly session: string | null
  /** Records per collection. */
  readonly counts: Record<string, number>
  /** Sessions currently held. */
  readonly sessions: number
}

/**
 * The twin's worlds: one default world for requests that name no session, and one world per named
 * session, forked from the seed on first use so that a session never sees another's writes, nor
 * those made without a session. The seeded world itself is never written: reset is a fresh fork.
 */
export class Sessions<W extends SessionWorld> {
  readonly #options: SessionsOptions<W>
  readonly #idleMs: number
  readonly #max: number
  readonly #now: () => number
  #seed: W | undefined
  #default: W | undefined
  // Insertion order is use order (a used session is moved to the end), so the front is idle longest.
  readonly #sessions = new Map<string, Session<W>>()
  // Every world made gets a new number: cached answers keyed on it never outlive a reset.
  readonly #serials = new WeakMap<object, number>()
  #serial = 0

  constructor(options: SessionsOptions<W>) {
    this.#options = options
    this.#idleMs = options.idleMs ?? 30 * 60_000
    this.#max = Math.max(1, options.max ?? 1000)
    this.#now = options.now ?? Date.now
  }

  /** The seeded world, built on first need: generating a large organization takes a while. */
  #seedWorld(): W {
    this.#seed ??= this.#options.build(this.#options.seed())
    return this.#seed
  }

  #fork(): W {
    return this.#mark(this.#seedWorld().fork() as W)
  }

  #mark(world: W): W {
    this.#serials.set(world, ++this.#serial)
    return world
  }

  /** Builds the seeded world now, so that start-up pays for it rather than the first request. */
  prepare(): void {
    this.#default ??= this.#fork()
  }

  /** The world a request reads and writes: its session's (created on first use) or the default one. */
  world(session?: string): W {
    const now = this.#now()
    this.#dropIdle(now)
    if (session === undefined) return (this.#default ??= this.#fork())
    return this.#touch(session, now, undefined).world
  }

  #touch(name: string, now: number, world: W | undefined): Session<W> {
    const held = this.#sessions.get(name)
    if (held !== undefined) this.#sessions.delete(name)
    else if (this.#sessions.size >= this.#max) {
      const oldest = this.#sessions.keys().next()
      if (oldest.done !== true) this.#sessions.delete(oldest.value)
    }
    const entry = held ?? { world: world ?? this.#fork(), usedAt: now }
    if (world !== undefined) entry.world = world
    entry.usedAt = now
    this.#sessions.set(name, entry)
    return entry
  }

  #dropIdle(now: number): void {
    for (const [name, entry] of this.#sessions) {
      if (now - entry.usedAt < this.#idleMs) break
      this.#sessions.delete(name)
    }
  }

  /** Back to the seed: one session (dropped; its next request forks the seed again), or everything. */
  reset(session?: string): void {
    if (session !== undefined) {
      this.#sessions.delete(session)
      return
    }
    this.#sessions.clear()
    this.#default = this.#fork()
  }

  /**
   * Replaces a session's world (or the default one) with exactly the given organization. New
   * sessions and resets still start from the seed.
   */
  loadFixtures(dataset: Dataset, session?: string): void {
    const world = this.#mark(this.#options.build(dataset))
    const now = this.#now()
    this.#dropIdle(now)
    if (session === undefined) this.#default = world
    else this.#touch(session, now, world)
  }

  /** Record counts of a session's world (the seed's for a session not yet used), or of the default one. */
  state(session?: string): SessionState {
    const now = this.#now()
    this.#dropIdle(now)
    const world = session === undefined ? (this.#default ??= this.#fork()) : (this.#sessions.get(session)?.world ?? this.#seedWorld())
    return { session: session ?? null, counts: world.counts(), sessions: this.#sessions.size }
  }

  /**
   * Names the world a request with this header is answered from, to key what is kept of its
   * answers (cache, split): the session and the world's number, which a reset or fixtures change.
   * A header that names no session properly gets one tag; such requests are refused anyway.
   */
  tag(header: string | readonly string[] | undefined): string {
    let name: string | undefined
    try {
      name = sessionName(header)
    } catch {
      return 'invalid'
    }
    return `${name ?? ''}#${this.#serials.get(this.world(name)) ?? 0}`
  }

  /** Sessions currently held. */
  get size(): number {
    return this.#sessions.size
  }
}
