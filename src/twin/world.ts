import { Collection } from './collection.js'
import type { Dataset, Row } from './dataset.js'

/**
 * The mutable state of one organization world. A session's world is a fork of the default one:
 * the two share every collection until one of them writes it, and only then is that collection
 * copied, so a fork costs one map of collection names whatever the size of the data.
 */
export class World {
  /** The user whose token the app holds (`/v2/users/me`). */
  readonly me: number
  private readonly collections: Map<string, Collection>
  /** Collections this world may change in place: those it copied (or made) since the last fork. */
  private readonly owned: Set<string>
  /** Records written into this world since it was made: bounded, as every input an app controls. */
  private inserted = 0

  private constructor(me: number, collections: Map<string, Collection>, owned: Set<string>) {
    this.me = me
    this.collections = collections
    this.owned = owned
  }

  static fromDataset(dataset: Dataset): World {
    const collections = new Map<string, Collection>()
    for (const [name, rows] of Object.entries(dataset.collections)) collections.set(name, Collection.of(rows))
    return new World(dataset.me, collections, new Set(collections.keys()))
  }

  /**
   * Counts `count` new records against `limit`; false once the world would pass it. A test loop
   * that creates without end would otherwise grow a session's memory until the session is dropped.
   */
  admit(count: number, limit: number): boolean {
    if (this.inserted + count > limit) return false
    this.inserted += count
    return true
  }

  /** A world that starts as this one and from then on changes alone; so does this one. */
  fork(): World {
    // Both sides now share every collection, so neither may keep writing its copies in place.
    this.owned.clear()
    return new World(this.me, new Map(this.collections), new Set())
  }

  /** Rows per collection. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {}
    for (const [name, collection] of this.collections) counts[name] = collection.size
    return counts
  }

  names(): string[] {
    return [...this.collections.keys()]
  }

  /** A collection to read; undefined when the world has none of that name. */
  read(name: string): Collection | undefined {
    return this.collections.get(name)
  }

  get(name: string, id: number): Row | undefined {
    return this.collections.get(name)?.get(id)
  }

  /** A collection to write: copied first when it is still shared with another world. */
  write(name: string): Collection {
    let collection = this.collections.get(name)
    if (collection !== undefined && this.owned.has(name)) return collection
    collection = collection === undefined ? Collection.of([]) : collection.clone()
    this.collections.set(name, collection)
    this.owned.add(name)
    return collection
  }

  /** The dataset this world holds now (what an export or a saved session writes). */
  toDataset(): Dataset {
    const collections: Record<string, readonly Row[]> = {}
    for (const [name, collection] of this.collections) collections[name] = [...collection.rows()]
    return { collections, me: this.me }
  }
}
