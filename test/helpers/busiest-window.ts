/**
 * The largest number of time stamps inside any rolling window `(t - windowMs, t]`: what Hubstaff
 * would count at its busiest moment, read from the fake's own log or from a ledger.
 */
export function busiestWindow(stamps: readonly number[], windowMs: number): number {
  const sorted = [...stamps].sort((a, b) => a - b)
  let most = 0
  let first = 0
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[first] ?? 0) <= (sorted[last] ?? 0) - windowMs) first++
    most = Math.max(most, last - first + 1)
  }
  return most
}
