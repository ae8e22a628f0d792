import type { TwinAnswer } from '../answer.js'
import type { Call } from '../context.js'
import { activitiesUpdates, createTimeEntry, lastActivities } from './activity.js'
import { activitiesDaily, activitiesDailyUpdates, toolUsagesDaily } from './daily.js'
import { bulkInvites, createMember, teamProjects, updateOrganizationMembers, updateProjectMembers, updateTeamMembers, updateTeamProjects } from './members.js'
import {
  createMyWebhook,
  createOrganization,
  errorCodes,
  organizationSeats,
  setFields,
  toggleStatus,
  updateAnswered,
  updateMetadata,
  usersMe,
  workBreakProject,
} from './records.js'
import { adjustTimeOffBalances, decideTimeOff, userPolicies } from './time-off.js'

/** A hand-written handler answers, or declines with undefined (Prism then answers). */
export type Handler = (call: Call) => TwinAnswer | undefined

/**
 * Every `custom` behaviour the twin answers from its world, by the name the description gives it.
 * A name missing here (`job_sites.add_rules`, `remove_rules`, `update_rules`: the description
 * shows a job site's `rules` as one rule, not a list) is answered by Prism from the spec.
 */
export const CUSTOM: Readonly<Record<string, Handler>> = {
  'users.me': usersMe,
  'activities.daily': activitiesDaily,
  'activities.daily_updates': activitiesDailyUpdates,
  'activities.updates': activitiesUpdates,
  last_activities: lastActivities,
  'tool_usages.daily': toolUsagesDaily,
  'time_entries.create': createTimeEntry,
  'tasks.update': updateAnswered,
  'tasks.update_metadata': updateMetadata,
  'projects.update_metadata': updateMetadata,
  'organizations.update_metadata': updateMetadata,
  'clients.update_metadata': updateMetadata,
  'teams.update_metadata': updateMetadata,
  'organizations.create': createOrganization,
  'organizations.seats': organizationSeats,
  'organizations.work_break_projects': workBreakProject,
  error_codes: errorCodes,
  'time_off_policies.user_policies': userPolicies,
  'organizations.update_members': updateOrganizationMembers,
  'projects.update_members': updateProjectMembers,
  'teams.update_members': updateTeamMembers,
  'teams.update_projects': updateTeamProjects,
  'teams.projects': teamProjects,
  'members.create': createMember,
  'invites.bulk': bulkInvites,
  'time_off_balances.adjust': adjustTimeOffBalances,
  'time_off_policies.archive': setFields({ status: 'archived' }),
  'time_off_policies.restore': setFields({ status: 'active' }),
  'time_off_requests.status': decideTimeOff,
  'smart_notification_rules.toggle_status': toggleStatus,
  'webhooks.activate': setFields({ status: 'active' }),
  'webhooks.create_for_me': createMyWebhook,
}
