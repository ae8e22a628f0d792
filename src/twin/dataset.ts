/**
 * A simulated organization world as plain JSON: what the seeded generator makes, what
 * `PUT /_gateway/mock/fixtures` loads and what `mock import` builds from recordings. The twin's
 * engine keeps one (per session) and every operation reads and writes it.
 */

/**
 * One stored record. `id` is the storage key and the pagination cursor even where Hubstaff's
 * record shows none (members); fields spelt with a leading `_` (`_organization_id`) are the
 * model's own links and never leave the twin. Every other field is what Hubstaff shows.
 */
export interface Row {
  readonly id: number
  readonly [field: string]: unknown
}

export interface Dataset {
  /** Records per collection; a collection is named by its record schema (`Project`, `OrganizationMember`). */
  readonly collections: Readonly<Record<string, readonly Row[]>>
  /** The id of the user whose token the app holds (`/v2/users/me`). */
  readonly me: number
}

export type DatasetSize = 'small' | 'medium' | 'large'

export interface GenerateOptions {
  /** `--mock-seed`: the same seed and `now` give the same dataset. */
  readonly seed: string
  /** `--mock-size`: `small` starts in well under a second; `large` is for load tests. */
  readonly size: DatasetSize
  /** Epoch ms: data is dated relative to it, so "today" and "the last 7 days" hold data. */
  readonly now: number
}
