/**
 * Merging the pages of the pieces of a split into the answer the unsplit query would have given:
 * the list key concatenated, ordered by id as Hubstaff orders it, duplicates by id dropped (pieces
 * that restart from a cursor may repeat a record), side-loaded arrays (`include=users,projects`)
 * merged and deduplicated. Each page is parsed on its own (pages are bounded by `page_limit`), each
 * record kept as its JSON text, and the long loops hand the event loop back every few
 * milliseconds, so that a 20 MB merge never stalls other requests.
 */

/** Hands the event loop back when a loop has held it for `sliceMs`. */
export class Yielder {
  #since = performance.now()
  constructor(readonly sliceMs = 8) {}

  /** Cheap to call often; yields (setImmediate) only when the slice is used up. */
  async maybe(): Promise<void> {
    if (performance.now() - this.#since < this.sliceMs) return
    await new Promise<void>((resolve) => setImmediate(resolve))
    this.#since = performance.now()
  }
}

/** One record: its id (NaN when it has none), its JSON text and, with side-loads, what it refers to. */
interface Item {
  readonly id: number
  readonly text: string
  readonly refs: ReadonlyMap<string, readonly number[]> | undefined
}

/** Fields through which a record refers to a side-loaded record, as Hubstaff's `include=` follows them. */
function refFields(name: string): string[] {
  const singular = name.endsWith('s') ? name.slice(0, -1) : name
  const fields = [`${singular}_id`, `${singular}_ids`]
  if (name === 'users') fields.push('assignee_ids')
  return fields
}

function idOf(value: unknown): number {
  const id = (value as { id?: unknown } | null)?.id
  return typeof id === 'number' ? id : NaN
}

const byId = (a: Item, b: Item): number => (Number.isNaN(a.id) ? (Number.isNaN(b.id) ? 0 : 1) : Number.isNaN(b.id) ? -1 : a.id - b.id)

/** Merges two runs sorted by id, dropping repeated ids. */
async function mergeRuns(a: readonly Item[], b: readonly Item[], y: Yielder): Promise<Item[]> {
  const out: Item[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    const x = a[i]
    const z = b[j]
    const take = z === undefined || (x !== undefined && byId(x, z) <= 0) ? (i++, x) : (j++, z)
    if (take === undefined) break
    const last = out[out.length - 1]
    if (last === undefined || Number.isNaN(take.id) || last.id !== take.id) out.push(take)
    if ((out.length & 1023) === 0) await y.maybe()
  }
  return out
}

/** What a page said about the next one. */
export interface PageRead {
  /** `pagination.next_page_start_id`, when another page exists. */
  readonly next: number | undefined
  readonly records: number
}

export interface MergedList {
  readonly listKey: string
  readonly ids: Float64Array
  readonly texts: readonly string[]
  readonly refs: readonly (ReadonlyMap<string, readonly number[]> | undefined)[]
  /** Side-loaded records by name, sorted by id, as JSON texts. */
  readonly sideloads: ReadonlyMap<string, { ids: number[]; texts: string[] }>
  /** Other top-level keys of the first page (raw JSON text), kept as they came. */
  readonly extras: ReadonlyMap<string, string>
  /** Memory held, roughly (UTF-16 texts and bookkeeping). */
  readonly bytes: number
}

/** Collects pages, then merges them once every piece is in. */
export class Merger {
  readonly #runs: Item[][] = []
  readonly #side = new Map<string, Map<number, string>>()
  readonly #extras = new Map<string, string>()

  constructor(readonly listKey: string) {}

  /**
   * Reads one page. Undefined when it is not a list answer at all (a body cut off mid-way, or not
   * the expected shape): for the split that is one more blank reply.
   */
  add(body: Buffer): PageRead | undefined {
    let parsed: unknown
    try {
      parsed = JSON.parse(body.toString('utf8'))
    } catch {
      return undefined
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
    const page = parsed as Record<string, unknown>
    const list = page[this.listKey]
    if (!Array.isArray(list)) return undefined
    const sideNames = Object.keys(page).filter((k) => k !== this.listKey && Array.isArray(page[k]))
    const run: Item[] = list.map((record: unknown) => ({ id: idOf(record), text: JSON.stringify(record), refs: sideNames.length === 0 ? undefined : refsOf(record, sideNames) }))
    // Hubstaff's pages are in id order already; a page that is not is put in order here.
    if (!isSorted(run)) run.sort(byId)
    this.#runs.push(run)
    for (const name of sideNames) {
      const kept = this.#side.get(name) ?? new Map<number, string>()
      this.#side.set(name, kept)
      for (const record of page[name] as unknown[]) {
        const id = idOf(record)
        if (!Number.isNaN(id) && !kept.has(id)) kept.set(id, JSON.stringify(record))
      }
    }
    for (const [key, value] of Object.entries(page)) {
      if (key === this.listKey || key === 'pagination' || sideNames.includes(key) || this.#extras.has(key)) continue
      this.#extras.set(key, JSON.stringify(value))
    }
    const next = (page.pagination as { next_page_start_id?: unknown } | undefined)?.next_page_start_id
    return { next: typeof next === 'number' ? next : undefined, records: run.length }
  }

  /** Merges every run (pairwise, so each record moves O(log runs) times) into one list. */
  async finish(y = new Yielder()): Promise<MergedList> {
    let runs: Item[][] = this.#runs.length === 0 ? [[]] : this.#runs
    while (runs.length > 1) {
      const merged: Item[][] = []
      for (let i = 0; i < runs.length; i += 2) {
        const a = runs[i] ?? []
        const b = runs[i + 1]
        merged.push(b === undefined ? a : await mergeRuns(a, b, y))
      }
      runs = merged
    }
    const items = runs[0] ?? []
    const ids = new Float64Array(items.length)
    const texts: string[] = new Array<string>(items.length)
    const refs: (ReadonlyMap<string, readonly number[]> | undefined)[] = new Array<ReadonlyMap<string, readonly number[]> | undefined>(items.length)
    let bytes = 256
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as Item
      ids[i] = item.id
      texts[i] = item.text
      refs[i] = item.refs
      bytes += item.text.length * 2 + 48 + (item.refs === undefined ? 0 : 64)
      if ((i & 4095) === 0) await y.maybe()
    }
    const sideloads = new Map<string, { ids: number[]; texts: string[] }>()
    for (const [name, byKey] of this.#side) {
      const sorted = [...byKey.entries()].sort((a, b) => a[0] - b[0])
      sideloads.set(name, { ids: sorted.map(([id]) => id), texts: sorted.map(([, text]) => text) })
      for (const [, text] of sorted) bytes += text.length * 2 + 48
    }
    for (const text of this.#extras.values()) bytes += text.length * 2
    this.#runs.length = 0
    return { listKey: this.listKey, ids, texts, refs, sideloads, extras: this.#extras, bytes }
  }
}

function isSorted(run: readonly Item[]): boolean {
  for (let i = 1; i < run.length; i++) if (byId(run[i - 1] as Item, run[i] as Item) > 0) return false
  return true
}

function refsOf(record: unknown, names: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>()
  if (typeof record !== 'object' || record === null) return out
  const fields = record as Record<string, unknown>
  for (const name of names) {
    const ids = refFields(name).flatMap((field) => [fields[field]].flat()).filter((v): v is number => typeof v === 'number')
    if (ids.length > 0) out.set(name, ids)
  }
  return out
}

/** The first index whose id is at least `startId` (records without an id sort last). */
function lowerBound(ids: Float64Array, startId: number): number {
  let lo = 0
  let hi = ids.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const id = ids[mid] as number
    if (!Number.isNaN(id) && id < startId) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Where a page of a merged list starts and ends, and the cursor of the next one. */
export function pageBounds(list: MergedList, startId: number, limit: number | undefined): { from: number; to: number; next: number | undefined } {
  const from = startId > 0 ? lowerBound(list.ids, startId) : 0
  const to = limit === undefined ? list.ids.length : Math.min(list.ids.length, from + limit)
  const nextId = to < list.ids.length ? list.ids[to] : undefined
  return { from, to, next: nextId === undefined || Number.isNaN(nextId) ? undefined : nextId }
}

/** Strings are turned into bytes a megabyte at a time, yielding in between. */
const CHUNK_CHARS = 1 << 20

/**
 * One page of a merged list as Hubstaff would have answered it: the records from `startId` on, at
 * most `limit` of them (all without a limit), the side-loaded records they refer to, and
 * `pagination.next_page_start_id` only when another page exists.
 */
export async function renderPage(list: MergedList, startId: number, limit: number | undefined, y = new Yielder()): Promise<Buffer> {
  const { from, to, next } = pageBounds(list, startId, limit)
  const whole = from === 0 && to === list.ids.length
  const chunks: Buffer[] = []
  let text = ''
  const push = async (piece: string): Promise<void> => {
    text += piece
    if (text.length >= CHUNK_CHARS) {
      chunks.push(Buffer.from(text, 'utf8'))
      text = ''
      await y.maybe()
    }
  }
  await push(`{${JSON.stringify(list.listKey)}:[`)
  for (let i = from; i < to; i++) {
    await push(i === from ? (list.texts[i] as string) : `,${list.texts[i] as string}`)
    if ((i & 1023) === 0) await y.maybe()
  }
  await push(']')
  for (const [name, side] of list.sideloads) {
    let wanted: Set<number> | undefined
    if (!whole) {
      wanted = new Set<number>()
      for (let i = from; i < to; i++) for (const id of list.refs[i]?.get(name) ?? []) wanted.add(id)
    }
    await push(`,${JSON.stringify(name)}:[`)
    let first = true
    for (let k = 0; k < side.ids.length; k++) {
      if (wanted !== undefined && !wanted.has(side.ids[k] as number)) continue
      await push(first ? (side.texts[k] as string) : `,${side.texts[k] as string}`)
      first = false
    }
    await push(']')
  }
  for (const [key, value] of list.extras) await push(`,${JSON.stringify(key)}:${value}`)
  if (next !== undefined) await push(`,"pagination":{"next_page_start_id":${next}}`)
  await push('}')
  chunks.push(Buffer.from(text, 'utf8'))
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)
}
