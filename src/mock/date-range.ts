/**
 * Date-range queries for mock answers: Hubstaff's `time_slot[start]`/`time_slot[stop]` (times,
 * stop exclusive), `date[start]`/`date[stop]` (dates, stop inclusive), `created[...]`,
 * `updated_at[...]` and the like. The mock moves its records into the asked range, spread evenly
 * and in id order, so an app sees data where it asked for it; a record that cannot be placed
 * (a range with no 10-minute slot start in it, say) is left out, as Hubstaff would leave it out.
 */

export type MockRecord = Record<string, unknown>

export interface DateRange {
  /** The parameter's name before the brackets: `time_slot`, `date`, `created`. */
  readonly name: string
  /** Epoch ms, inclusive. */
  readonly start: number
  /** Epoch ms, exclusive (an inclusive `date[stop]` is moved to the next midnight). */
  readonly stop: number
}

const SECOND = 1000
const SLOT = 10 * 60 * SECOND
const DAY = 24 * 60 * 60 * SECOND
/** A range given by one end only spans Hubstaff's common 7-day maximum. */
const OPEN_SPAN = 7 * DAY
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

/** ISO date or date-time; like Ruby, a date-time without an offset is UTC. */
function parseInstant(text: string): number | undefined {
  const value = text.trim()
  const bare = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/i.test(value)
  const ms = Date.parse(bare ? `${value}Z` : value)
  return Number.isNaN(ms) ? undefined : ms
}

export function dateRanges(query: URLSearchParams): DateRange[] {
  const ends = new Map<string, { start?: string; stop?: string }>()
  for (const [key, value] of query) {
    const m = /^([A-Za-z_]+)\[(start|stop)\]$/.exec(key)
    if (m === null) continue
    const [, name = '', end = ''] = m
    const pair = ends.get(name) ?? {}
    pair[end as 'start' | 'stop'] ??= value
    ends.set(name, pair)
  }
  const ranges: DateRange[] = []
  for (const [name, pair] of ends) {
    const start = pair.start === undefined ? undefined : parseInstant(pair.start)
    let stop = pair.stop === undefined ? undefined : parseInstant(pair.stop)
    // Only `date[stop]` is inclusive; a bare date given to a time parameter means its midnight.
    if (name === 'date' && stop !== undefined && pair.stop !== undefined && DATE_ONLY.test(pair.stop.trim())) stop += DAY
    if ((pair.start !== undefined && start === undefined) || (pair.stop !== undefined && stop === undefined)) continue
    if (start !== undefined && stop !== undefined) ranges.push({ name, start, stop })
    else if (start !== undefined) ranges.push({ name, start, stop: start + OPEN_SPAN })
    else if (stop !== undefined) ranges.push({ name, start: stop - OPEN_SPAN, stop })
  }
  return ranges
}

const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
/** `2026-07-27T09:10:00` (no fraction, no zone): the fraction and zone of the value replaced are put back. */
const isoSeconds = (ms: number): string => new Date(ms).toISOString().slice(0, 19)
/** Hubstaff writes UTC times, with or without a fraction: `2026-07-27T09:10:00Z`, `...:52.537143Z`. */
const UTC_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z$/

function instantOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  const utc = UTC_TIME.exec(value)
  const ms = utc === null ? (DATE_ONLY.test(value) ? Date.parse(value) : NaN) : Date.parse(`${utc[1] ?? ''}Z`)
  return Number.isNaN(ms) ? undefined : ms
}

/** The same kind of text as `like`: a date, or a UTC time keeping `like`'s fraction. */
function format(ms: number, like: string): string {
  if (DATE_ONLY.test(like)) return isoDate(ms)
  return `${isoSeconds(ms)}${UTC_TIME.exec(like)?.[2] ?? ''}Z`
}

/** The field a range is about in records like `sample`: `time_slot`, `date` (or a period's `start_date`), `created_at`, ... */
function anchorOf(range: DateRange, sample: MockRecord): string | undefined {
  const names = range.name === 'date' ? ['date', 'start_date'] : [range.name, `${range.name}_at`, `${range.name}_on`]
  return names.find((f) => instantOf(sample[f]) !== undefined)
}

/**
 * Moves a whole record in time: the anchor lands on `at`, and every other time or date in it
 * moves by as much, so `starts_at` stays inside its slot and `created_at` just after it. A period
 * (`start_date` .. `stop_date`) keeps its length, cut at the end of the range.
 */
function move(record: MockRecord, anchor: string, at: number, range: DateRange): MockRecord {
  const from = instantOf(record[anchor])
  if (from === undefined) return record
  const delta = at - from
  const moved: MockRecord = { ...record }
  for (const [field, value] of Object.entries(record)) {
    const ms = instantOf(value)
    if (ms !== undefined && typeof value === 'string') moved[field] = format(DATE_ONLY.test(value) ? ms + Math.round(delta / DAY) * DAY : ms + delta, value)
  }
  moved[anchor] = anchor === 'time_slot' ? `${isoSeconds(at)}Z` : format(at, record[anchor] as string)
  if (anchor === 'time_slot') {
    if (typeof record.date === 'string' && DATE_ONLY.test(record.date)) moved.date = isoDate(at)
    // Generated data puts these anywhere; Hubstaff puts them inside the slot.
    for (const field of ['starts_at', 'recorded_at']) {
      const ms = instantOf(record[field])
      if (ms !== undefined) moved[field] = format(at + ((((ms - from) % SLOT) + SLOT) % SLOT), record[field] as string)
    }
  }
  const stop = instantOf(moved.stop_date)
  if (anchor === 'start_date' && stop !== undefined) moved.stop_date = isoDate(Math.min(Math.max(stop, at), range.stop - DAY))
  return moved
}

function unitOf(anchor: string, sample: MockRecord): number {
  if (anchor === 'time_slot') return SLOT
  return DATE_ONLY.test(String(sample[anchor])) ? DAY : SECOND
}

/**
 * Moves every record into every range: the i-th of n records goes to the i*count/n-th of the
 * `count` instants (slots, days or seconds) the range holds, so ids and times ascend together.
 * Returns new record objects; the input (Prism's shared example) is never changed.
 */
export function placeInRanges(records: readonly MockRecord[], ranges: readonly DateRange[]): MockRecord[] {
  let out = [...records]
  for (const range of ranges) {
    const sample = out[0]
    if (sample === undefined) break
    const anchor = anchorOf(range, sample)
    if (anchor === undefined) continue
    const unit = unitOf(anchor, sample)
    const first = Math.ceil(range.start / unit) * unit
    const count = Math.max(0, Math.ceil((range.stop - first) / unit))
    if (count === 0) return []
    const n = out.length
    out = out.map((record, i) => move(record, anchor, first + Math.floor((i * count) / n) * unit, range))
  }
  return out
}
