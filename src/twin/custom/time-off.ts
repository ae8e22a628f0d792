import type { TwinAnswer } from '../answer.js'
import { pathId, reachable } from '../access.js'
import type { Call } from '../context.js'
import type { Row } from '../dataset.js'
import { invalidParams } from '../errors.js'
import { answerList } from '../list.js'
import { insertRecord, readBody, recordAnswer, timestamp, updateRecord } from '../write.js'
import { activeMember, entries, target } from './shared.js'

/** Time off: the policies a user holds, balance adjustments, and decisions on requests. */

/** `GET .../time_off_policies/user_policies?user_id=`: the policies the user has a balance in. */
export function userPolicies(call: Call): TwinAnswer {
  const sibling = call.ctx.byTemplate.get(`GET ${call.operation.path.replace(/\/user_policies$/, '')}`)
  const scope = sibling?.twin.kind === 'list' ? sibling.twin.scope : undefined
  const userId = Number(call.query.get('user_id')?.[0])
  const held = new Set((call.world.read('TimeOffBalance')?.bucket('user_id', userId) ?? []).map((b) => b.time_off_policy_id))
  return answerList(call, 'TimeOffPolicy', scope, [{ test: (row) => held.has(row.id) }])
}

/**
 * `POST /v2/organizations/{organization_id}/time_off_balances`: each adjustment adds to or
 * replaces the balance of each user named, assigning the policy first where the user has none.
 */
export function adjustTimeOffBalances(call: Call): TwinAnswer {
  const organization = reachable(call, 'Organization', pathId(call, 'organization_id'))
  const adjustments = entries(readBody(call), 'balance_adjustments')
  adjustments.forEach((a, i) => {
    const policy = call.world.get('TimeOffPolicy', a.time_off_policy_id as number)
    if (policy === undefined || (policy._organization_id ?? policy.organization_id) !== organization.id) throw invalidParams(`balance_adjustments[${i}][time_off_policy_id] is not a policy of the organization`)
    for (const userId of a.user_ids as number[]) activeMember(call, organization.id, userId, `balance_adjustments[${i}][user_ids]`)
  })
  let last: Row | undefined
  for (const a of adjustments) {
    const policy = call.world.get('TimeOffPolicy', a.time_off_policy_id as number) as Row
    for (const userId of a.user_ids as number[]) {
      const held = call.world.read('TimeOffBalance')?.bucket('user_id', userId).find((b) => b.time_off_policy_id === policy.id)
      const amount = (a.modify_balance === 'replace' ? 0 : typeof held?.amount === 'number' ? held.amount : 0) + (a.amount as number)
      last =
        held === undefined
          ? insertRecord(call.world, call.ctx.schemas, 'TimeOffBalance', { user_id: userId, time_off_policy_id: policy.id, policy_name: policy.name, amount, _organization_id: organization.id }, call.now)
          : updateRecord(call.world, call.ctx.schemas, 'TimeOffBalance', held, { amount }, call.now)
    }
  }
  if (last === undefined) throw invalidParams('balance_adjustments is empty')
  return recordAnswer(call, call.operation, 'TimeOffBalance', last)
}

/** Hubstaff's allowed time-off decisions: from submitted either way, and an approval or denial reversed. */
const DECISIONS: Readonly<Record<string, readonly string[]>> = {
  submitted: ['approved', 'denied'],
  pending: ['approved', 'denied'],
  approved: ['denied'],
  denied: ['approved'],
}

export function decideTimeOff(call: Call): TwinAnswer | undefined {
  const found = target(call)
  if (found === undefined) return undefined
  const body = readBody(call)
  const status = body.status as string
  const from = String(found.row.status)
  // Paid out in a team payment, not merely under a paid policy (`paid` says the latter too).
  if (typeof found.row.team_payment_id === 'number') throw invalidParams('A paid time off request cannot be changed')
  // Deciding what is already decided changes nothing, as a repeated request should.
  if (status === from) return recordAnswer(call, call.operation, found.collection, found.row)
  if (!(DECISIONS[from] ?? []).includes(status)) throw invalidParams(`status cannot change from ${from} to ${status}`)
  if (status === 'denied' && (typeof body.response !== 'string' || body.response.trim() === '')) throw invalidParams('response is missing')
  const stamp = timestamp(call.now)
  const changes =
    status === 'approved'
      ? { status, approved_at: stamp, approved_by_id: call.world.me, denied_at: null, denied_by_id: null }
      : { status, response: body.response, denied_at: stamp, denied_by_id: call.world.me }
  return recordAnswer(call, call.operation, found.collection, updateRecord(call.world, call.ctx.schemas, found.collection, found.row, changes, call.now))
}
