/**
 * The shared ledger as this instance last heard it from Redis: when each slot of every instance
 * was granted. While Redis is away this is what the instances held together; it says how much
 * was free for them to share, and (once Redis is back, perhaps restarted empty) whether the
 * others have written their slots back yet.
 */
export class HeardLedger {
  /** Stamps, oldest first. */
  #stamps: number[] = []
  #at: number | undefined

  /** A whole read at `at`: every stamp in the window then. */
  set(stamps: readonly number[], at: number): void {
    if (this.#at !== undefined && at < this.#at) return
    this.#stamps = [...stamps].sort((x, y) => x - y)
    this.#at = at
  }

  /**
   * A count only (a take's reply) at `at`: slots beyond the stamps known were granted since the
   * last whole read; they are taken as granted at `at`, the latest they can be, so they are
   * counted for no less than their true time.
   */
  count(used: number, at: number, windowMs: number): void {
    if (this.#at !== undefined && at < this.#at) return
    this.#stamps = this.#stamps.filter((s) => s > at - windowMs)
    for (let extra = used - this.#stamps.length; extra > 0; extra--) this.#stamps.push(at)
    this.#at = at
  }

  /** When the first slot heard of frees, after `now`; undefined when none is in the window. */
  nextFreeAt(now: number, windowMs: number): number | undefined {
    const first = this.#stamps.find((s) => s > now - windowMs)
    return first === undefined ? undefined : first + windowMs
  }

  /** Slots held together at `now`, as last heard (those since left the window do not count); undefined when never heard. */
  heldAt(now: number, windowMs: number): number | undefined {
    if (this.#at === undefined) return undefined
    let n = 0
    for (const s of this.#stamps) if (s > now - windowMs) n++
    return n
  }
}
