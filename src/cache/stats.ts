// The figures `GET /_gateway/status` shows under `cache`.

export interface CacheStats {
  readonly enabled: boolean
  readonly entries: number
  readonly bytes: number
  readonly maxEntries: number
  readonly maxBytes: number
  /** Answered from memory (fresh, or stale while a refresh runs). */
  readonly hits: number
  /** Went to Hubstaff, or waited for an identical request that did (`collapsed`). */
  readonly misses: number
  readonly collapsed: number
  /** Stale answers served because Hubstaff failed or the budget was spent. */
  readonly staleIfError: number
  readonly backgroundRefreshes: number
  /** hits / (hits + misses), 0 before the first request. */
  readonly hitRatio: number
}

/** What the status says when the cache is off. */
export const CACHE_OFF: CacheStats = Object.freeze({
  enabled: false,
  entries: 0,
  bytes: 0,
  maxEntries: 0,
  maxBytes: 0,
  hits: 0,
  misses: 0,
  collapsed: 0,
  staleIfError: 0,
  backgroundRefreshes: 0,
  hitRatio: 0,
})
