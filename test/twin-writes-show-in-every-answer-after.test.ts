// What an app writes, the twin keeps: a created record shows in its lists and by id, an update
// with a stale lock_version loses, a deleted record is gone (or shows its archived status), time
// added by hand becomes activity, and a write-only field is never echoed.
import t from 'tap'
import { SCHEMAS } from '../src/api/description.js'
import { World } from '../src/twin/world.js'
import { MAX_NEW_RECORDS } from '../src/twin/write.js'
import { ME, NOW, ORG, ask, smallDataset, smallWorld, twinEngine, walk } from './helpers/twin-world.js'

const engine = twinEngine()
const ids = (records: { id: number }[]) => records.map((r) => r.id)

void t.test('a created task gets a fresh id and shows in its lists and by id', (t) => {
  const world = smallWorld()
  const created = ask(engine, world, 'POST', '/v2/projects/2001/tasks', { body: { summary: 'Write the guide', assignee_ids: [502] } })
  t.equal(created.status, 200, 'Hubstaff answers 200 to a created task')
  const task = created.json().task
  t.match(task, { summary: 'Write the guide', assignee_ids: [502], lock_version: 0, status: 'active', project_id: 2001, created_at: '2026-12-05T12:00:00.000000Z' })
  t.ok(task.id > 3101, 'above every id the collection held')
  t.same(ask(engine, world, 'GET', `/v2/tasks/${task.id}`).json(), { task })
  t.ok(ids(walk(engine, world, '/v2/projects/2001/tasks', 2).records).includes(task.id))
  t.ok(ids(walk(engine, world, `/v2/organizations/${ORG}/tasks?user_ids=502`, 2).records).includes(task.id), 'and in the organization list, by its assignee')
  t.notOk(ids(walk(engine, world, '/v2/projects/2002/tasks', 2).records).includes(task.id))
  t.end()
})

void t.test('an id is never handed out twice, even after a delete', (t) => {
  const world = smallWorld()
  const first = ask(engine, world, 'POST', `/v2/organizations/${ORG}/webhooks`, { body: { events: ['task.created'], target_url: 'https://example.com/a' } }).json().webhook
  t.equal(ask(engine, world, 'DELETE', `/v2/webhooks/${first.id}`).status, 204)
  t.equal(ask(engine, world, 'GET', `/v2/webhooks/${first.id}`).status, 404)
  const second = ask(engine, world, 'POST', `/v2/organizations/${ORG}/webhooks`, { body: { events: ['task.created'], target_url: 'https://example.com/b' } }).json().webhook
  t.ok(second.id > first.id)
  t.equal(ask(engine, world, 'DELETE', `/v2/webhooks/${first.id}`).status, 404, 'deleting twice finds nothing')
  t.end()
})

void t.test('an update with a stale lock_version is refused and changes nothing', (t) => {
  const world = smallWorld()
  const before = ask(engine, world, 'GET', '/v2/tasks/3002').json().task
  const updated = ask(engine, world, 'PUT', '/v2/tasks/3002', { body: { lock_version: before.lock_version, status: 'completed', assignee_id: 503 } })
  t.equal(updated.status, 200)
  t.match(updated.json().task, { lock_version: before.lock_version + 1, status: 'completed', assignee_ids: [503], updated_at: '2026-12-05T12:00:00.000000Z' })
  const stale = ask(engine, world, 'PUT', '/v2/tasks/3002', { body: { lock_version: before.lock_version, summary: 'Lost race' } })
  t.equal(stale.status, 422)
  t.same(stale.json(), { code: 'stale_object', error: 'The record has been modified. Please refresh and try again.', error_code: 11003 })
  t.same(ask(engine, world, 'GET', '/v2/tasks/3002').json(), updated.json())
  const metadata = ask(engine, world, 'PUT', '/v2/tasks/3002/update_metadata', { body: { lock_version: before.lock_version, metadata: [{ key: 'sprint', value: '7' }] } })
  t.equal(metadata.status, 422, 'metadata updates check the lock too')
  t.end()
})

void t.test('metadata changes only the keys sent, and null removes one', (t) => {
  const world = smallWorld()
  const put = (metadata: unknown) => ask(engine, world, 'PUT', `/v2/organizations/${ORG}/update_metadata`, { body: { metadata } })
  t.same(put([{ key: 'region', value: 'eu' }]).json().organization.metadata, { crm: 'A-1', region: 'eu' })
  t.same(ask(engine, world, 'GET', `/v2/organizations/${ORG}`).json().organization.metadata, { crm: 'A-1', region: 'eu' })
  // Hubstaff documents `null` as "remove this key", so the description lets `value` be null.
  const value = (SCHEMAS.MetadataUpdate?.properties?.metadata?.items?.properties?.value ?? {}) as { nullable?: boolean }
  t.equal(value.nullable, true, 'the description accepts a null value')
  t.same(put([{ key: 'crm', value: null }]).json().organization?.metadata, { region: 'eu' }, 'a null value removes its key')
  t.end()
})

void t.test('a deleted task keeps its record with status deleted, out of the active lists', (t) => {
  const world = smallWorld()
  t.equal(ask(engine, world, 'DELETE', '/v2/tasks/3004').status, 204)
  t.equal(ask(engine, world, 'GET', '/v2/tasks/3004').json().task.status, 'deleted')
  t.notOk(ids(walk(engine, world, `/v2/organizations/${ORG}/tasks?status=active`, 3).records).includes(3004))
  t.ok(ids(walk(engine, world, `/v2/organizations/${ORG}/tasks?status=deleted`, 3).records).includes(3004))
  t.end()
})

void t.test('a new member shows with their user, and the password never comes back', (t) => {
  const world = smallWorld()
  const created = ask(engine, world, 'POST', `/v2/organizations/${ORG}/members`, {
    body: { user: { email: 'kat@example.com', password: 'hunter2-secret', first_name: 'Katherine', last_name: 'Johnson' }, role: 'project_manager', project_ids: [2002] },
  })
  t.equal(created.status, 201)
  t.notMatch(created.text, /hunter2/)
  const member = created.json().organization_member
  t.match(member, { membership_role: 'user', effective_role: 'project_manager', user: { name: 'Katherine Johnson', email: 'kat@example.com' } })
  const users = walk(engine, world, `/v2/organizations/${ORG}/members?include=users`, 2)
  t.ok(users.records.some((m) => m.user_id === member.user_id))
  t.same(ask(engine, world, 'GET', `/v2/users/${member.user_id as number}`).json().user, member.user)
  t.ok(walk(engine, world, '/v2/projects/2002/members', 5).records.some((m) => m.user_id === member.user_id && m.membership_role === 'manager'))
  t.notMatch(JSON.stringify(world.toDataset()), /hunter2/, 'nor is it stored')
  const again = ask(engine, world, 'POST', `/v2/organizations/${ORG}/members`, { body: { user: { email: 'KAT@example.com', password: 'x' } } })
  t.equal(again.status, 422, 'an email already taken')
  t.end()
})

void t.test('time added by hand becomes activity slots, daily totals and the last activity', (t) => {
  const world = smallWorld()
  const entry = ask(engine, world, 'POST', `/v2/users/${ME}/time_entries`, { body: { project_id: 2002, task_id: 3004, start_time: '2026-12-05T10:05:00Z', tracked: 1500 } })
  t.equal(entry.status, 201)
  t.same(entry.json(), { success: true })
  const slots = walk(engine, world, `/v2/organizations/${ORG}/activities?time_slot[start]=2026-12-05T00:00:00Z&time_slot[stop]=2026-12-06T00:00:00Z&task_ids=3004`, 10).records
  t.same(
    slots.map((s) => [s.time_slot, s.starts_at, s.tracked]),
    [
      ['2026-12-05T10:00:00Z', '2026-12-05T10:05:00Z', 300],
      ['2026-12-05T10:10:00Z', '2026-12-05T10:10:00Z', 600],
      ['2026-12-05T10:20:00Z', '2026-12-05T10:20:00Z', 600],
    ],
  )
  const daily = ask(engine, world, 'GET', `/v2/organizations/${ORG}/activities/daily?date[start]=2026-12-05&date[stop]=2026-12-05&task_ids=3004`).json().daily_activities
  t.match(daily, [{ user_id: ME, project_id: 2002, task_id: 3004, date: '2026-12-05', tracked: 1500, manual: 1500, billable: 1500, keyboard: 0 }], 'billable as the project is')
  const last = ask(engine, world, 'GET', `/v2/organizations/${ORG}/last_activities`).json().last_activities.find((a: { user_id: number }) => a.user_id === ME)
  t.match(last, { last_project_id: 2002, last_task_id: 3004, last_client_activity: '2026-12-05T10:30:00.000000Z', online: false })
  const mine = ask(engine, world, 'GET', `/v2/organizations/${ORG}/members?user_ids=${ME}`).json().members[0]
  t.equal(mine.last_client_activity, last.last_client_activity, 'the members list agrees')
  const overlap = ask(engine, world, 'POST', `/v2/users/${ME}/time_entries`, { body: { project_id: 2002, start_time: '2026-12-05T10:25:00Z', tracked: 600 } })
  t.equal(overlap.status, 422)
  t.match(overlap.json(), { error_code: 14103 })
  const wrongTask = ask(engine, world, 'POST', `/v2/users/${ME}/time_entries`, { body: { project_id: 2001, task_id: 3004, start_time: '2026-12-05T11:00:00Z', tracked: 60 } })
  t.match(wrongTask.json(), { error_code: 14201 })
  const noProject = ask(engine, world, 'POST', `/v2/users/${ME}/time_entries`, { body: { project_id: 9, start_time: '2026-12-05T11:00:00Z', tracked: 60 } })
  t.match(noProject.json(), { error_code: 14200 })
  t.equal(ask(engine, world, 'POST', '/v2/users/9999/time_entries', { body: { project_id: 2002, start_time: '2026-12-05T11:00:00Z', tracked: 60 } }).status, 404)
  t.equal(NOW, Date.parse('2026-12-05T12:00:00Z'))
  t.end()
})

void t.test('members removed through update_members leave the lists unless removed ones are asked for', (t) => {
  const world = smallWorld()
  const done = ask(engine, world, 'PUT', `/v2/organizations/${ORG}/update_members`, { body: { members: [{ user_id: 503, role: 'remove' }, { user_id: 502, role: 'owner', projects: [{ project_id: 2002, role: 'viewer' }] }] } })
  t.same(done.json(), { success: true })
  const active = walk(engine, world, `/v2/organizations/${ORG}/members`, 2).records
  t.notOk(active.some((m) => m.user_id === 503))
  t.match(active.find((m) => m.user_id === 502), { membership_role: 'owner', effective_role: 'organization_owner' })
  const all = walk(engine, world, `/v2/organizations/${ORG}/members?include_removed=true`, 2).records
  t.match(all.find((m) => m.user_id === 503), { membership_status: 'removed', removed_at: '2026-12-05T12:00:00.000000Z' })
  t.notOk(walk(engine, world, '/v2/projects/2002/members', 2).records.some((m) => m.user_id === 503), 'gone from its projects too')
  t.ok(walk(engine, world, '/v2/projects/2002/members', 2).records.some((m) => m.user_id === 502 && m.membership_role === 'viewer'))
  const unknown = ask(engine, world, 'PUT', `/v2/organizations/${ORG}/update_members`, { body: { members: [{ user_id: 502, role: 'user' }, { user_id: 504, role: 'user' }] } })
  t.equal(unknown.status, 400, 'a user of another organization refuses the whole change')
  t.match(walk(engine, world, `/v2/organizations/${ORG}/members?user_ids=502`, 2).records, [{ membership_role: 'owner' }])
  t.end()
})

void t.test('project and team memberships, decisions and toggles are stored', (t) => {
  const world = smallWorld()
  t.same(ask(engine, world, 'PUT', '/v2/projects/2001/update_members', { body: { members: [{ user_id: 503, role: 'manager', pay_rate: 30 }, { user_id: 502, role: 'remove' }] } }).json(), { success: true })
  const crew = walk(engine, world, '/v2/projects/2001/members', 5).records.map((m) => [m.user_id, m.membership_role])
  t.same(crew, [[ME, 'manager'], [503, 'manager']])
  const team = ask(engine, world, 'POST', `/v2/organizations/${ORG}/teams`, { body: { name: 'Platform' } }).json().team
  t.equal(ask(engine, world, 'PUT', `/v2/teams/${team.id as number}/update_members`, { body: { members: [{ user_id: 502, role: 'user', lead: true }] } }).status, 200)
  t.equal(ask(engine, world, 'PUT', `/v2/teams/${team.id as number}/update_projects`, { body: { projects: [{ project_id: 2001 }, { project_id: 2002 }] } }).status, 200)
  ask(engine, world, 'PUT', `/v2/teams/${team.id as number}/update_projects`, { body: { projects: [{ project_id: 2001, remove: true }] } })
  t.match(walk(engine, world, `/v2/teams/${team.id as number}/members`, 5).records, [{ user_id: 502, role: 'user', lead: true }])
  t.match(walk(engine, world, `/v2/teams/${team.id as number}/projects`, 5).records, [{ project_id: 2002 }])
  const org = ask(engine, world, 'POST', '/v2/organizations', { body: { name: 'Side project' } }).json().organization
  t.ok(ask(engine, world, 'GET', '/v2/organizations').json().organizations.some((o: { id: number }) => o.id === org.id), 'a new organization belongs to the token user')
  t.match(ask(engine, world, 'GET', `/v2/organizations/${org.id as number}/seats`).json(), { organization_seat: { occupied: 1 } })
  const hook = ask(engine, world, 'POST', '/v2/users/me/webhooks', { body: { events: ['x'], target_url: 'https://example.com/h' } }).json().webhook
  t.equal(hook.status, 'pending')
  t.equal(ask(engine, world, 'POST', `/v2/webhooks/${hook.id as number}/activate`).json().webhook.status, 'active')
  t.end()
})

void t.test('time off decisions follow Hubstaff\'s transitions; rules toggle; policies archive and restore', (t) => {
  const base = smallDataset()
  const stamp = '2026-11-01T00:00:00.000000Z'
  const world = World.fromDataset({
    ...base,
    collections: {
      ...base.collections,
      TimeOffRequest: [
        { id: 61, _organization_id: ORG, user_id: 502, time_off_policy_id: 71, status: 'submitted', paid: true, created_at: stamp, updated_at: stamp },
        { id: 62, _organization_id: ORG, user_id: 502, time_off_policy_id: 71, status: 'approved', paid: true, team_payment_id: 5, created_at: stamp, updated_at: stamp },
      ],
      TimeOffPolicy: [{ id: 71, _organization_id: ORG, organization_id: ORG, name: 'Vacation', status: 'active', created_at: stamp, updated_at: stamp }],
      SmartNotificationRule: [{ id: 81, _organization_id: ORG, name: 'Idle', enabled: true, created_at: stamp, updated_at: stamp }],
    },
  })
  const decide = (body: unknown) => ask(engine, world, 'PUT', '/v2/time_off_requests/61/status', { body })
  t.equal(ask(engine, world, 'PUT', '/v2/time_off_requests/62/status', { body: { status: 'approved' } }).status, 400, 'a request paid out cannot change')
  t.equal(decide({ status: 'cancelled' }).status, 400)
  t.equal(decide({ status: 'denied' }).status, 400, 'a denial needs a response')
  t.match(decide({ status: 'approved' }).json(), { time_off_request: { status: 'approved', approved_by_id: ME } })
  t.match(decide({ status: 'approved' }).json(), { time_off_request: { status: 'approved' } }, 'approving again changes nothing')
  t.match(decide({ status: 'denied', response: 'Team offsite' }).json(), { time_off_request: { status: 'denied', response: 'Team offsite', denied_by_id: ME } })
  t.match(ask(engine, world, 'GET', '/v2/time_off_requests/61').json(), { time_off_request: { status: 'denied' } })
  t.match(ask(engine, world, 'PATCH', '/v2/insights/smart_notification_rules/81/toggle_status', { body: { enabled: false } }).json(), { smart_notification_rule: { enabled: false } })
  t.match(ask(engine, world, 'GET', '/v2/insights/smart_notification_rules/81').json(), { smart_notification_rule: { enabled: false } })
  t.equal(ask(engine, world, 'POST', '/v2/time_off_policies/71/archive').status, 200)
  t.match(ask(engine, world, 'GET', '/v2/time_off_policies/71').json(), { time_off_policy: { status: 'archived' } })
  ask(engine, world, 'POST', '/v2/time_off_policies/71/restore')
  t.match(ask(engine, world, 'GET', '/v2/time_off_policies/71').json(), { time_off_policy: { status: 'active' } })
  t.equal(ask(engine, world, 'POST', '/v2/time_off_policies/72/archive').status, 404)
  const adjust = (body: unknown) => ask(engine, world, 'POST', `/v2/organizations/${ORG}/time_off_balances`, { body: { reason: 'Carry-over', balance_adjustments: body } })
  t.match(adjust([{ time_off_policy_id: 71, user_ids: [502], amount: 28_800, modify_balance: 'add' }]).json(), { time_off_balance: { user_id: 502, time_off_policy_id: 71, policy_name: 'Vacation', amount: 28_800 } })
  t.match(adjust([{ time_off_policy_id: 71, user_ids: [502], amount: 3_600, modify_balance: 'add' }]).json(), { time_off_balance: { amount: 32_400 } })
  t.match(adjust([{ time_off_policy_id: 71, user_ids: [502], amount: 7_200, modify_balance: 'replace' }]).json(), { time_off_balance: { amount: 7_200 } })
  t.equal(adjust([{ time_off_policy_id: 71, user_ids: [504], amount: 1, modify_balance: 'add' }]).status, 400, 'a user of another organization')
  t.match(walk(engine, world, `/v2/organizations/${ORG}/time_off_balances?user_ids=502`, 5).records, [{ amount: 7_200 }])
  t.same(walk(engine, world, `/v2/organizations/${ORG}/time_off_policies/user_policies?user_id=502`, 5).records.map((p) => p.id), [71], 'the user now holds the policy')
  t.same(walk(engine, world, `/v2/organizations/${ORG}/time_off_policies/user_policies?user_id=503`, 5).records, [])
  t.equal(ask(engine, world, 'GET', `/v2/organizations/${ORG}/time_off_policies/user_policies`).status, 400, 'user_id is required')
  t.end()
})

void t.test('members show their project memberships when asked, by project status', (t) => {
  const world = smallWorld()
  const url = `/v2/organizations/${ORG}/members`
  t.notOk('project_members' in ask(engine, world, 'GET', `${url}?user_ids=${ME}`).json().members[0], 'not unless asked')
  const shown = ask(engine, world, 'GET', `${url}?user_ids=${ME}&include_projects=true&include=projects`).json()
  t.match(shown.members[0].project_members, [{ project_id: 2001, membership_role: 'manager', project_status: 'active', project_type: 'project' }])
  t.same(shown.projects.map((p: { id: number }) => p.id), [2001], 'and side-loads their projects')
  t.same(ask(engine, world, 'GET', `${url}?user_ids=${ME}&include_projects=true&project_statuses=archived`).json().members[0].project_members, [])
  t.end()
})

void t.test('invites sent in bulk are pending invites of the organization', (t) => {
  const world = smallWorld()
  const sent = ask(engine, world, 'POST', `/v2/organizations/${ORG}/invites/bulk`, { body: { invites: [{ email: 'a@example.com' }, { email: 'b@example.com', role: 'project_viewer', project_ids: [2001] }] } })
  t.equal(sent.status, 200)
  t.match(sent.json().invites, [{ email: 'a@example.com', status: 'pending', role: 'project_user', invited_by_id: ME }, { email: 'b@example.com', role: 'project_viewer', project_ids: [2001] }])
  const one = ask(engine, world, 'POST', `/v2/organizations/${ORG}/invites`, { body: { email: 'c@example.com' } }).json().invite
  t.match(one, { status: 'pending', invited_by_id: ME, role: 'project_user' })
  t.same(walk(engine, world, `/v2/organizations/${ORG}/invites`, 2).records.map((i) => i.email), ['a@example.com', 'b@example.com', 'c@example.com'])
  t.end()
})

void t.test('seats taken follow the members, and the paid ones hold', (t) => {
  const base = smallDataset()
  const world = World.fromDataset({ ...base, collections: { ...base.collections, OrganizationSeat: [{ id: 5, _organization_id: ORG, paid: 5, occupied: 3, open: 2 }] } })
  t.same(ask(engine, world, 'GET', `/v2/organizations/${ORG}/seats`).json(), { organization_seat: { paid: 5, occupied: 3, open: 2 } })
  ask(engine, world, 'POST', `/v2/organizations/${ORG}/members`, { body: { user: { email: 'new@example.com', password: 'p' } } })
  t.same(ask(engine, world, 'GET', `/v2/organizations/${ORG}/seats`).json(), { organization_seat: { paid: 5, occupied: 4, open: 1 } })
  t.end()
})

void t.test('a refused write stores none of itself', (t) => {
  const world = smallWorld()
  const before = JSON.stringify(world.toDataset())
  const badSecond = ask(engine, world, 'PUT', `/v2/organizations/${ORG}/update_members`, { body: { members: [{ user_id: 502, role: 'owner' }, { user_id: 503, metadata: [{ key: 'Not A Key', value: 'x' }] }] } })
  t.equal(badSecond.status, 400)
  const badMember = ask(engine, world, 'POST', `/v2/organizations/${ORG}/members`, { body: { user: { email: 'z@example.com', password: 'p' }, metadata: [{ key: 'X', value: 'y' }] } })
  t.equal(badMember.status, 400)
  const badProject = ask(engine, world, 'POST', `/v2/organizations/${ORG}/members`, { body: { user: { email: 'z@example.com', password: 'p' }, project_ids: [2101] } })
  t.equal(badProject.status, 400, 'a project of another organization')
  t.equal(JSON.stringify(world.toDataset()), before)
  t.end()
})

void t.test('a world takes a bounded number of new records, and a fork starts afresh', (t) => {
  const world = smallWorld()
  const before = walk(engine, world, '/v2/projects/2001/tasks', 100).records.length
  t.ok(world.admit(MAX_NEW_RECORDS - 1, MAX_NEW_RECORDS), 'all but one of the allowance taken')
  t.equal(ask(engine, world, 'POST', '/v2/projects/2001/tasks', { body: { summary: 'The last one', assignee_ids: [502] } }).status, 200, 'the last record fits')
  const refused = ask(engine, world, 'POST', '/v2/projects/2001/tasks', { body: { summary: 'One too many', assignee_ids: [502] } })
  t.equal(refused.status, 422, 'past the allowance: 422')
  t.match(refused.json(), { code: 'invalid_params', error: /reset/ }, 'saying how to make room')
  t.equal(walk(engine, world, '/v2/projects/2001/tasks', 100).records.length, before + 1, 'and nothing was stored')
  t.equal(ask(engine, world.fork(), 'POST', '/v2/projects/2001/tasks', { body: { summary: 'In a session', assignee_ids: [502] } }).status, 200, 'a fork (a session) has its own allowance')
  t.end()
})
