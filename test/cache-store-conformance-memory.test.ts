// The cache tier conformance suite against the memory tier (ResponseStore).
import t from 'tap'
import { Entry, ResponseStore, unpackHeaders } from '../src/cache/store.js'
import { cacheStoreConformance } from './helpers/cache-store-conformance.js'

cacheStoreConformance(t, 'memory', () => {
  const store = new ResponseStore({ maxEntries: 100, maxBytes: 1024 * 1024 })
  return Promise.resolve({
    get: (key) => Promise.resolve(store.get(key)),
    set: (key, e) => Promise.resolve(store.set(key, new Entry(e.body, unpackHeaders(e.headerText), e.storedAt, e.freshUntil))),
    delete: (key) => {
      store.delete(key)
      return Promise.resolve()
    },
    deleteWhere: (test) => Promise.resolve(store.deleteWhere((key) => test(key))),
    close: () => Promise.resolve(),
  })
})
