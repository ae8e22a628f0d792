/**
 * The longest date range a query asks for, for `--mock-blank-after`: `time_slot[start]`/`[stop]`
 * (stop exclusive), `date[start]`/`[stop]` (stop inclusive), `created[...]`, `updated[...]` and
 * the like. A range given by one end only spans Hubstaff's common 7-day maximum.
 */

const DAY = 24 * 60 * 60 * 1000
const OPEN_SPAN = 7 * DAY
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

/** ISO date or date-time; like Ruby, a date-time without an offset is UTC. */
function parseInstant(text: string): number | undefined {
  const value = text.trim()
  const bare = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/i.test(value)
  const ms = Date.parse(bare ? `${value}Z` : value)
  return Number.isNaN(ms) ? undefined : ms
}

/** The longest range of the query, ms (0 when it asks for none, or only for ones that do not parse). */
export function longestRange(_path: string, query: string): number {
  if (!query.includes('%5B') && !query.includes('[')) return 0
  const ends = new Map<string, { start?: string; stop?: string }>()
  for (const [key, value] of new URLSearchParams(query)) {
    const m = /^([A-Za-z_]+)\[(start|stop)\]$/.exec(key)
    if (m === null) continue
    const [, name = '', end = ''] = m
    const pair = ends.get(name) ?? {}
    pair[end as 'start' | 'stop'] ??= value
    ends.set(name, pair)
  }
  let longest = 0
  for (const [name, pair] of ends) {
    const start = pair.start === undefined ? undefined : parseInstant(pair.start)
    let stop = pair.stop === undefined ? undefined : parseInstant(pair.stop)
    if (name === 'date' && stop !== undefined && pair.stop !== undefined && DATE_ONLY.test(pair.stop.trim())) stop += DAY
    if ((pair.start !== undefined && start === undefined) || (pair.stop !== undefined && stop === undefined)) continue
    const span = start !== undefined && stop !== undefined ? stop - start : start !== undefined || stop !== undefined ? OPEN_SPAN : 0
    longest = Math.max(longest, span)
  }
  return longest
}
