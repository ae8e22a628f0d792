import { ACTIVITIES_OPERATIONS } from './operations/activities.js'
import { BILLING_OPERATIONS } from './operations/billing.js'
import { INSIGHTS_OPERATIONS } from './operations/insights.js'
import { JOB_SITES_OPERATIONS } from './operations/job-sites.js'
import { MEMBERS_OPERATIONS } from './operations/members.js'
import { ORGANIZATIONS_OPERATIONS } from './operations/organizations.js'
import { PROJECTS_OPERATIONS } from './operations/projects.js'
import { SCHEDULES_OPERATIONS } from './operations/schedules.js'
import { TRACKING_OPERATIONS } from './operations/tracking.js'
import { RECORD_SCHEMAS, REQUEST_SCHEMAS } from './schemas/index.js'
import type { HttpMethod, JsonSchema, Operation } from './types.js'

/**
 * The project's description of the Hubstaff API v2: all 138 operations of the official document
 * and the schemas they name. The OpenAPI document, the cache key's array parameters and the
 * twin's routes are derived from these two exports and nothing else.
 */

const METHOD_ORDER: Readonly<Record<HttpMethod, number>> = { GET: 0, POST: 1, PUT: 2, PATCH: 3, DELETE: 4 }

/** Every operation, by path and then method, so that the generated document reads like a catalogue. */
export const OPERATIONS: readonly Operation[] = [
  ...ORGANIZATIONS_OPERATIONS,
  ...MEMBERS_OPERATIONS,
  ...PROJECTS_OPERATIONS,
  ...BILLING_OPERATIONS,
  ...ACTIVITIES_OPERATIONS,
  ...TRACKING_OPERATIONS,
  ...INSIGHTS_OPERATIONS,
  ...SCHEDULES_OPERATIONS,
  ...JOB_SITES_OPERATIONS,
].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : METHOD_ORDER[a.method] - METHOD_ORDER[b.method]))

/** Record schemas (`User`, `Project`, the error envelope `Error`) and request bodies (`NewProject`), by name. */
export const SCHEMAS: Readonly<Record<string, JsonSchema>> = { ...RECORD_SCHEMAS, ...REQUEST_SCHEMAS }

/**
 * The record schema of each `include=` value, sent as a sibling array (`users` → `{"users": [...]}`).
 * `project_ids` (shared to-dos) is missing on purpose: it adds a field to each record instead.
 */
export const SIDELOAD_SCHEMAS: Readonly<Record<string, string>> = {
  users: 'User',
  projects: 'Project',
  tasks: 'Task',
  clients: 'Client',
  job_sites: 'JobSite',
  attendance_schedules: 'AttendanceSchedule',
  time_off_policies: 'TimeOffPolicy',
}
