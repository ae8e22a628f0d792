// The token store conformance suite against FileTokenStore (tokens.json and its lock file in the
// state dir); the other handle is a second store on the same directory, as a second process has it.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { FileTokenStore } from '../src/token/store.js'
import { tempDir } from './helpers/memory-token-store.js'
import { tokenStoreConformance } from './helpers/token-store-conformance.js'

tokenStoreConformance(t, 'file', ({ lockWaitMs }) => {
  const stateDir = tempDir(t)
  return Promise.resolve({
    store: new FileTokenStore({ stateDir, lockWaitMs }),
    other: new FileTokenStore({ stateDir, lockWaitMs }),
    corrupt: () => writeFile(join(stateDir, 'tokens.json'), '{"refreshToken": "half a wri'),
    close: () => Promise.resolve(),
  })
})
