/**
 * The request journal behind `GET /_gateway/requests`: the last N requests, newest first. It is
 * fed once per finished request on the hot path, so the ring's slots are allocated up front and
 * overwritten in place; only reading the journal copies them.
 */
import { redactTarget } from './http/redact-query.js'

/** One finished request as the journal keeps it. Never holds a header other than Cache-Status. */
export interface JournalSlot {
  /** Epoch ms the answer finished. */
  time: number
  /** The team-mode app charged for it (`default` outside team mode, `-` when no key matched). */
  app: string
  method: string
  /** Path and query string as the app sent them (the query carries no credentials). */
  path: string
  status: number
  /** `X-Gateway-Source` of the answer. */
  source: string
  /** The `Cache-Status` header of the answer, '' when it had none. */
  cacheStatus: string
  upstreamCalls: number
  queueWaitMs: number
  durationMs: number
  id: string
}

/** What `GET /_gateway/requests` shows of one request. */
export interface JournalEntry extends Omit<JournalSlot, 'time'> {
  readonly time: string
}

/** Longer paths are cut: a journal line is for reading, not for replaying. */
export const MAX_JOURNAL_PATH = 2048

/**
 * What the journal shows of a target: sensitive-looking query values replaced (unless the request
 * guard already found the query plain), then cut.
 */
export function journalPath(raw: string, plainQuery = false): string {
  const shown = plainQuery ? raw : redactTarget(raw)
  return shown.length > MAX_JOURNAL_PATH ? shown.slice(0, MAX_JOURNAL_PATH) + '…' : shown
}

export class Journal {
  readonly capacity: number
  readonly #slots: JournalSlot[]
  #next = 0
  #recorded = 0

  constructor(capacity: number) {
    this.capacity = Math.max(1, Math.floor(capacity))
    this.#slots = Array.from({ length: this.capacity }, () => ({
      time: 0,
      app: '',
      method: '',
      path: '',
      status: 0,
      source: '',
      cacheStatus: '',
      upstreamCalls: 0,
      queueWaitMs: 0,
      durationMs: 0,
      id: '',
    }))
  }

  /** Requests recorded since start (also those that have dropped out of the ring). */
  get recorded(): number {
    return this.#recorded
  }

  /** The slot to fill, every field, for the request that just finished (the oldest slot, reused). */
  claim(): JournalSlot {
    const slot = this.#slots[this.#next] as JournalSlot
    this.#next = (this.#next + 1) % this.capacity
    this.#recorded++
    return slot
  }

  /** The newest `limit` requests, newest first. */
  recent(limit = this.capacity): JournalEntry[] {
    const count = Math.min(this.#recorded, this.capacity, Math.max(0, Math.floor(limit)))
    const out: JournalEntry[] = []
    for (let k = 1; k <= count; k++) {
      const slot = this.#slots[(this.#next - k + this.capacity) % this.capacity] as JournalSlot
      out.push({ ...slot, time: new Date(slot.time).toISOString() })
    }
    return out
  }
}
