/**
 * Hubstaff's numeric error codes (`GET /v2/error_codes`, the `error_code` of an error answer):
 * the codes and keys are Hubstaff's, the sentences are ours. Ranges: 10xxx authorization, 11xxx
 * validation, 12xxx resources, 13xxx rate limits, 14xxx time entries and activities, 15xxx system.
 */
export interface ErrorCode {
  readonly code: number
  readonly key: string
  readonly message: string
}

const table: readonly (readonly [number, string, string])[] = [
  [10001, 'auth_not_authorized', 'Your access does not allow this action.'],
  [10002, 'auth_bad_request', 'The request could not be understood.'],
  [10003, 'auth_forbidden', 'You are not permitted to do this.'],
  [10004, 'auth_financials_forbidden', 'Setting rates needs permission to manage financials.'],
  [11000, 'validation_invalid_params', 'Some parameters are not valid.'],
  [11001, 'validation_record_invalid', 'The record did not pass validation.'],
  [11002, 'validation_record_not_unique', 'A record with the same values exists already.'],
  [11003, 'validation_lock_version', 'Someone changed this record meanwhile; reload it and try again.'],
  [11004, 'validation_duplicate_assignment', 'This assignment exists already.'],
  [12000, 'resource_not_found', 'No such resource.'],
  [12001, 'resource_update_in_progress', 'Another update of this resource is running; try again shortly.'],
  [12002, 'resource_user_project_access', 'The user has no access to this project.'],
  [12003, 'resource_user_task_access', 'The user has no access to this task.'],
  [13000, 'rate_limit_exceeded', 'Too many requests; wait before sending the next one.'],
  [13001, 'rate_limit_invites', 'The organization has sent too many invites for now.'],
  [14000, 'time_entry_create_error', 'The time entry could not be created.'],
  [14001, 'time_entry_approval_required', 'Manual time that needs approval cannot be added through the API; request it in the web app.'],
  [14002, 'time_entry_limits_reached', 'A tracking limit has been reached.'],
  [14003, 'time_entry_outdated', 'The time entry changed meanwhile; reload it and try again.'],
  [14004, 'time_entry_invalid', 'The time entry is not valid.'],
  [14100, 'activity_cannot_overwrite', 'Time tracked by a client app cannot be overwritten.'],
  [14101, 'activity_locked', 'Locked time cannot be overwritten.'],
  [14102, 'activity_period_restricted', 'Time cannot be added for this period.'],
  [14103, 'activity_existing', 'Existing time cannot be overwritten.'],
  [14104, 'activity_cannot_move', 'This time cannot be moved.'],
  [14105, 'activity_override_collision', 'This overlaps other time; confirm the override.'],
  [14200, 'activity_invalid_project', 'The user has no access to this project.'],
  [14201, 'activity_invalid_task', 'The task is not in this project or the user is not a member.'],
  [14202, 'activity_inactive_task', 'The task is completed, archived or deleted.'],
  [14203, 'activity_invalid_user', 'No such user.'],
  [14204, 'activity_other_project', 'Time on other projects falls in this range.'],
  [14205, 'activity_other_task', 'Time on other tasks falls in this range.'],
  [14206, 'activity_project_not_accessible', 'You may not change time of projects in this range.'],
  [14300, 'activity_limit_exceeded', 'This would go over the limit.'],
  [14301, 'activity_limit_reached', 'The limit is reached already.'],
  [14302, 'activity_dow_restriction', 'Tracking is allowed on some days of the week only.'],
  [14303, 'activity_shift_restriction', 'Tracking is allowed during scheduled shifts only.'],
  [14304, 'activity_project_limit', 'This time would go over the project budget.'],
  [14305, 'activity_project_limit_no_rate', 'The project has a budget and the member has no hourly rate.'],
  [14400, 'activity_permission_denied', 'You are not permitted to do this.'],
  [14401, 'activity_modify_disabled', 'Editing time is turned off.'],
  [14402, 'activity_retention_policy', 'This data is older than the retention policy keeps.'],
  [14403, 'activity_timesheet_locked', 'Time can be added or changed only while the timesheet is open.'],
  [14404, 'activity_work_break_overlap', 'The time entry overlaps work breaks.'],
  [14405, 'activity_existing_screen', 'There is a screenshot for this time already.'],
  [15000, 'system_unknown_error', 'Something went wrong on our side.'],
  [15001, 'system_service_unavailable', 'Server timeout: if the request is paginated, ask for fewer items per page.'],
]

export const ERROR_CODES: readonly ErrorCode[] = table.map(([code, key, message]) => ({ code, key, message }))
