// `mock import`: recordings become the twin's organization. Each recorded record is kept exactly
// as recorded (redactions too), links that were only in the request path are added, and what
// was not recorded is made up to fit: the project of a recorded task, the user of a recorded
// activity, and tracked time when none was recorded.
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { Dataset, Row } from '../src/twin/dataset.js'
import { parseFixtures } from '../src/twin/fixtures.js'
import { LINKS, WITHOUT_ID } from '../src/twin/generate/collections.js'
import { datasetFromRecordings } from '../src/twin/import.js'
import { runCli } from './helpers/cli-in-process.js'
import { plant } from './helpers/recordings.js'

const NOW = Date.parse('2026-12-04T15:20:00Z')
const OPTIONS = { seed: 'import', size: 'small', now: NOW } as const
const T = '2026-01-05T09:00:00Z'

const ME = { id: 5001, name: 'Ada Lovelace', first_name: 'Ada', last_name: 'Lovelace', email: '[REDACTED]', time_zone: 'Europe/London', ip_address: '81.2.69.160', status: 'active', created_at: T, updated_at: T }
const GRACE = { id: 5002, name: 'Grace Hopper', first_name: 'Grace', last_name: 'Hopper', email: 'grace@navy.test', time_zone: 'America/New_York', ip_address: '68.1.2.3', status: 'active', created_at: T, updated_at: T }
const ORG = { id: 1001, name: 'Engines Ltd', status: 'active', created_at: T, updated_at: T, member_profile_fields: [], metadata: {}, invite_url: 'https://app.hubstaff.com/invites/abc' }
const member = (userId: number, role: string) => ({ user_id: userId, membership_role: role, membership_status: 'active', created_at: T, updated_at: T, last_client_activity: T, trackable: 'true', effective_role: role === 'owner' ? 'organization_owner' : 'project_user', metadata: {}, view_only: false })
const TASK = { id: 900, status: 'active', project_id: 20001, project_type: 'project', summary: 'Punch the cards', assignee_ids: [5002], metadata: {}, created_at: T, updated_at: T }
const PROJECT_MEMBER = { user_id: 5002, membership_role: 'user', membership_status: 'active', created_at: T, updated_at: T, last_client_activity: T }

function plantOrganization(dir: string): void {
  plant(dir, 'GET', '/v2/users/me', 200, { user: ME })
  plant(dir, 'GET', '/v2/organizations', 200, { organizations: [ORG] })
  plant(dir, 'GET', '/v2/organizations/1001/members?include=users', 200, { members: [member(5001, 'owner'), member(5002, 'user')], users: [GRACE] })
  plant(dir, 'GET', '/v2/projects/20001/tasks', 200, { tasks: [TASK], pagination: { next_page_start_id: 901 } })
  plant(dir, 'GET', '/v2/projects/20001/members', 200, { members: [PROJECT_MEMBER] })
  // Not records of the organization: refusals, empty replies and daily sums.
  plant(dir, 'GET', '/v2/projects/404', 404, { code: 'not_found', error: 'Could not find record' })
  plant(dir, 'GET', '/v2/organizations/1001/activities/daily?date[start]=2026-01-01&date[stop]=2026-01-02', 200, { daily_activities: [{ id: 1, date: '2026-01-01', user_id: 5002, tracked: 60 }] })
}

const without = (row: Row, collection: string): Record<string, unknown> =>
  Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith('_') && !(k === 'id' && WITHOUT_ID.has(collection))))

function unresolved(d: Dataset): string[] {
  const ids = new Map(Object.entries(d.collections).map(([name, rows]) => [name, new Set(rows.map((r) => r.id))]))
  const out: string[] = []
  for (const [name, rows] of Object.entries(d.collections)) {
    for (const row of rows) {
      for (const [field, value] of Object.entries(row)) {
        const target = LINKS[field]
        if (target === undefined) continue
        for (const id of Array.isArray(value) ? value : [value]) if (!ids.get(target)?.has(id as number)) out.push(`${name} ${row.id}.${field} → ${target} ${String(id)}`)
      }
    }
  }
  return out
}

void t.test('recorded records are kept as recorded and the rest is made up around them', async (t) => {
  const dir = t.testdir()
  plantOrganization(dir)
  const d = await datasetFromRecordings(dir, OPTIONS)
  t.equal(d.me, 5001, 'me: the user /v2/users/me answered')
  t.same(d.collections.Organization?.map((r) => without(r, 'Organization')), [ORG], 'the organization as recorded')
  const users = new Map((d.collections.User ?? []).map((u) => [u.id, u]))
  t.same(users.get(5001), ME, 'me as recorded, the redacted email still redacted')
  t.same(users.get(5002), GRACE, 'a side-loaded user as recorded')
  const members = d.collections.OrganizationMember ?? []
  t.same(members.map((m) => without(m, 'OrganizationMember')), [member(5001, 'owner'), member(5002, 'user')], 'members as recorded')
  t.ok(members.every((m) => m._organization_id === 1001 && Number.isSafeInteger(m.id)), 'in the organization of the path, numbered')
  t.same(d.collections.Task?.map((r) => without(r, 'Task')), [TASK], 'the task as recorded')
  const [pm] = d.collections.ProjectMember ?? []
  t.same(pm === undefined ? undefined : without(pm, 'ProjectMember'), PROJECT_MEMBER)
  t.equal(pm?._project_id, 20001, 'a project member knows its project from the path')
  const [project] = d.collections.Project ?? []
  t.match(project, { id: 20001, _organization_id: 1001, status: 'active', type: 'project' }, 'the recorded task’s project is made up, in the organization')
  t.ok(typeof project?.name === 'string' && project.name !== '', 'with a name')
  t.notOk('DailyActivity' in d.collections, 'daily sums are left to the twin')
  // No time was recorded: Grace tracks on her task, as the seeded generator would have her.
  const activities = d.collections.Activity ?? []
  t.ok(activities.length > 50, `${activities.length} activities made up`)
  t.ok(activities.every((a) => a.user_id === 5002 && a.task_id === 900 && a.project_id === 20001 && a._organization_id === 1001), 'by the member, on her task')
  t.same(unresolved(d), [], 'every link resolves')
  t.end()
})

void t.test('recorded activities are kept; their users and tasks are made up when missing', async (t) => {
  const dir = t.testdir()
  plantOrganization(dir)
  const activity = { id: 77, date: '2026-12-03', created_at: T, updated_at: T, time_slot: '2026-12-03T10:00:00Z', starts_at: '2026-12-03T10:00:00Z', user_id: 5003, project_id: 20001, task_id: 901, keyboard: 100, mouse: 120, overall: 200, tracked: 600, input_tracked: 600, tracks_input: true, billable: true, paid: false, client_invoiced: false, team_invoiced: false, immutable: false, time_type: 'normal', client: 'mac' }
  plant(dir, 'GET', '/v2/organizations/1001/activities?time_slot[start]=2026-12-03T00:00:00Z&time_slot[stop]=2026-12-04T00:00:00Z', 200, { activities: [activity] })
  plant(dir, 'GET', '/v2/teams/31/members', 200, { team_members: [{ user_id: 5002, role: 'user', lead: false, created_at: T, updated_at: T }] })
  const d = await datasetFromRecordings(dir, OPTIONS)
  t.same(d.collections.Activity?.map((r) => without(r, 'Activity')), [activity], 'only the recorded activity')
  t.equal(d.collections.Activity?.[0]?._organization_id, 1001)
  const user = (d.collections.User ?? []).find((u) => u.id === 5003)
  t.match(user, { id: 5003, status: 'active' }, 'the activity’s user is made up')
  t.ok((d.collections.OrganizationMember ?? []).some((m) => m.user_id === 5003 && m._organization_id === 1001), 'as a member of the organization')
  t.match((d.collections.Task ?? []).find((task) => task.id === 901), { project_id: 20001 }, 'its task too, in its project')
  t.match(d.collections.TeamMember?.[0], { _team_id: 31, user_id: 5002 }, 'a team member knows its team from the path')
  t.match(d.collections.Team?.[0], { id: 31 }, 'and the team is made up')
  t.same(unresolved(d), [], 'every link resolves')
  t.end()
})

void t.test('a folder without recordings, or with a broken one, is refused naming it', async (t) => {
  const empty = t.testdir()
  await t.rejects(datasetFromRecordings(empty, OPTIONS), /no recordings \(\.har files\) in/)
  const broken = t.testdir({ 'get_v2_users_me_0123456789ab.har': '{"log": ' })
  await t.rejects(datasetFromRecordings(broken, OPTIONS), /get_v2_users_me_0123456789ab\.har is not valid JSON/)
})

void t.test('`mock import DIR --out FILE` writes fixtures that --mock-fixtures loads, readable by its owner only', async (t) => {
  const dir = t.testdir()
  plantOrganization(dir)
  const out = join(dir, 'fixtures.json')
  const written = await runCli(['mock', 'import', dir, '--out', out, '--mock-seed', 'import'])
  t.equal(written.code, 0, written.stderr)
  t.match(written.stdout, /^mock import: wrote .*fixtures\.json from .* \(.*\b1 Task\b.*\b\d+ Activity\b.*\)\n$/)
  t.equal(statSync(out).mode & 0o777, 0o600, 'mode 0600')
  const body = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>
  t.equal(body.me, 5001)
  const loaded = parseFixtures(body, { now: Date.now() })
  // Loading completes what Hubstaff's answer left out (a task's lock_version); nothing else changes.
  t.match(loaded.collections.Task, body.Task, 'the file loads as it was written')
  t.equal(loaded.collections.Activity?.length, (body.Activity as Row[]).length)
  const printed = await runCli(['mock', 'import', dir])
  t.equal(printed.code, 0)
  t.match(JSON.parse(printed.stdout), { me: 5001, Organization: [{ id: 1001 }] }, 'without --out, the JSON goes to standard output')
  const usage = await runCli(['mock', 'export'])
  t.equal(usage.code, 2)
  t.match(usage.stderr, /usage: hubstaff-gateway mock import \[DIR\] \[--out FILE\]/)
  writeFileSync(join(dir, 'not-a-folder'), '')
  const notDir = await runCli(['mock', 'import', join(dir, 'not-a-folder')])
  t.equal(notDir.code, 2)
  t.match(notDir.stderr, /is not a folder/)
})
