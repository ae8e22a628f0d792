import type { Dataset, GenerateOptions } from '../dataset.js'
import { buildActivities } from './activity.js'
import { buildBilling } from './billing.js'
import { Builder } from './context.js'
import { buildExtras } from './extras.js'
import { buildPeopleMatters } from './hr.js'
import { buildOrganization } from './org.js'
import { People } from './people.js'
import { SIZES, type OrgPlan, type Person } from './plan.js'
import { Random } from './random.js'
import { settleWork } from './worklog.js'

export { SIZES } from './plan.js'
export { ERROR_CODES, type ErrorCode } from './error-codes.js'

/**
 * A believable Hubstaff account, the same for the same seed, size and `now`: organizations with
 * members, projects, clients, teams and tasks, and tracked time dated back from `now` (today and the
 * past week always hold data) with everything derived from it. `me` owns the first organization.
 */
export function generateDataset(options: GenerateOptions): Dataset {
  const size = SIZES[options.size]
  const now = Math.floor(options.now)
  const b = new Builder(new Random(options.seed), now)
  const people = new People(b)
  const plans: OrgPlan[] = []
  let me: Person | undefined
  for (const [index, orgSize] of size.orgs.entries()) {
    const plan = buildOrganization(b, people, orgSize, index, me)
    me ??= plan.owner
    plans.push(plan)
  }
  const tracked = buildActivities(b, plans, size)
  settleWork(b, plans, tracked)
  buildPeopleMatters(b, plans, tracked)
  buildBilling(b, plans)
  buildExtras(b, plans, tracked)
  return { collections: b.finish(), me: (me as Person).id }
}
