import { routeOfKey } from './key.js'
import type { SharedCacheTier, SharedEntry, SharedEvent } from './shared-tier.js'
import { Entry, type ResponseStore, unpackHeaders } from './store.js'

/** What of a flight the shared lock looks at while it waits. */
export interface FlightView {
  readonly controller: AbortController
  /** Set when a write or purge touched the key while the flight was out. */
  readonly tainted: boolean
}

export interface SharedPathOptions {
  /** The local tier, where usable shared entries are kept. */
  readonly store: ResponseStore
  /** How long past its freshness an entry may still be served, ms. */
  readonly keepMs: number
  readonly clock: () => number
  /** How long a miss waits for another instance's fetch of the same key before fetching itself, ms. */
  readonly waitMs: number
  /** Called with every write or purge another instance publishes. */
  readonly onRemoteChange: (event: SharedEvent) => void
}

/**
 * The cache stage's path through the tier shared with other instances (`--redis`): reads after a
 * local miss, the lock that makes a miss wait for another instance's fetch, and the drops and
 * events of writes and purges.
 */
export class SharedPath {
  readonly #tier: SharedCacheTier
  readonly #options: SharedPathOptions
  /** Shared-tier reads in progress, one per key. */
  readonly #peeks = new Map<string, Promise<boolean>>()
  /** Bumped by every drop: a shared entry read before a write or purge must not be adopted after it. */
  #generation = 0
  #work: Promise<unknown> = Promise.resolve()

  constructor(tier: SharedCacheTier, options: SharedPathOptions) {
    this.#tier = tier
    this.#options = options
    tier.subscribe(options.onRemoteChange)
  }

  /** A local drop happened: what the shared tier gave before it is out of date. */
  changed(): void {
    this.#generation++
  }

  /**
   * Drops the shared entries a write or purge touched, then tells the other instances to drop
   * theirs (in that order, so none adopts a shared entry the change made stale).
   */
  drop(test: (route: string) => boolean, event: SharedEvent): Promise<void> {
    const work = (async () => {
      this.#generation++
      await this.#tier.deleteWhere((key) => test(routeOfKey(key)))
      await this.#tier.publish(event)
    })()
    this.#work = Promise.all([this.#work, work])
    return work
  }

  /** Resolves once every drop so far has reached the shared tier. */
  async settled(): Promise<void> {
    await this.#work
  }

  /** Reads the shared tier after a local miss and keeps a usable entry locally; true when it did. */
  peek(key: string): Promise<boolean> {
    let peek = this.#peeks.get(key)
    if (peek === undefined) {
      const seen = this.#generation
      peek = this.#tier
        .get(key)
        .then((remote) => remote !== undefined && this.#generation === seen && this.#adopt(key, remote, this.#options.clock()) !== undefined)
        .finally(() => this.#peeks.delete(key))
      this.#peeks.set(key, peek)
    }
    return peek
  }

  /**
   * Before a flight goes upstream: takes the shared lock, or, while another instance holds it,
   * polls for the answer that instance is fetching. `{}` means fetch without the lock (Redis away,
   * or the other instance took too long).
   */
  async coordinate(key: string, flight: FlightView): Promise<{ entry: Entry } | { token?: string }> {
    const { clock, waitMs } = this.#options
    const started = Date.now()
    for (;;) {
      const token = await this.#tier.lock(key, waitMs)
      if (token === undefined) return {}
      // Even with the lock: the instance that held it may have stored its answer just before.
      const remote = flight.tainted ? undefined : await this.#tier.get(key)
      const now = clock()
      if (remote !== undefined && now < remote.freshUntil && !flight.tainted) {
        const entry = this.#adopt(key, remote, now) ?? new Entry(remote.body, unpackHeaders(remote.headerText), remote.storedAt, remote.freshUntil)
        if (token !== false) void this.#tier.unlock(key, token)
        return { entry }
      }
      if (token !== false) return { token }
      if (flight.controller.signal.aborted || flight.tainted || Date.now() - started >= waitMs) return {}
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }

  /** Releases the lock once the answer is in the shared tier, so the instances waiting for it find it. */
  release(key: string, token: string, written: Promise<unknown> | undefined): void {
    void Promise.resolve(written).then(() => this.#tier.unlock(key, token))
  }

  /** Shares a stored entry for its freshness and stale windows. */
  set(key: string, entry: Entry, ttlMs: number): Promise<boolean> {
    return this.#tier.set(key, entry, ttlMs + this.#options.keepMs)
  }

  delete(key: string): Promise<void> {
    return this.#tier.delete(key)
  }

  /** Keeps a shared entry locally unless it is past every window or older than the local one. */
  #adopt(key: string, remote: SharedEntry, now: number): Entry | undefined {
    const { store, keepMs } = this.#options
    if (now >= remote.freshUntil + keepMs) return undefined
    const local = store.get(key)
    if (local !== undefined && local.storedAt >= remote.storedAt) return local
    const entry = new Entry(remote.body, unpackHeaders(remote.headerText), remote.storedAt, remote.freshUntil)
    return store.set(key, entry) ? entry : undefined
  }
}
