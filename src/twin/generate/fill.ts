import { parseDateTime } from '../../api/dates.js'
import { isoMicros, isoSeconds, SLOT_MS } from './time.js'

/** A record being completed: its own fields so far. */
export type Fields = Record<string, unknown>

export interface FillContext {
  /** Epoch ms: missing timestamps are now. */
  readonly now: number
  /** A Project row by id, for what a record inherits from its project (billable). */
  readonly project: (id: unknown) => Fields | undefined
  /** The token's user (owner by default). */
  readonly me: number
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

/** `2026-07-30T14:46:52Z` → `2026-07-30` (the UTC date; fixtures name no organization time zone). */
function dateOf(at: unknown): string | undefined {
  const ms = typeof at === 'string' ? parseDateTime(at) : undefined
  return ms === undefined ? undefined : isoSeconds(ms).slice(0, 10)
}

function slotOf(at: unknown): string | undefined {
  const ms = typeof at === 'string' ? parseDateTime(at) : undefined
  return ms === undefined ? undefined : isoSeconds(Math.floor(ms / SLOT_MS) * SLOT_MS)
}

/**
 * What a record of the core collections gets when a fixture leaves a field out: values a test
 * would not care about and an app would find ordinary (active, billable, plausible input
 * percentages). Fields the record gives always win; links are never invented here.
 */
export function coreDefaults(collection: string, row: Fields, ctx: FillContext): Fields {
  const now = isoMicros(ctx.now, 0)
  switch (collection) {
    case 'Organization':
      return { name: `Organization ${String(row.id)}`, status: 'active', member_profile_fields: [], metadata: {}, invite_url: `https://app.hubstaff.com/invites/org${String(row.id)}` }
    case 'User': {
      const name = text(row.name)
      const [first = 'Test', ...rest] = (name ?? '').split(' ').filter((s) => s !== '')
      const firstName = text(row.first_name) ?? first
      const lastName = text(row.last_name) ?? (rest.join(' ') || `User${String(row.id)}`)
      return { name: name ?? `${firstName} ${lastName}`, first_name: firstName, last_name: lastName, time_zone: 'Etc/UTC', ip_address: `203.0.113.${(Number(row.id) % 250) + 1}`, status: 'active' }
    }
    case 'OrganizationMember': {
      const role = text(row.membership_role) ?? (row.user_id === ctx.me ? 'owner' : 'user')
      const effective = role === 'owner' ? 'organization_owner' : role === 'manager' ? 'organization_manager' : 'project_user'
      return { membership_role: role, membership_status: 'active', last_client_activity: now, trackable: 'true', effective_role: effective, metadata: {}, view_only: false }
    }
    case 'Project':
      return { status: 'active', type: 'project', billable: true, metadata: {} }
    case 'ProjectMember':
      return { membership_role: 'user', membership_status: 'active', last_client_activity: now }
    case 'Team':
      return { metadata: {} }
    case 'TeamMember':
      return { role: 'user', lead: false }
    case 'Client':
      return { emails: [], phone: '', address: '', project_ids: [], status: 'active', metadata: {} }
    case 'Task':
      return { status: 'active', project_type: 'project', summary: `Task ${String(row.id)}`, lock_version: 0, assignee_ids: [], metadata: {} }
    case 'GlobalTodo':
      return { status: 'active', add_new_projects_enabled: false }
    case 'Activity':
      return activityDefaults(row, ctx)
    case 'Note': {
      const at = row.recorded_at ?? row.time_slot
      return { date: dateOf(at), time_slot: slotOf(at), recorded_at: text(row.time_slot), note: '' }
    }
    case 'Screenshot': {
      const at = row.recorded_at ?? row.time_slot
      return { date: dateOf(at), time_slot: slotOf(at), recorded_at: text(row.time_slot), offset_x: 0, offset_y: 0, width: 1920, height: 1080, screen: 0 }
    }
    case 'ToolUsage':
      return { date: dateOf(row.time_slot), tool_type: 'application', tracked: 600 }
    default:
      return {}
  }
}

/** An Activity's slot, date and input from what the fixture gave: `overall ≤ tracked`, keyboard and mouse consistent. */
function activityDefaults(row: Fields, ctx: FillContext): Fields {
  const start = row.starts_at ?? row.time_slot
  const tracked = num(row.tracked) ?? 600
  const input = row.tracks_input !== false
  const overall = num(row.overall) ?? (input ? Math.round(tracked * 0.6) : 0)
  const keyboard = num(row.keyboard) ?? Math.round(overall * 0.55)
  const project = ctx.project(row.project_id)
  return {
    date: dateOf(start),
    time_slot: slotOf(start),
    starts_at: text(row.time_slot),
    keyboard,
    mouse: Math.min(overall, overall - keyboard + Math.round(keyboard * 0.4)),
    overall,
    tracked,
    input_tracked: input ? tracked : 0,
    tracks_input: input,
    billable: project?.billable !== false,
    paid: false,
    client_invoiced: false,
    team_invoiced: false,
    immutable: false,
    time_type: 'normal',
    client: input ? 'windows' : 'web',
  }
}
