import { arrayElements } from './json-scan.js'

/**
 * Merging the pages of the pieces of a split into the answer the unsplit query would have given:
 * the list key concatenated, ordered by id as Hubstaff orders it, duplicates by id dropped (pieces
 * that restart from a cursor may repeat a record), side-loaded arrays (`include=users,projects`)
 * merged and deduplicated. Records are never rebuilt: each page's bytes are kept as they came,
 * with the offsets of its records, and the answer is spliced together from them. Pages are parsed
 * one at a time (they are bounded by `page_limit`) and the long loops hand the event loop back
 * every few milliseconds, so that a 20 MB merge never stalls other requests.
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

type Refs = ReadonlyMap<string, readonly number[]>

/** Records sorted by id: per record the id (NaN when none), the buffer it lies in, and where. */
interface Run {
  readonly bufs: Uint32Array
  readonly ids: Float64Array
  readonly starts: Uint32Array
  readonly ends: Uint32Array
  /** What each record refers to among the side-loads, when the page has side-loads. */
  readonly refs: (Refs | undefined)[] | undefined
}

/** Fields through which a record refers to a side-loaded record, as Hubstaff's `include=` follows them. */
function refFields(name: string): string[] {
  const singular = name.endsWith('s') ? name.slice(0, -1) : name
  const fields = [`${singular}_id`, `${singular}_ids`]
  if (name === 'users') fields.push('assignee_ids')
  return fields
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

function idOf(value: unknown): number {
  const id = (value as { id?: unknown } | null)?.id
  return typeof id === 'number' ? id : NaN
}

/** Id order; records without an id go last, in the order they came. */
function before(a: number, b: number): boolean {
  return Number.isNaN(b) ? !Number.isNaN(a) : !Number.isNaN(a) && a < b
}

/** What a page said about the next one. */
export interface PageRead {
  /** `pagination.next_page_start_id`, when another page exists. */
  readonly next: number | undefined
  readonly records: number
}

export interface MergedList {
  readonly listKey: string
  /** Per merged record, in order: its id, the page (of `pages`) it lies in, and where. */
  readonly ids: Float64Array
  readonly runs: Uint32Array
  readonly starts: Uint32Array
  readonly ends: Uint32Array
  readonly pages: readonly Buffer[]
  /** Per merged record, what it refers to among the side-loads (only when there are side-loads). */
  readonly refs: readonly (Refs | undefined)[] | undefined
  /** Side-loaded records by name, sorted by id, as JSON texts. */
  readonly sideloads: ReadonlyMap<string, { ids: number[]; texts: string[] }>
  /** Other top-level keys of the first page (raw JSON text), kept as they came. */
  readonly extras: ReadonlyMap<string, string>
  /** Memory held, roughly. */
  readonly bytes: number
}

/** Collects pages, then merges them once every piece is in. */
export class Merger {
  readonly #runs: Run[] = []
  readonly #bufs: Buffer[] = []
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
    let located = arrayElements(body, this.listKey)
    let buf = body
    if (located === undefined || located.starts.length !== list.length) {
      // Not expected of Hubstaff's JSON; the records are written out again rather than lost.
      const texts = list.map((record) => JSON.stringify(record))
      buf = Buffer.from(texts.join(','))
      const starts = new Uint32Array(texts.length)
      const ends = new Uint32Array(texts.length)
      let at = 0
      texts.forEach((text, k) => {
        starts[k] = at
        at += Buffer.byteLength(text)
        ends[k] = at
        at += 1
      })
      located = { starts, ends }
    }
    const ids = Float64Array.from(list, idOf)
    const refs = sideNames.length === 0 ? undefined : list.map((record: unknown) => refsOf(record, sideNames))
    const bufs = new Uint32Array(ids.length).fill(this.#bufs.push(buf) - 1)
    this.#runs.push(sortedRun({ bufs, ids, starts: located.starts, ends: located.ends, refs }))
    for (const name of sideNames) {
      const kept = this.#sideOf(name)
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
    return { next: typeof next === 'number' ? next : undefined, records: list.length }
  }

  /** Adds a list merged before (a piece kept from an earlier query): its bytes are shared, not copied. */
  addList(list: MergedList): void {
    const base = this.#bufs.length
    this.#bufs.push(...list.pages)
    const bufs = Uint32Array.from(list.runs, (r) => r + base)
    this.#runs.push({ bufs, ids: list.ids, starts: list.starts, ends: list.ends, refs: list.refs === undefined ? undefined : [...list.refs] })
    for (const [name, side] of list.sideloads) {
      const kept = this.#sideOf(name)
      side.ids.forEach((id, k) => {
        if (!kept.has(id)) kept.set(id, side.texts[k] as string)
      })
    }
    for (const [key, value] of list.extras) if (!this.#extras.has(key)) this.#extras.set(key, value)
  }

  #sideOf(name: string): Map<number, string> {
    const kept = this.#side.get(name) ?? new Map<number, string>()
    this.#side.set(name, kept)
    return kept
  }

  /** Merges every page (k-way, by id, dropping repeated ids) into one list. */
  async finish(y = new Yielder()): Promise<MergedList> {
    const runs = this.#runs
    const total = runs.reduce((n, r) => n + r.ids.length, 0)
    const ids = new Float64Array(total)
    const which = new Uint32Array(total)
    const starts = new Uint32Array(total)
    const ends = new Uint32Array(total)
    const withRefs = runs.some((r) => r.refs !== undefined)
    const refs: (Refs | undefined)[] | undefined = withRefs ? [] : undefined
    const heads = new Uint32Array(runs.length)
    // A binary heap of run numbers, ordered by each run's current record.
    const heap: number[] = []
    const headId = (r: number): number => (runs[r] as Run).ids[heads[r] as number] as number
    const less = (a: number, b: number): boolean => {
      const x = headId(a)
      const z = headId(b)
      return before(x, z) || (!before(z, x) && a < b)
    }
    const down = (k: number): void => {
      for (;;) {
        const l = 2 * k + 1
        const r = l + 1
        let m = k
        if (l < heap.length && less(heap[l] as number, heap[m] as number)) m = l
        if (r < heap.length && less(heap[r] as number, heap[m] as number)) m = r
        if (m === k) return
        ;[heap[k], heap[m]] = [heap[m] as number, heap[k] as number]
        k = m
      }
    }
    runs.forEach((run, r) => {
      if (run.ids.length > 0) heap.push(r)
    })
    for (let k = (heap.length >> 1) - 1; k >= 0; k--) down(k)
    let n = 0
    while (heap.length > 0) {
      const r = heap[0] as number
      const run = runs[r] as Run
      const at = heads[r] as number
      const id = run.ids[at] as number
      if (n === 0 || Number.isNaN(id) || ids[n - 1] !== id) {
        ids[n] = id
        which[n] = run.bufs[at] as number
        starts[n] = run.starts[at] as number
        ends[n] = run.ends[at] as number
        refs?.push(run.refs?.[at])
        n++
        if ((n & 4095) === 0) await y.maybe()
      }
      heads[r] = at + 1
      if (at + 1 >= run.ids.length) {
        heap[0] = heap[heap.length - 1] as number
        heap.pop()
      }
      if (heap.length > 0) down(0)
    }
    const sideloads = new Map<string, { ids: number[]; texts: string[] }>()
    let bytes = 1024 + n * 24
    for (const [name, byKey] of this.#side) {
      const sorted = [...byKey.entries()].sort((a, b) => a[0] - b[0])
      sideloads.set(name, { ids: sorted.map(([id]) => id), texts: sorted.map(([, text]) => text) })
      for (const [, text] of sorted) bytes += text.length * 2 + 48
    }
    for (const buf of this.#bufs) bytes += buf.length
    if (refs !== undefined) bytes += refs.length * 96
    const pages = [...this.#bufs]
    this.#runs.length = 0
    return { listKey: this.listKey, ids: ids.subarray(0, n), runs: which.subarray(0, n), starts: starts.subarray(0, n), ends: ends.subarray(0, n), pages, refs, sideloads, extras: this.#extras, bytes }
  }
}

/** Hubstaff's pages are in id order already; a page that is not is put in order here. */
function sortedRun(run: Run): Run {
  const { ids } = run
  let sorted = true
  for (let k = 1; k < ids.length && sorted; k++) if (before(ids[k] as number, ids[k - 1] as number)) sorted = false
  if (sorted) return run
  const order = Array.from(ids, (_, k) => k).sort((a, b) => (before(ids[a] as number, ids[b] as number) ? -1 : before(ids[b] as number, ids[a] as number) ? 1 : a - b))
  return {
    bufs: Uint32Array.from(order, (k) => run.bufs[k] as number),
    ids: Float64Array.from(order, (k) => ids[k] as number),
    starts: Uint32Array.from(order, (k) => run.starts[k] as number),
    ends: Uint32Array.from(order, (k) => run.ends[k] as number),
    refs: run.refs === undefined ? undefined : order.map((k) => run.refs?.[k]),
  }
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

/**
 * One page of a merged list as Hubstaff would have answered it: the records from `startId` on, at
 * most `limit` of them (all without a limit), the side-loaded records they refer to, and
 * `pagination.next_page_start_id` only when another page exists. The records' bytes are copied
 * as they came into one buffer of the exact size.
 */
export async function renderPage(list: MergedList, startId: number, limit: number | undefined, y = new Yielder()): Promise<Buffer> {
  const { from, to, next } = pageBounds(list, startId, limit)
  const whole = from === 0 && to === list.ids.length
  const head = Buffer.from(`{${JSON.stringify(list.listKey)}:[`)
  let tailText = ']'
  for (const [name, side] of list.sideloads) {
    let wanted: Set<number> | undefined
    if (!whole) {
      wanted = new Set<number>()
      for (let i = from; i < to; i++) for (const id of list.refs?.[i]?.get(name) ?? []) wanted.add(id)
    }
    const texts = side.texts.filter((_, k) => wanted === undefined || wanted.has(side.ids[k] as number))
    tailText += `,${JSON.stringify(name)}:[${texts.join(',')}]`
  }
  for (const [key, value] of list.extras) tailText += `,${JSON.stringify(key)}:${value}`
  if (next !== undefined) tailText += `,"pagination":{"next_page_start_id":${next}}`
  const tail = Buffer.from(`${tailText}}`)
  let size = head.length + tail.length + Math.max(0, to - from - 1)
  for (let i = from; i < to; i++) size += (list.ends[i] as number) - (list.starts[i] as number)
  const out = Buffer.allocUnsafe(size)
  let at = head.copy(out, 0)
  for (let i = from; i < to; i++) {
    if (i > from) out[at++] = 0x2c
    at += (list.pages[list.runs[i] as number] as Buffer).copy(out, at, list.starts[i], list.ends[i])
    if ((i & 4095) === 0) await y.maybe()
  }
  tail.copy(out, at)
  return out
}
