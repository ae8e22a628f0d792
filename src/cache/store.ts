import { LRUCache } from 'lru-cache'
import type { HeaderMap } from '../pipeline/types.js'

/**
 * Headers packed into one flat string, `name\nvalue\nname\nvalue`: a dozen separate strings and a map
 * would cost more than a small body. Field values never hold a line feed (RFC 9110 §5.5).
 */
export function packHeaders(headers: Readonly<HeaderMap>): string {
  const parts: string[] = []
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    if (Array.isArray(value)) for (const v of value) parts.push(name, v)
    else parts.push(name, value)
  }
  return parts.join('\n')
}

export function unpackHeaders(packed: string, into: HeaderMap = {}): HeaderMap {
  if (packed === '') return into
  // Scanned, not split: this runs on every cache hit, and the array of parts was garbage at once.
  let at = 0
  for (;;) {
    const nameEnd = packed.indexOf('\n', at)
    if (nameEnd === -1) return into
    const valueEnd = packed.indexOf('\n', nameEnd + 1)
    const name = packed.slice(at, nameEnd)
    const value = packed.slice(nameEnd + 1, valueEnd === -1 ? packed.length : valueEnd)
    const seen = into[name]
    into[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value]
    if (valueEnd === -1) return into
    at = valueEnd + 1
  }
}

/**
 * One stored 200 answer. A class, so every entry has the same small shape; the body is held once, in
 * a Buffer of exactly its size, and Hubstaff's headers (already filtered for apps) as one string.
 */
export class Entry {
  readonly headerText: string

  constructor(
    readonly body: Buffer,
    headers: Readonly<HeaderMap>,
    /** Epoch ms when the answer arrived. */
    readonly storedAt: number,
    /** Epoch ms when it stops being fresh. */
    readonly freshUntil: number,
  ) {
    this.headerText = packHeaders(headers)
  }
}

export interface StoreOptions {
  /** Entries kept at most; the least recently used go first. */
  readonly maxEntries: number
  /** Bytes kept at most, as `entrySize` counts them. */
  readonly maxBytes: number
}

/**
 * What an entry costs beyond its body, key and header text: the Entry, the Buffer and its backing
 * store, and lru-cache's bookkeeping. Measured (test/cache-entry-costs-little-beyond-its-body.test.ts
 * and the benchmark) so that `bytes` in the status tracks real memory.
 */
export const ENTRY_OVERHEAD = 600

export function entrySize(entry: Entry, key: string): number {
  return entry.body.length + key.length + entry.headerText.length + ENTRY_OVERHEAD
}

/**
 * A body that shares its memory with something larger (Node's 8 KiB pool, a bigger read buffer)
 * would keep all of it alive for as long as it is cached: such bodies are copied to their own.
 */
export function compactBody(body: Buffer): Buffer {
  if (body.byteOffset === 0 && body.buffer.byteLength === body.length) return body
  const own = Buffer.allocUnsafeSlow(body.length)
  body.copy(own)
  return own
}

/** The in-memory tier: an LRU bounded by entries and by bytes. */
export class ResponseStore {
  readonly #lru: LRUCache<string, Entry>
  readonly maxEntries: number
  readonly maxBytes: number

  constructor(options: StoreOptions) {
    if (!(options.maxEntries >= 1) || !(options.maxBytes >= 1)) throw new RangeError('maxEntries and maxBytes must be at least 1')
    this.maxEntries = options.maxEntries
    this.maxBytes = options.maxBytes
    this.#lru = new LRUCache<string, Entry>({ max: options.maxEntries, maxSize: options.maxBytes, sizeCalculation: entrySize })
  }

  /** The entry, marked as recently used. */
  get(key: string): Entry | undefined {
    return this.#lru.get(key)
  }

  /** Stores an entry; false when it is larger than the whole store may hold. */
  set(key: string, entry: Entry): boolean {
    this.#lru.set(key, entry)
    return this.#lru.has(key)
  }

  delete(key: string): boolean {
    return this.#lru.delete(key)
  }

  /** Drops every entry that passes `test`; returns how many. */
  deleteWhere(test: (key: string, entry: Entry) => boolean): number {
    const doomed: string[] = []
    for (const [key, entry] of this.#lru.entries()) if (test(key, entry)) doomed.push(key)
    for (const key of doomed) this.#lru.delete(key)
    return doomed.length
  }

  get entries(): number {
    return this.#lru.size
  }

  get bytes(): number {
    return this.#lru.calculatedSize
  }
}
