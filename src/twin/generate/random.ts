import { createHash } from 'node:crypto'

/**
 * The generator's only source of variety. sfc32 (Chris Doty-Humphrey's small fast counting
 * generator, public domain): four 32-bit words of state, passes PractRand to 2^40 bytes, and is a
 * dozen lines, so no dependency is worth it. The state comes from SHA-256 of the seed and a label:
 * each part of the dataset draws from its own stream (`fork('activities')`), so adding a
 * collection later leaves every other collection's records as they were.
 */
export class Random {
  #a: number
  #b: number
  #c: number
  #d: number
  readonly #seed: string

  constructor(seed: string, label = '') {
    this.#seed = seed
    const digest = createHash('sha256').update(seed).update('\0').update(label).digest()
    this.#a = digest.readUInt32LE(0)
    this.#b = digest.readUInt32LE(4)
    this.#c = digest.readUInt32LE(8)
    this.#d = digest.readUInt32LE(12)
    // The first outputs of a freshly keyed sfc32 are still correlated with the key.
    for (let i = 0; i < 15; i++) this.next()
  }

  /** An independent stream for one part of the dataset. */
  fork(label: string): Random {
    return new Random(this.#seed, label)
  }

  /** A float in [0, 1). */
  next(): number {
    const a = this.#a
    const b = this.#b
    const c = this.#c
    const d = this.#d
    const t = (((a + b) | 0) + d) | 0
    this.#d = (d + 1) | 0
    this.#a = b ^ (b >>> 9)
    this.#b = (c + (c << 3)) | 0
    const r = (c << 21) | (c >>> 11)
    this.#c = (r + t) | 0
    return (t >>> 0) / 4294967296
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  /** A float in [min, max). */
  float(min: number, max: number): number {
    return min + this.next() * (max - min)
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list')
    return items[Math.floor(this.next() * items.length)] as T
  }

  /** `count` distinct items (all of them when there are fewer), in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items]
    const n = Math.min(count, copy.length)
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i))
      const swap = copy[i] as T
      copy[i] = copy[j] as T
      copy[j] = swap
    }
    return copy.slice(0, n)
  }

  /** An item chosen with probability proportional to its weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0
    for (const [, w] of entries) total += w
    let x = this.next() * total
    for (const [item, w] of entries) {
      x -= w
      if (x < 0) return item
    }
    return (entries[entries.length - 1] as readonly [T, number])[0]
  }

  /** Roughly normal (sum of three uniforms), clamped to [min, max]. */
  around(mean: number, spread: number, min = -Infinity, max = Infinity): number {
    const x = mean + (this.next() + this.next() + this.next() - 1.5) * spread
    return Math.min(max, Math.max(min, x))
  }
}
