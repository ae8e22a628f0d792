/** The `retry-after` of an answer, in ms: delta-seconds or an HTTP date. */
export function retryAfterMs(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value
  if (v === undefined || v.trim() === '') return undefined
  if (/^\d+$/.test(v.trim())) return Number(v) * 1000
  const date = Date.parse(v)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
