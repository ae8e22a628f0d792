// The token store conformance suite against the memory store the token manager's tests use: what
// those tests conclude about the manager holds for the real stores only if this one behaves alike.
import t from 'tap'
import { MemoryTokenStore } from './helpers/memory-token-store.js'
import { tokenStoreConformance } from './helpers/token-store-conformance.js'

tokenStoreConformance(
  t,
  'memory',
  () => {
    const store = new MemoryTokenStore()
    return Promise.resolve({
      store,
      // One process: the store is its own other handle.
      other: store,
      corrupt: () => {
        store.corrupt = true
        return Promise.resolve()
      },
      close: () => Promise.resolve(),
    })
  },
  { lockTimeout: false },
)
