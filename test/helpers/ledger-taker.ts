// A process that shares a state dir's budget ledger: from `startAt` (epoch ms, so that two of them
// overlap) takes `count` slots of `limit` one after the other, as fast as it can, and prints how
// many it was granted.
import { FileBudgetStore } from '../../src/budget/file-store.js'

const [dir = '', count = '0', limit = '0', startAt = '0'] = process.argv.slice(2)
const store = await FileBudgetStore.open({ stateDir: dir, windowMs: 60_000 })
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())))
let granted = 0
for (let i = 0; i < Number(count); i++) {
  if ((await store.take({ now: Date.now(), windowMs: 60_000, cost: 1, limit: Number(limit) })).granted) granted++
}
await store.close()
process.stdout.write(`${granted}\n`)
