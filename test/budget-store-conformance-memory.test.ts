// The conformance suite against MemoryBudgetStore: RollingWindow's own semantics, the reference
// the file and Redis stores are held to.
import t from 'tap'
import { MemoryBudgetStore } from '../src/budget/file-store.js'
import { budgetStoreConformance } from './budget-store-conformance.js'

budgetStoreConformance(t, 'memory', () => Promise.resolve(new MemoryBudgetStore()))
