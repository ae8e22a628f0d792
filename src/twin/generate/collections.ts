/**
 * The twin's collections and the names Hubstaff gives their records in answers, shared by the
 * fixtures parser and the recordings import. A collection is named by its record schema.
 */

/** Hubstaff's list key (`{"projects": [...]}`) → collection. `members` is the organization's. */
export const LIST_KEYS: Readonly<Record<string, string>> = {
  organizations: 'Organization',
  users: 'User',
  members: 'OrganizationMember',
  organization_members: 'OrganizationMember',
  project_members: 'ProjectMember',
  projects: 'Project',
  clients: 'Client',
  teams: 'Team',
  team_members: 'TeamMember',
  team_projects: 'TeamProject',
  tasks: 'Task',
  global_todos: 'GlobalTodo',
  activities: 'Activity',
  notes: 'Note',
  screenshots: 'Screenshot',
  tool_usages: 'ToolUsage',
  time_edit_logs: 'TimeEditLog',
  attendance_schedules: 'AttendanceSchedule',
  attendance_shifts: 'AttendanceShift',
  time_off_policies: 'TimeOffPolicy',
  time_off_requests: 'TimeOffRequest',
  time_off_balances: 'TimeOffBalance',
  holidays: 'Holiday',
  job_sites: 'JobSite',
  job_site_visits: 'JobSiteVisit',
  passive_job_site_visits: 'PassiveJobSiteVisit',
  locations: 'Location',
  invites: 'Invite',
  webhooks: 'Webhook',
  timesheets: 'Timesheet',
  last_activities: 'LastActivity',
  budget_histories: 'BudgetHistory',
  limit_histories: 'LimitHistory',
  client_invoices: 'ClientInvoice',
  team_invoices: 'TeamInvoice',
  team_payments: 'TeamPayment',
  rates: 'Rate',
  organization_seats: 'OrganizationSeat',
  integrations: 'Integration',
  project_links: 'IntegrationProjectLink',
  user_links: 'IntegrationUserLink',
  smart_notification_rules: 'SmartNotificationRule',
  smart_notifications: 'SmartNotification',
  unusual_activities: 'UnusualActivity',
  work_break_projects: 'WorkBreakProject',
  error_codes: 'ErrorCode',
}

/** Every collection the twin keeps. */
export const COLLECTIONS: readonly string[] = [...new Set(Object.values(LIST_KEYS))]

/** Hubstaff's single-record key (`{"project": {...}}`) → collection. */
export const RECORD_KEYS: Readonly<Record<string, string>> = {
  organization: 'Organization',
  user: 'User',
  organization_member: 'OrganizationMember',
  project: 'Project',
  client: 'Client',
  team: 'Team',
  task: 'Task',
  global_todo: 'GlobalTodo',
  note: 'Note',
  screenshot: 'Screenshot',
  attendance_schedule: 'AttendanceSchedule',
  time_off_policy: 'TimeOffPolicy',
  time_off_request: 'TimeOffRequest',
  time_off_balance: 'TimeOffBalance',
  job_site: 'JobSite',
  invite: 'Invite',
  webhook: 'Webhook',
  budget_history: 'BudgetHistory',
  limit_history: 'LimitHistory',
  team_payment: 'TeamPayment',
  organization_seat: 'OrganizationSeat',
  smart_notification_rule: 'SmartNotificationRule',
  work_break_project: 'WorkBreakProject',
}

/** Records Hubstaff shows without an id of their own: the twin numbers them. */
export const WITHOUT_ID: ReadonlySet<string> = new Set([
  'OrganizationMember',
  'ProjectMember',
  'TeamMember',
  'TeamProject',
  'TimeOffBalance',
  'LastActivity',
  'IntegrationProjectLink',
  'IntegrationUserLink',
  'OrganizationSeat',
  // Its code is its identity.
  'ErrorCode',
])

/** Which collection a link field points into. */
export const LINKS: Readonly<Record<string, string>> = {
  _organization_id: 'Organization',
  _project_id: 'Project',
  _team_id: 'Team',
  _integration_id: 'Integration',
  _user_id: 'User',
  user_id: 'User',
  blame_user_id: 'User',
  invited_by_id: 'User',
  author_id: 'User',
  approved_by_id: 'User',
  denied_by_id: 'User',
  created_by_id: 'User',
  project_id: 'Project',
  last_project_id: 'Project',
  original_project_id: 'Project',
  task_id: 'Task',
  last_task_id: 'Task',
  original_task_id: 'Task',
  client_id: 'Client',
  job_site_id: 'JobSite',
  time_off_policy_id: 'TimeOffPolicy',
  attendance_schedule_id: 'AttendanceSchedule',
  global_todo_id: 'GlobalTodo',
  integration_id: 'Integration',
  timesheet_id: 'Timesheet',
  team_payment_id: 'TeamPayment',
  assignee_ids: 'User',
  project_ids: 'Project',
}

/** Links a record of the collection cannot do without. */
export const REQUIRED_LINKS: Readonly<Record<string, readonly string[]>> = {
  OrganizationMember: ['user_id'],
  ProjectMember: ['_project_id', 'user_id'],
  TeamMember: ['_team_id', 'user_id'],
  TeamProject: ['_team_id', 'project_id'],
  Task: ['project_id'],
  Activity: ['user_id', 'project_id'],
  Note: ['user_id', 'project_id'],
  Screenshot: ['user_id', 'project_id'],
  ToolUsage: ['user_id', 'project_id'],
  TimeEditLog: ['user_id'],
  AttendanceSchedule: ['user_id'],
  AttendanceShift: ['user_id'],
  TimeOffRequest: ['user_id', 'time_off_policy_id'],
  TimeOffBalance: ['user_id', 'time_off_policy_id'],
  JobSiteVisit: ['job_site_id', 'user_id'],
  PassiveJobSiteVisit: ['job_site_id', 'user_id'],
  Timesheet: ['user_id'],
  LastActivity: ['user_id'],
}

/** Where a record's organization can be read from, tried in this order. */
export const ORGANIZATION_VIA: readonly string[] = ['_project_id', 'project_id', '_team_id', 'task_id', 'client_id', 'job_site_id', 'time_off_policy_id', '_integration_id', 'attendance_schedule_id', 'user_id']
