// Which refresh token the token manager exchanges, and how early it refreshes.
import { seedHash, type StoredTokens } from './store.js'

/** Which refresh token to exchange: the store's rotated one, or a seed the store has never seen. */
export function chooseRefreshToken(stored: StoredTokens | undefined, seed: string | undefined): { token: string; seeds: string[] } | undefined {
  if (seed !== undefined) {
    const hash = seedHash(seed)
    // A seed the lineage began from is long rotated away upstream: the store wins. A seed never
    // seen is a new personal access token the user just supplied: it wins.
    if (stored === undefined || !stored.seeds.includes(hash)) {
      return { token: seed, seeds: [...(stored?.seeds ?? []), hash].slice(-20) }
    }
  }
  return stored === undefined ? undefined : { token: stored.refreshToken, seeds: [...stored.seeds] }
}

export function mergeSeeds(newer: readonly string[], older: readonly string[]): string[] {
  return [...new Set([...older, ...newer])].slice(-20)
}

/**
 * The refresh margin for `tokens`: at most half their life. A margin longer than the life would
 * start a refresh on every request (an exchange storm), each new token born inside its margin.
 */
export function marginFor(marginMs: number, tokens: Pick<StoredTokens, 'expiresAt' | 'refreshedAt'>): { marginMs: number; lifeMs: number } {
  const { expiresAt, refreshedAt } = tokens
  if (expiresAt === undefined || refreshedAt === undefined) return { marginMs, lifeMs: Infinity }
  const lifeMs = Math.max(0, expiresAt - refreshedAt)
  return { marginMs: Math.min(marginMs, lifeMs / 2), lifeMs }
}
