// One set of tests for every TokenStore (file, Redis, Redis mirrored in the state dir, and the
// memory store the token manager's tests use): what the token manager relies on, whichever store
// holds the lineage. Not a test file by itself: the test/token-store-conformance-*.test.ts files run it.
import type { Test } from 'tap'
import type { StoredTokens, TokenStore } from '../../src/token/store.js'
import { deferred } from './memory-token-store.js'

export interface TokenStoreUnderTest {
  readonly store: TokenStore
  /** Another handle on the same record, as another process or instance holds it. */
  readonly other: TokenStore
  /** Makes the stored record unreadable, as a torn or foreign write would. */
  corrupt(): Promise<void>
  close(): Promise<void>
}

/** A fresh, empty store per test; `lockWaitMs` is how long a withLock waits for another holder. */
export type MakeTokenStore = (options: { readonly lockWaitMs: number }) => Promise<TokenStoreUnderTest>

export interface Capabilities {
  /** withLock gives up with HSG_AUTH_LOCK_TIMEOUT after lockWaitMs. @default true */
  readonly lockTimeout?: boolean
}

const FULL: StoredTokens = { refreshToken: 'refresh-1', accessToken: 'access-1', expiresAt: 1_700_003_600_000, refreshedAt: 1_700_000_000_000, seeds: ['a1', 'b2'] }
const BARE: StoredTokens = { refreshToken: 'refresh-0', seeds: [] }

/** The record as the manager reads it: an absent optional field and an undefined one are alike. */
const plain = (tokens: StoredTokens | undefined): unknown => (tokens === undefined ? undefined : (JSON.parse(JSON.stringify(tokens)) as unknown))

export function tokenStoreConformance(t: Test, name: string, make: MakeTokenStore, capabilities: Capabilities = {}): void {
  const fresh = async (t: Test, lockWaitMs = 10_000) => {
    const under = await make({ lockWaitMs })
    t.teardown(() => under.close())
    return under
  }

  void t.test(`${name}: an empty store reads as nothing, and has nothing to move aside`, async (t) => {
    const { store } = await fresh(t)
    t.equal(await store.read(), undefined)
    t.equal(await store.quarantine(), undefined)
    t.type(store.location, 'string')
  })

  void t.test(`${name}: a record reads back as written, the last write winning, from either handle`, async (t) => {
    const { store, other } = await fresh(t)
    await store.write(BARE)
    t.same(plain(await store.read()), plain(BARE), 'optional fields may be absent')
    await store.write(FULL)
    t.same(plain(await store.read()), plain(FULL), 'every field kept')
    t.same(plain(await other.read()), plain(FULL), 'the other handle reads the same record')
    const rotated = { ...FULL, refreshToken: 'refresh-2', accessToken: 'access-2', refreshedAt: (FULL.refreshedAt ?? 0) + 1 }
    await other.write(rotated)
    t.same(plain(await store.read()), plain(rotated), "the other handle's write is read here")
  })

  void t.test(`${name}: withLock runs one holder at a time, across handles, and passes results and errors through`, async (t) => {
    const { store, other } = await fresh(t)
    let inside = 0
    let most = 0
    const order: number[] = []
    const holders = Array.from({ length: 6 }, (_, i) =>
      (i % 2 === 0 ? store : other).withLock(async () => {
        inside++
        most = Math.max(most, inside)
        // Give another holder every chance to enter while this one is inside.
        await new Promise((resolve) => setImmediate(resolve))
        order.push(i)
        inside--
        return i
      }),
    )
    t.same((await Promise.all(holders)).sort(), [0, 1, 2, 3, 4, 5], 'each holder gets its own result')
    t.equal(most, 1, 'never two holders inside at once')
    await t.rejects(
      store.withLock(() => Promise.reject(new Error('exchange failed'))),
      { message: 'exchange failed' },
      "the holder's error reaches the caller",
    )
    t.equal(await other.withLock(() => Promise.resolve('free')), 'free', 'a failed holder released the lock')
  })

  if (capabilities.lockTimeout ?? true) {
    void t.test(`${name}: a holder that never lets go makes the others give up with HSG_AUTH_LOCK_TIMEOUT`, async (t) => {
      const { store, other } = await fresh(t, 300)
      const release = deferred()
      const entered = deferred()
      const held = store.withLock(async () => {
        entered.resolve()
        await release.promise
      })
      await entered.promise
      await t.rejects(other.withLock(() => Promise.resolve()), { code: 'HSG_AUTH_LOCK_TIMEOUT' })
      release.resolve()
      await held
      t.equal(await other.withLock(() => Promise.resolve('after')), 'after', 'free again once released')
    })
  }

  void t.test(`${name}: an unreadable record is refused, moved aside whole, and a new lineage starts`, async (t) => {
    const under = await fresh(t)
    const { store } = under
    await store.write(FULL)
    await under.corrupt()
    await t.rejects(store.read(), { code: 'HSG_AUTH_STORE_UNREADABLE' }, 'never read as empty: the lineage would be lost unseen')
    const aside = await store.quarantine()
    t.type(aside, 'string', 'says where it went')
    t.equal(await store.read(), undefined, 'nothing in its place')
    await store.write(BARE)
    t.same(plain(await store.read()), plain(BARE), 'a new lineage is written')
  })
}
