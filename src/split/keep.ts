import { LRUCache } from 'lru-cache'
import type { HeaderMap, SplitSummary } from '../pipeline/types.js'
import type { MergedList } from './merge.js'

/** A merged result kept so that the app's next pages come from memory, at no cost. */
export interface KeptResult {
  readonly list: MergedList
  /** Hubstaff's headers of the first good page (content type, cache control). */
  readonly headers: Readonly<HeaderMap>
  readonly summary: SplitSummary
  /** The first id it holds every record from (a plan started at the app's `page_start_id` lacks those before). */
  readonly fromId: number
  /** Pieces of it that came from earlier queries. */
  readonly reused: number
  readonly storedAt: number
  readonly expiresAt: number
}

/**
 * Merged results by query (without `page_start_id` and `page_limit`), and whole-day pieces under
 * their own keys (the query without its range, and the day), bounded in bytes together (least
 * recently used first), each kept for the freshness the cache gives its route and range.
 */
export class KeptResults {
  readonly #lru: LRUCache<string, KeptResult>
  readonly maxBytes: number

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes
    this.#lru = new LRUCache<string, KeptResult>({ maxSize: Math.max(1, maxBytes), sizeCalculation: (v, k) => Math.max(1, v.list.bytes + k.length * 2) })
  }

  get(key: string, now: number): KeptResult | undefined {
    const kept = this.#lru.get(key)
    if (kept !== undefined && now >= kept.expiresAt) {
      this.#lru.delete(key)
      return undefined
    }
    return kept
  }

  /** False when the result is larger than the whole store (then nothing is kept). */
  set(key: string, kept: KeptResult): boolean {
    if (kept.list.bytes + key.length * 2 > this.maxBytes || kept.expiresAt <= kept.storedAt) return false
    this.#lru.set(key, kept)
    return this.#lru.has(key)
  }

  get entries(): number {
    return this.#lru.size
  }

  get bytes(): number {
    return this.#lru.calculatedSize
  }
}
