import type { JsonSchema } from '../types.js'
import { PAYMENTS_SCHEMAS } from './payments.js'
import { PEOPLE_SCHEMAS } from './people.js'
import { PROJECTS_SCHEMAS } from './projects.js'
import { PEOPLE_REQUESTS } from './requests-people.js'
import { WORK_REQUESTS } from './requests-work.js'
import { SCHEDULES_SCHEMAS } from './schedules.js'
import { TRACKING_SCHEMAS } from './tracking.js'

/** Every record schema Hubstaff answers with, by name (`User`, `OrganizationMember`). */
export const RECORD_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  ...PEOPLE_SCHEMAS,
  ...PROJECTS_SCHEMAS,
  ...TRACKING_SCHEMAS,
  ...SCHEDULES_SCHEMAS,
  ...PAYMENTS_SCHEMAS,
}

/** Every request body, by the project's own name (`NewProject`, `TaskUpdate`). */
export const REQUEST_SCHEMAS: Readonly<Record<string, JsonSchema>> = { ...PEOPLE_REQUESTS, ...WORK_REQUESTS }
