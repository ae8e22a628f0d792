import { RECORD_CACHE, jsonAnswer, type TwinAnswer } from '../answer.js'
import { pathId, reachable } from '../access.js'
import type { Call } from '../context.js'
import { notFound } from '../errors.js'
import { checkLock, insertRecord, mergeMetadata, readBody, recordAnswer, timestamp, update, updateRecord } from '../write.js'
import { answeredCollection, lastPathParam, target } from './shared.js'

/** Single-record operations that are not a plain update: metadata, status changes, the token's user. */

export function usersMe(call: Call): TwinAnswer {
  const me = call.world.get('User', call.world.me)
  if (me === undefined) throw notFound()
  return recordAnswer(call, call.operation, 'User', me)
}

/** `update_metadata`: only the keys sent change; a `null` value removes its key. */
export function updateMetadata(call: Call): TwinAnswer | undefined {
  const found = target(call)
  if (found === undefined) return undefined
  const body = readBody(call)
  checkLock(found.row, body)
  const metadata = mergeMetadata(found.row.metadata, body.metadata)
  return recordAnswer(call, call.operation, found.collection, updateRecord(call.world, call.ctx.schemas, found.collection, found.row, { metadata }, call.now))
}

/** A plain update of the answered record (PUT /v2/tasks/{task_id}, whose body requires `lock_version`). */
export function updateAnswered(call: Call): TwinAnswer | undefined {
  const collection = answeredCollection(call)
  const param = lastPathParam(call)
  return collection === undefined || param === undefined ? undefined : update(call, collection, param)
}

/** An operation that sets fields of its record to fixed values (archive, restore, activate). */
export function setFields(fields: Readonly<Record<string, unknown>>) {
  return (call: Call): TwinAnswer | undefined => {
    const found = target(call)
    if (found === undefined) return undefined
    return recordAnswer(call, call.operation, found.collection, updateRecord(call.world, call.ctx.schemas, found.collection, found.row, fields, call.now))
  }
}

/** `toggle_status`: `{"enabled": bool}` sets the rule's `enabled`. */
export function toggleStatus(call: Call): TwinAnswer | undefined {
  const found = target(call)
  if (found === undefined) return undefined
  const body = readBody(call)
  return recordAnswer(call, call.operation, found.collection, updateRecord(call.world, call.ctx.schemas, found.collection, found.row, { enabled: body.enabled }, call.now))
}

/** `POST /v2/users/me/webhooks`: a webhook of the token's user, pending until activated. */
export function createMyWebhook(call: Call): TwinAnswer {
  const body = readBody(call)
  const row = insertRecord(call.world, call.ctx.schemas, 'Webhook', { target_url: body.target_url, events: body.events, status: 'pending', _user_id: call.world.me }, call.now)
  return recordAnswer(call, call.operation, 'Webhook', row)
}

/** `POST /v2/organizations`: the new organization, with the token's user as its owner. */
export function createOrganization(call: Call): TwinAnswer {
  const body = readBody(call)
  const organization = insertRecord(call.world, call.ctx.schemas, 'Organization', { name: body.name, status: 'active', member_profile_fields: [], metadata: {} }, call.now)
  const stamp = timestamp(call.now)
  insertRecord(
    call.world,
    call.ctx.schemas,
    'OrganizationMember',
    {
      user_id: call.world.me,
      membership_role: 'owner',
      membership_status: 'active',
      effective_role: 'organization_owner',
      trackable: 'true',
      view_only: false,
      metadata: {},
      last_client_activity: null,
      created_at: stamp,
      updated_at: stamp,
      _organization_id: organization.id,
    },
    call.now,
  )
  const url = `https://app.hubstaff.com/organizations/${organization.id}/invite`
  const row = updateRecord(call.world, call.ctx.schemas, 'Organization', organization, { invite_url: url }, call.now)
  return recordAnswer(call, call.operation, 'Organization', row)
}

/**
 * `GET /v2/organizations/{organization_id}/seats`: the seats paid for as stored, the seats taken
 * counted from the active members, so that adding or removing a member shows here.
 */
export function organizationSeats(call: Call): TwinAnswer {
  const organization = reachable(call, 'Organization', pathId(call, 'organization_id'))
  const members = call.world.read('OrganizationMember')?.bucket('_organization_id', organization.id) ?? []
  const occupied = members.filter((m) => m.membership_status !== 'removed' && m.removed_at == null).length
  const stored = call.world.read('OrganizationSeat')?.bucket('_organization_id', organization.id)[0]
  const paid = Math.max(typeof stored?.paid === 'number' ? stored.paid : 0, occupied)
  return recordAnswer(call, call.operation, 'OrganizationSeat', { id: stored?.id ?? organization.id, paid, occupied, open: paid - occupied })
}

/** `GET /v2/error_codes`: the codes the twin's own refusals are drawn from. */
export function errorCodes(call: Call): TwinAnswer | undefined {
  const stored = call.world.read('ErrorCode')
  if (stored === undefined || stored.size === 0) return undefined
  const rows = stored.rows().map((row) => call.ctx.renderer.text('ErrorCode', row, call.world))
  return jsonAnswer(200, `{"error_codes":[${rows.join(',')}]}`, RECORD_CACHE, call)
}

/** `GET /v2/organizations/{organization_id}/work_break_projects`: the organization's break project (of those named, when some are). */
export function workBreakProject(call: Call): TwinAnswer {
  const organization = reachable(call, 'Organization', pathId(call, 'organization_id'))
  const wanted = call.query.get('project_ids')?.map(Number)
  const row = (call.world.read('WorkBreakProject')?.bucket('_organization_id', organization.id) ?? []).find((p) => wanted === undefined || wanted.includes(p.id))
  if (row === undefined) throw notFound()
  return recordAnswer(call, call.operation, 'WorkBreakProject', row)
}
