import type { Row } from '../dataset.js'
import type { Random } from './random.js'
import { isoMicros, DAY_MS } from './time.js'

/** A row while the dataset is being built: the generator fills it in place, then hands it over. */
export type Draft = { id: number } & Record<string, unknown>

/**
 * Where every id starts and how far apart consecutive ids are, per collection. Ids ascend in the
 * order records were made (as Hubstaff's do), and collections sit in different ranges so that an
 * app mixing up a project id with a task id gets a 404 here as it would in production.
 */
const ID_SPACES: Readonly<Record<string, readonly [base: number, gap: number]>> = {
  Organization: [410_000, 3_000],
  User: [1_830_000, 700],
  OrganizationMember: [7_200_000, 40],
  Project: [2_460_000, 400],
  ProjectMember: [9_100_000, 20],
  Client: [318_000, 500],
  Team: [92_000, 300],
  TeamMember: [640_000, 20],
  TeamProject: [720_000, 20],
  Task: [61_400_000, 60],
  GlobalTodo: [880_000, 40],
  Activity: [2_914_000_000, 6],
  Note: [48_200_000, 50],
  Screenshot: [3_702_000_000, 8],
  ToolUsage: [5_180_000_000, 4],
  TimeEditLog: [12_600_000, 30],
  LastActivity: [7_900_000, 20],
}
const DEFAULT_SPACE: readonly [number, number] = [100_000, 40]

export class Builder {
  readonly collections: Record<string, Draft[]> = {}
  readonly rng: Random
  /** Epoch ms the dataset is dated against. */
  readonly now: number
  readonly #next = new Map<string, number>()
  readonly #idRng: Random

  constructor(rng: Random, now: number) {
    this.rng = rng
    this.now = now
    this.#idRng = rng.fork('ids')
  }

  /** The next id of a collection, above every id it gave before. */
  id(collection: string): number {
    const [base, gap] = ID_SPACES[collection] ?? DEFAULT_SPACE
    const next = (this.#next.get(collection) ?? base) + 1 + Math.floor(this.#idRng.next() * gap)
    this.#next.set(collection, next)
    return next
  }

  /** Makes every id given from now on larger than `id` (rows that exist already keep theirs). */
  reserve(collection: string, id: number): void {
    if (id > (this.#next.get(collection) ?? ID_SPACES[collection]?.[0] ?? DEFAULT_SPACE[0])) this.#next.set(collection, id)
  }

  rows(collection: string): Draft[] {
    let rows = this.collections[collection]
    if (rows === undefined) {
      rows = []
      this.collections[collection] = rows
    }
    return rows
  }

  /** Adds a row with a fresh id (the id is the first field, as in Hubstaff's answers). */
  add(collection: string, fields: Record<string, unknown>): Draft {
    const row = { id: this.id(collection), ...fields } as Draft
    this.rows(collection).push(row)
    return row
  }

  /** Gives rows made out of order ascending ids in the order of `keys` (epoch ms, one per row), then stores them. */
  addSorted(collection: string, drafts: readonly Draft[], keys: readonly number[]): void {
    // Key (whole seconds) and position packed into one double, sorted as numbers: no comparator
    // calls, and rows with equal keys keep the order they were made in (reproducible).
    const spread = 2 ** 22
    if (drafts.length >= spread) throw new Error(`too many ${collection} rows to sort`)
    const packed = new Float64Array(drafts.length)
    for (let i = 0; i < drafts.length; i++) packed[i] = Math.floor((keys[i] as number) / 1000) * spread + i
    packed.sort()
    const rows = this.rows(collection)
    for (const value of packed) {
      const row = drafts[value % spread] as Draft
      row.id = this.id(collection)
      rows.push(row)
    }
  }

  /** A record timestamp at `ms` (never after now), microseconds drawn from `rng`. */
  stamp(ms: number, rng: Random = this.rng): string {
    // Most instants passed here are whole seconds; real stamps have a fraction.
    return isoMicros(Math.min(Math.floor(ms) + rng.int(0, 999), this.now), rng.int(0, 999))
  }

  /** A created/updated pair: created at `createdMs`, most records untouched since, some edited later. */
  stamps(createdMs: number, rng: Random = this.rng, editChance = 0.35): { created_at: string; updated_at: string } {
    const created = Math.min(createdMs, this.now)
    const created_at = this.stamp(created, rng)
    if (!rng.chance(editChance) || this.now - created < 60_000) return { created_at, updated_at: created_at }
    const updated = created + Math.floor(rng.next() * Math.min(this.now - created, 120 * DAY_MS))
    const updated_at = this.stamp(updated, rng)
    return { created_at, updated_at: updated_at < created_at ? created_at : updated_at }
  }

  /** Frozen rows per collection, for the Dataset. */
  finish(): Record<string, readonly Row[]> {
    const out: Record<string, readonly Row[]> = {}
    for (const name of Object.keys(this.collections).sort()) out[name] = this.collections[name] as Row[]
    return out
  }
}

/** An instant uniformly between `from` and `to`. */
export function between(rng: Random, from: number, to: number): number {
  return from + Math.floor(rng.next() * Math.max(0, to - from))
}

/** A field's value as text: strings and numbers as they are, anything else as nothing. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : ''
}

export function money(value: number): string {
  return value.toFixed(2)
}
