import { RECORD_CACHE, jsonAnswer, type TwinAnswer } from '../answer.js'
import { pathId, reachable } from '../access.js'
import type { Call } from '../context.js'
import type { Row } from '../dataset.js'
import { TwinError, invalidParams } from '../errors.js'
import { answerList } from '../list.js'
import { insertRecord, mergeMetadata, readBody, recordAnswer, timestamp, updateRecord } from '../write.js'
import { activeMember, defined, entries, findIn, money, success, type Fields } from './shared.js'

/**
 * Memberships of organizations, projects and teams, and invitations to them. A bulk change is
 * checked whole before any of it is stored, so a refused request leaves the world as it was.
 */

/** Adds, changes or (with `remove`) deletes the membership row of `user_id` under a parent. */
function upsert(call: Call, collection: string, parent: { field: string; id: number; organization: unknown }, key: string, value: number, remove: boolean, fields: Fields): void {
  const row = findIn(call.world, collection, parent.field, parent.id, key, value)
  if (remove) {
    if (row !== undefined) call.world.write(collection).remove(row.id)
  } else if (row !== undefined) updateRecord(call.world, call.ctx.schemas, collection, row, defined(fields), call.now)
  else insertRecord(call.world, call.ctx.schemas, collection, defined({ [key]: value, ...fields, [parent.field]: parent.id, _organization_id: parent.organization }), call.now)
}

const PROJECT_ROLE: Readonly<Record<string, string>> = { project_manager: 'manager', project_viewer: 'viewer', project_user: 'user', organization_manager: 'manager' }

/** `POST /v2/organizations/{organization_id}/members`: a new user, their membership, and the projects and teams named. */
export function createMember(call: Call): TwinAnswer {
  const organization = reachable(call, 'Organization', pathId(call, 'organization_id'))
  const body = readBody(call)
  const input = body.user as Fields
  const email = String(input.email).toLowerCase()
  const users = call.world.read('User')?.rows() ?? []
  if (users.some((u) => String(u.email).toLowerCase() === email)) {
    throw new TwinError(422, { code: 'validation_record_not_unique', error: 'A record with these values already exists.', error_code: 11002 })
  }
  const projectIds = Array.isArray(body.project_ids) ? (body.project_ids as number[]) : []
  const teamIds = Array.isArray(body.team_ids) ? (body.team_ids as number[]) : []
  for (const id of projectIds) if (call.world.get('Project', id)?._organization_id !== organization.id) throw invalidParams(`project_ids has an unknown project ${id}`)
  for (const id of teamIds) if (call.world.get('Team', id)?._organization_id !== organization.id) throw invalidParams(`team_ids has an unknown team ${id}`)
  const metadata = mergeMetadata({}, body.metadata)
  const [first = '', ...rest] = (typeof input.name === 'string' ? input.name : '').split(' ')
  const firstName = typeof input.first_name === 'string' ? input.first_name : first || email.split('@')[0]
  const lastName = typeof input.last_name === 'string' ? input.last_name : rest.join(' ')
  const user = insertRecord(
    call.world,
    call.ctx.schemas,
    'User',
    { name: typeof input.name === 'string' ? input.name : `${firstName} ${lastName}`.trim(), first_name: firstName, last_name: lastName, email: input.email, time_zone: organization._time_zone ?? 'Etc/UTC', ip_address: '', status: 'active' },
    call.now,
  )
  const role = typeof body.role === 'string' ? body.role : 'project_user'
  const viewOnly = body.view_only === true
  const member = insertRecord(
    call.world,
    call.ctx.schemas,
    'OrganizationMember',
    defined({
      user_id: user.id,
      pay_rate: money(body.pay_rate),
      currency: 'USD',
      membership_role: role === 'organization_manager' ? 'manager' : 'user',
      membership_status: 'active',
      last_client_activity: null,
      pay_period: body.pay_period,
      period_week_day: body.period_week_day,
      period_start_day: body.period_start_day,
      period_second_start_day: body.period_second_start_day,
      trackable: viewOnly ? 'viewer' : 'true',
      effective_role: role,
      metadata,
      view_only: viewOnly,
      _organization_id: organization.id,
    }),
    call.now,
  )
  const stamp = timestamp(call.now)
  for (const id of projectIds) {
    upsert(call, 'ProjectMember', { field: '_project_id', id, organization: organization.id }, 'user_id', user.id, false, {
      membership_role: PROJECT_ROLE[role] ?? 'user',
      membership_status: 'active',
      currency: 'USD',
      last_client_activity: null,
      created_at: stamp,
    })
  }
  for (const id of teamIds) upsert(call, 'TeamMember', { field: '_team_id', id, organization: organization.id }, 'user_id', user.id, false, { role: 'user', lead: false })
  return recordAnswer(call, call.operation, 'OrganizationMember', member)
}

const ORG_ROLE: Readonly<Record<string, string>> = { owner: 'organization_owner', manager: 'organization_manager', user: 'project_user' }

/** `PUT /v2/organizations/{organization_id}/update_members`. */
export function updateOrganizationMembers(call: Call): TwinAnswer {
  const organization = reachable(call, 'Organization', pathId(call, 'organization_id'))
  const body = readBody(call)
  const changes = entries(body, 'members')
  const members = changes.map((change, i) => activeMember(call, organization.id, change.user_id, `members[${i}][user_id]`))
  const metadata = changes.map((change, i) => (change.metadata === undefined ? undefined : mergeMetadata((members[i] as Row).metadata, change.metadata)))
  changes.forEach((change, i) => {
    for (const [k, p] of entries(change, 'projects').entries()) {
      if (call.world.get('Project', p.project_id as number)?._organization_id !== organization.id) throw invalidParams(`members[${i}][projects][${k}][project_id] is not a project of the organization`)
    }
  })
  changes.forEach((change, i) => {
    const member = members[i] as Row
    const userId = member.user_id as number
    const payment = (change.payment ?? {}) as Fields
    if (change.role === 'remove') {
      updateRecord(call.world, call.ctx.schemas, 'OrganizationMember', member, { membership_status: 'removed', removed_at: timestamp(call.now) }, call.now)
      for (const collection of ['ProjectMember', 'TeamMember']) {
        for (const row of call.world.read(collection)?.bucket('user_id', userId) ?? []) {
          if (row._organization_id === organization.id) call.world.write(collection).remove(row.id)
        }
      }
      return
    }
    const fields = defined({
      membership_role: typeof change.role === 'string' ? change.role : undefined,
      effective_role: typeof change.role === 'string' ? ORG_ROLE[change.role] : undefined,
      trackable: typeof change.trackable === 'boolean' ? String(change.trackable) : undefined,
      view_only: change.view_only,
      pay_rate: money(payment.pay_rate),
      pay_period: payment.pay_period,
      period_week_day: payment.period_week_day,
      period_start_day: payment.period_start_day,
      period_second_start_day: payment.period_second_start_day,
      // "Specify full limits config": what is sent replaces what was there.
      limits: change.limits,
      metadata: metadata[i],
    })
    updateRecord(call.world, call.ctx.schemas, 'OrganizationMember', member, fields, call.now)
    if (change.first_name !== undefined || change.last_name !== undefined) {
      const user = call.world.get('User', userId)
      if (user !== undefined) {
        const first = typeof change.first_name === 'string' ? change.first_name : String(user.first_name)
        const last = typeof change.last_name === 'string' ? change.last_name : String(user.last_name)
        updateRecord(call.world, call.ctx.schemas, 'User', user, { first_name: first, last_name: last, name: `${first} ${last}`.trim() }, call.now)
      }
    }
    for (const p of entries(change, 'projects')) {
      const id = p.project_id as number
      upsert(call, 'ProjectMember', { field: '_project_id', id, organization: organization.id }, 'user_id', userId, p.role === 'remove', { membership_role: p.role, membership_status: 'active' })
    }
  })
  return success(call)
}

/** `PUT /v2/projects/{project_id}/update_members`: members of the project's organization only. */
export function updateProjectMembers(call: Call): TwinAnswer {
  const project = reachable(call, 'Project', pathId(call, 'project_id'))
  const changes = entries(readBody(call), 'members')
  changes.forEach((change, i) => {
    if (change.role !== 'remove') activeMember(call, project._organization_id, change.user_id, `members[${i}][user_id]`)
  })
  for (const change of changes) {
    upsert(call, 'ProjectMember', { field: '_project_id', id: project.id, organization: project._organization_id }, 'user_id', change.user_id as number, change.role === 'remove', {
      membership_role: change.role ?? 'user',
      membership_status: 'active',
      pay_rate: money(change.pay_rate),
      bill_rate: money(change.bill_rate),
    })
  }
  return success(call)
}

/** `PUT /v2/teams/{team_id}/update_members`. */
export function updateTeamMembers(call: Call): TwinAnswer {
  const team = reachable(call, 'Team', pathId(call, 'team_id'))
  const changes = entries(readBody(call), 'members')
  changes.forEach((change, i) => {
    if (change.role !== 'remove') activeMember(call, team._organization_id, change.user_id, `members[${i}][user_id]`)
  })
  for (const change of changes) {
    upsert(call, 'TeamMember', { field: '_team_id', id: team.id, organization: team._organization_id }, 'user_id', change.user_id as number, change.role === 'remove', {
      role: change.role ?? 'user',
      lead: typeof change.lead === 'boolean' ? change.lead : undefined,
    })
  }
  return success(call)
}

/** `PUT /v2/teams/{team_id}/update_projects`. */
export function updateTeamProjects(call: Call): TwinAnswer {
  const team = reachable(call, 'Team', pathId(call, 'team_id'))
  const changes = entries(readBody(call), 'projects')
  changes.forEach((change, i) => {
    if (call.world.get('Project', change.project_id as number)?._organization_id !== team._organization_id) throw invalidParams(`projects[${i}][project_id] is not a project of the organization`)
  })
  for (const change of changes) {
    upsert(call, 'TeamProject', { field: '_team_id', id: team.id, organization: team._organization_id }, 'project_id', change.project_id as number, change.remove === true, {})
  }
  return success(call)
}

/** `GET /v2/teams/{team_id}/projects`. */
export function teamProjects(call: Call): TwinAnswer {
  return answerList(call, 'TeamProject', { param: 'team_id', field: '_team_id' })
}

/** `POST /v2/organizations/{organization_id}/invites/bulk`: each invite stored as a single one would be. */
export function bulkInvites(call: Call): TwinAnswer {
  const organization = reachable(call, 'Organization', pathId(call, 'organization_id'))
  const invites = entries(readBody(call), 'invites').map((invite) =>
    insertRecord(
      call.world,
      call.ctx.schemas,
      'Invite',
      defined({
        email: invite.email,
        role: invite.role ?? 'project_user',
        pay_rate: money(invite.pay_rate),
        project_ids: Array.isArray(invite.project_ids) ? invite.project_ids : [],
        trackable: invite.trackable ?? true,
        status: 'pending',
        invited_by_id: call.world.me,
        _organization_id: organization.id,
      }),
      call.now,
    ),
  )
  const rendered = invites.map((row) => call.ctx.renderer.text('Invite', row, call.world))
  return jsonAnswer(call.operation.ok.kind === 'none' ? 200 : call.operation.ok.status, `{"invites":[${rendered.join(',')}]}`, RECORD_CACHE, call)
}
