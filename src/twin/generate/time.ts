/**
 * Time as Hubstaff writes it: record timestamps with microseconds (`2026-07-30T14:46:52.537143Z`),
 * 10-minute slots and tracking starts to the second (`2026-07-30T14:40:00Z`), dates as
 * `YYYY-MM-DD`. Local working hours become instants through the IANA zone's offset on that day.
 */

export const SECOND_MS = 1000
export const MINUTE_MS = 60_000
export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000
export const SLOT_MS = 600_000

/** `YYYY-MM-DD` of a UTC day number (days since 1970-01-01), by Howard Hinnant's civil-from-days. */
function civil(day: number): string {
  const z = day + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0)
  return `${String(y).padStart(4, '0')}-${two(m)}-${two(d)}`
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/** Formatting with `Date#toISOString` costs more than building the text from a cached day. */
const dateCache = new Map<number, string>()
export function dayText(day: number): string {
  let text = dateCache.get(day)
  if (text === undefined) {
    text = civil(day)
    if (dateCache.size > 50_000) dateCache.clear()
    dateCache.set(day, text)
  }
  return text
}

function clock(ms: number): string {
  const day = Math.floor(ms / DAY_MS)
  let rest = Math.floor(ms - day * DAY_MS)
  const h = Math.floor(rest / HOUR_MS)
  rest -= h * HOUR_MS
  const m = Math.floor(rest / MINUTE_MS)
  rest -= m * MINUTE_MS
  return `${dayText(day)}T${two(h)}:${two(m)}:${two(Math.floor(rest / SECOND_MS))}`
}

/** Second-precision instant (`…T14:40:00Z`). Cached: a slot's text is shared by every row in it. */
const secondsCache = new Map<number, string>()
export function isoSeconds(ms: number): string {
  const whole = Math.floor(ms / SECOND_MS) * SECOND_MS
  let text = secondsCache.get(whole)
  if (text === undefined) {
    text = `${clock(whole)}Z`
    if (secondsCache.size > 200_000) secondsCache.clear()
    secondsCache.set(whole, text)
  }
  return text
}

/** A record timestamp: milliseconds from `ms`, the last three digits of the microseconds from `micros`. */
export function isoMicros(ms: number, micros: number): string {
  const whole = Math.floor(ms)
  const frac = ((whole % 1000) + 1000) % 1000
  return `${clock(whole)}.${String(frac * 1000 + (Math.abs(Math.floor(micros)) % 1000)).padStart(6, '0')}Z`
}

export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS)
}

/** 0 = Sunday … 6 = Saturday, as `Date#getUTCDay` counts, for a day number. */
export function weekdayOf(day: number): number {
  return (day + 4) % 7
}

export function isWeekend(day: number): boolean {
  const w = weekdayOf(day)
  return w === 0 || w === 6
}

export const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const

const formatters = new Map<string, Intl.DateTimeFormat>()
const offsets = new Map<string, number>()

/**
 * Minutes east of UTC of an IANA zone around instant `ms` (`Europe/Berlin` in July → 120). Taken
 * once per zone and UTC day (Intl is slow): on a day the clocks change, the hours before the
 * change read the new offset, which no working hour notices.
 */
export function zoneOffsetMinutes(zone: string, ms: number): number {
  const day = Math.floor(ms / DAY_MS)
  const key = `${zone}|${day}`
  const known = offsets.get(key)
  if (known !== undefined) return known
  let format = formatters.get(zone)
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' })
    formatters.set(zone, format)
  }
  const at = day * DAY_MS + 12 * HOUR_MS
  const parts: Record<string, number> = {}
  for (const p of format.formatToParts(new Date(at))) if (p.type !== 'literal') parts[p.type] = Number(p.value)
  const local = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0)
  const offset = Math.round((local - at) / MINUTE_MS)
  if (offsets.size > 100_000) offsets.clear()
  offsets.set(key, offset)
  return offset
}

/** The instant of local midnight starting calendar day `day` in `zone` (its offset taken at local noon). */
export function localMidnight(zone: string, day: number): number {
  const noonUtc = day * DAY_MS + 12 * HOUR_MS
  return day * DAY_MS - zoneOffsetMinutes(zone, noonUtc) * MINUTE_MS
}

/** The calendar day number of instant `ms` in `zone`. */
export function localDay(zone: string, ms: number): number {
  return dayOf(ms + zoneOffsetMinutes(zone, ms) * MINUTE_MS)
}

export function slotStart(ms: number): number {
  return Math.floor(ms / SLOT_MS) * SLOT_MS
}
