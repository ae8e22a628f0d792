import { DAY_MS } from '../../api/dates.js'
import type { TwinAnswer } from '../answer.js'
import { pathId, reachable } from '../access.js'
import { instantOf } from '../collection.js'
import type { Call } from '../context.js'
import type { Row } from '../dataset.js'
import { invalidParams, refused } from '../errors.js'
import { readListQuery } from '../filters.js'
import { answerList, listAnswer, pageOf } from '../list.js'
import { insertRecord, readBody, timestamp, updateRecord } from '../write.js'
import { remembered } from '../memo.js'
import { findIn, scopeFilter, siblingScope, success } from './shared.js'

/** Tracked time: what changed, who tracked last, and time added by hand. */

/** `/activities/updates`: the slots whose `updated_at` lies in the range, as the plain list shows them. */
export function activitiesUpdates(call: Call): TwinAnswer {
  return answerList(call, 'Activity', siblingScope(call, /\/updates$/))
}

/** Seen within the quarter hour, a user counts as online (as the generated data has it). */
const ONLINE_MS = 15 * 60_000
const SLOT_MS = 600_000

/**
 * `/last_activities`: per member, their latest slot (in the project, at project level). Members
 * who never tracked are left out: Hubstaff's record requires a last activity.
 */
export function lastActivities(call: Call): TwinAnswer | undefined {
  const scope = scopeFilter(call, siblingScope(call, /\/last_activities$/, '/activities'))
  const activities = call.world.read('Activity')
  const key = `${scope?.field ?? ''}=${scope?.value ?? ''}`
  const latest =
    activities === undefined
      ? new Map<number, Row>()
      : new Map(
          remembered(activities, `last|${key}`, () => {
            const byUser = new Map<number, Row>()
            const slots = activities.byInstant('time_slot')
            for (let i = slots.length - 1; i >= 0; i--) {
              const row = slots[i] as Row
              if (typeof row.user_id !== 'number' || byUser.has(row.user_id)) continue
              if (scope === undefined || scope.test(row, call.world)) byUser.set(row.user_id, row)
            }
            return [...byUser.values()]
          }).map((row) => [row.user_id as number, row]),
        )
  const members = memberRows(call, scope?.value)
  const rows: Row[] = []
  for (const member of members) {
    const userId = member.user_id
    if (typeof userId !== 'number') continue
    const slot = latest.get(userId)
    if (slot === undefined) continue
    // The member's own record of it wins when later: the members list and this list agree.
    const ended = (instantOf(slot.starts_at) ?? instantOf(slot.time_slot) ?? 0) + (typeof slot.tracked === 'number' ? slot.tracked * 1000 : SLOT_MS)
    const seen = Math.max(ended, instantOf(member.last_client_activity) ?? 0)
    rows.push({
      id: userId,
      user_id: userId,
      last_client_activity: seen === ended ? timestamp(seen) : member.last_client_activity,
      online: call.now - seen < ONLINE_MS,
      last_project_id: slot.project_id ?? null,
      last_task_id: slot.task_id ?? null,
      membership_status: member.membership_status,
      removed_at: member.removed_at,
    })
  }
  rows.sort((a, b) => a.id - b.id)
  const query = readListQuery(call.operation, call.query, call.world, 'LastActivity', call.ctx.schemas, undefined, call.now)
  return listAnswer(call, call.operation, 'LastActivity', pageOf(rows, query.filters, call.world, query.startId, query.limit), query)
}

/** The members of the organization, or of the project, the path names. */
function memberRows(call: Call, parent: number | undefined): readonly Row[] {
  if (parent === undefined) return []
  if ('organization_id' in call.params) return call.world.read('OrganizationMember')?.bucket('_organization_id', parent) ?? []
  return call.world.read('ProjectMember')?.bucket('_project_id', parent) ?? []
}

const dateFormats = new Map<string, Intl.DateTimeFormat>()

/** An activity's `date` is the organization's date of its slot, in the organization's time zone. */
function organizationDate(ms: number, zone: unknown): string {
  const name = typeof zone === 'string' ? zone : 'UTC'
  let format = dateFormats.get(name)
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-CA', { timeZone: name, year: 'numeric', month: '2-digit', day: '2-digit' })
    } catch {
      format = new Intl.DateTimeFormat('en-CA', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' })
    }
    dateFormats.set(name, format)
  }
  return format.format(ms)
}

/**
 * `POST /v2/users/{user_id}/time_entries`: time added by hand becomes the activity slots it
 * covers, so lists, daily totals and last activities all show it. Time over slots the user
 * already tracked is refused, as Hubstaff refuses to overwrite activity.
 */
export function createTimeEntry(call: Call): TwinAnswer {
  const userId = pathId(call, 'user_id')
  reachable(call, 'User', userId)
  const body = readBody(call)
  const project = call.world.get('Project', body.project_id as number)
  if (project === undefined) throw refused('activity_invalid_project', 'The user does not have access to this project.', 14200)
  const taskId = typeof body.task_id === 'number' ? body.task_id : null
  if (taskId !== null && call.world.get('Task', taskId)?.project_id !== project.id) {
    throw refused('activity_invalid_task', 'The task is not associated with the selected project or the user is not a member.', 14201)
  }
  const start = instantOf(body.start_time)
  const tracked = body.tracked as number
  if (start === undefined) throw invalidParams('start_time is invalid')
  if (tracked <= 0 || tracked > DAY_MS / 1000) throw invalidParams('tracked is invalid')
  const stop = start + tracked * 1000
  const slots: { slot: number; from: number; to: number }[] = []
  for (let slot = Math.floor(start / SLOT_MS) * SLOT_MS; slot < stop; slot += SLOT_MS) slots.push({ slot, from: Math.max(slot, start), to: Math.min(slot + SLOT_MS, stop) })
  const existing = call.world.read('Activity')
  const taken = existing?.span('time_slot', slots[0]?.slot ?? 0, stop).filter((row) => row.user_id === userId) ?? []
  if (taken.length > 0) throw refused('activity_existing', 'Cannot overwrite existing activity.', 14103)
  const billable = typeof body.billable === 'boolean' ? body.billable : project.billable === true
  for (const { slot, from, to } of slots) {
    insertRecord(
      call.world,
      call.ctx.schemas,
      'Activity',
      {
        date: organizationDate(slot, call.world.get('Organization', project._organization_id as number)?._time_zone),
        time_slot: new Date(slot).toISOString().replace('.000Z', 'Z'),
        starts_at: new Date(from).toISOString().replace('.000Z', 'Z'),
        user_id: userId,
        project_id: project.id,
        task_id: taskId,
        keyboard: 0,
        mouse: 0,
        overall: 0,
        tracked: Math.round((to - from) / 1000),
        input_tracked: 0,
        tracks_input: false,
        billable,
        paid: false,
        client_invoiced: false,
        team_invoiced: false,
        immutable: false,
        time_type: 'manual',
        client: 'api',
        _organization_id: project._organization_id,
      },
      call.now,
    )
  }
  // The user was last active when the entry ends, as far as their memberships are concerned.
  const organization = project._organization_id as number
  const memberships = [findIn(call.world, 'OrganizationMember', '_organization_id', organization, 'user_id', userId), findIn(call.world, 'ProjectMember', '_project_id', project.id, 'user_id', userId)]
  for (const [i, row] of memberships.entries()) {
    if (row !== undefined && (instantOf(row.last_client_activity) ?? 0) < stop) {
      updateRecord(call.world, call.ctx.schemas, i === 0 ? 'OrganizationMember' : 'ProjectMember', row, { last_client_activity: timestamp(stop) }, call.now)
    }
  }
  return success(call)
}
