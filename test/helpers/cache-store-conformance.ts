// One set of tests for the cache's two tiers where their contracts overlap: the memory tier
// (ResponseStore, one instance's LRU) and the shared tier (SharedCacheTier, Redis): an entry reads
// back byte for byte, a write replaces, deletes drop exactly what they name. Eviction by size
// (memory) and expiry by TTL (Redis) are each tier's own and tested with it. Not a test file by
// itself: the test/cache-store-conformance-*.test.ts files run it.
import type { Test } from 'tap'
import { packHeaders } from '../../src/cache/store.js'

/** An entry as both tiers hold it. */
export interface StoredAnswer {
  readonly body: Buffer
  readonly headerText: string
  readonly storedAt: number
  readonly freshUntil: number
}

/** A tier seen through one shape: the memory tier answers at once, the shared one later. */
export interface CacheStoreUnderTest {
  get(key: string): Promise<StoredAnswer | undefined>
  /** False when the tier did not keep it. */
  set(key: string, entry: StoredAnswer): Promise<boolean>
  delete(key: string): Promise<void>
  deleteWhere(test: (key: string) => boolean): Promise<number>
  close(): Promise<void>
}

export type MakeCacheStore = () => Promise<CacheStoreUnderTest>

const T0 = 1_700_000_000_000
// Keys as the cache writes them: identity, a space, method, path and a normalised query.
const KEYS = ['live:https://api.hubstaff.com GET /v2/users/me', 'live:https://api.hubstaff.com GET /v2/projects?page_limit=5', 'mock:https://api.hubstaff.com:s1@2 GET /v2/users/me', 'live:https://api.hubstaff.com GET /v2/users/ME']

function answer(text: string | Buffer, at = T0): StoredAnswer {
  return { body: Buffer.isBuffer(text) ? text : Buffer.from(text), headerText: packHeaders({ 'content-type': 'application/json; charset=utf-8', etag: '"v1"', 'set-cookie': ['a=1', 'b=2'] }), storedAt: at, freshUntil: at + 60_000 }
}

const plain = (entry: StoredAnswer | undefined) => (entry === undefined ? undefined : { body: Buffer.from(entry.body).toString('base64'), headerText: entry.headerText, storedAt: entry.storedAt, freshUntil: entry.freshUntil })

export function cacheStoreConformance(t: Test, name: string, make: MakeCacheStore): void {
  const fresh = async (t: Test) => {
    const store = await make()
    t.teardown(() => store.close())
    return store
  }

  void t.test(`${name}: an entry reads back byte for byte, headers and times included`, async (t) => {
    const store = await fresh(t)
    t.equal(await store.get(KEYS[0] as string), undefined, 'nothing before it is set')
    // Bytes that are not UTF-8: a body is never decoded on its way through a tier.
    const binary = answer(Buffer.from([0x7b, 0xff, 0x00, 0xfe, 0x7d]))
    t.equal(await store.set(KEYS[0] as string, binary), true)
    t.same(plain(await store.get(KEYS[0] as string)), plain(binary))
  })

  void t.test(`${name}: keys are exact, and a write replaces`, async (t) => {
    const store = await fresh(t)
    for (const [i, key] of KEYS.entries()) await store.set(key, answer(`{"n":${i}}`))
    for (const [i, key] of KEYS.entries()) t.equal((await store.get(key))?.body.toString(), `{"n":${i}}`, `${key} holds its own`)
    const newer = answer('{"n":"new"}', T0 + 1000)
    await store.set(KEYS[1] as string, newer)
    t.same(plain(await store.get(KEYS[1] as string)), plain(newer))
  })

  void t.test(`${name}: delete drops one key; deleteWhere drops exactly the keys that pass`, async (t) => {
    const store = await fresh(t)
    for (const key of KEYS) await store.set(key, answer('{}'))
    await store.delete(KEYS[0] as string)
    await store.delete('live:https://api.hubstaff.com GET /v2/never-stored')
    t.equal(await store.get(KEYS[0] as string), undefined)
    t.not(await store.get(KEYS[1] as string), undefined, 'the others stay')
    const seen: string[] = []
    const dropped = await store.deleteWhere((key) => {
      seen.push(key)
      return key.startsWith('live:') && key.includes(' GET /v2/users/')
    })
    t.equal(dropped, 1, 'how many went')
    t.same(seen.sort(), [KEYS[1], KEYS[2], KEYS[3]].sort(), 'the test sees each key as it was set')
    t.equal(await store.get(KEYS[3] as string), undefined)
    t.not(await store.get(KEYS[1] as string), undefined)
    t.not(await store.get(KEYS[2] as string), undefined)
    t.equal(await store.deleteWhere(() => true), 2)
    t.equal(await store.deleteWhere(() => true), 0, 'nothing left')
  })
}
