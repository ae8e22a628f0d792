// `PUT /_gateway/mock/fixtures` bodies: a test writes only the records it cares about, in
// Hubstaff's shape, and gets a whole organization around them (internal links, memberships,
// plausible fields, timestamps); a mistake is refused with the list, index and field named.
import t from 'tap'
import { FixturesError, MAX_FIXTURE_RECORDS, parseFixtures } from '../src/twin/fixtures.js'
import { generateDataset } from '../src/twin/generate/index.js'
import { NO_OFFICIAL_SWAGGER, officialRecordValidators, publicFields } from './helpers/official-records.js'

const NOW = Date.parse('2026-12-04T15:20:00Z')
const STAMP = '2026-12-04T15:20:00.000000Z'

const small = {
  users: [
    { id: 5, name: 'Ada Lovelace', email: 'ada@engines.test' },
    { id: 6, first_name: 'Alan', last_name: 'Turing' },
  ],
  projects: [{ id: 70, name: 'Analytical Engine' }],
  project_members: [{ project_id: 70, user_id: 6 }],
  tasks: [{ id: 700, project_id: 70, summary: 'Punch the cards', assignee_ids: [6] }],
  activities: [{ id: 1, user_id: 6, project_id: 70, task_id: 700, time_slot: '2026-12-04T10:00:00Z', tracked: 540 }],
}

void t.test('a few records become a whole organization', (t) => {
  const d = parseFixtures(small, { now: NOW })
  const [org, ...others] = d.collections.Organization ?? []
  t.equal(others.length, 0, 'one organization, made up since none was given')
  t.equal(d.me, 5, 'me: the first user, who owns the organization')
  const members = d.collections.OrganizationMember ?? []
  t.same(members.map((m) => [m.user_id, m.membership_role, m._organization_id]), [[5, 'owner', org?.id], [6, 'user', org?.id]], 'every user is a member')
  t.ok(members.every((m) => Number.isSafeInteger(m.id)), 'members are numbered')
  const [member] = d.collections.ProjectMember ?? []
  t.equal(member?._project_id, 70, 'project_id becomes the internal link')
  t.notOk(member !== undefined && 'project_id' in member, 'and is not shown as a field Hubstaff does not have')
  const [user6] = (d.collections.User ?? []).filter((u) => u.id === 6)
  t.equal(user6?.name, 'Alan Turing', 'a name from first and last name')
  t.equal(user6?.created_at, STAMP, 'missing timestamps are now')
  const [task] = d.collections.Task ?? []
  t.match(task, { status: 'active', project_id: 70, _organization_id: org?.id, lock_version: 0, metadata: {} })
  const [activity] = d.collections.Activity ?? []
  t.match(activity, { date: '2026-12-04', starts_at: '2026-12-04T10:00:00Z', tracked: 540, input_tracked: 540, billable: true, time_type: 'normal' })
  const a = activity as unknown as { overall: number; tracked: number; keyboard: number; mouse: number }
  t.ok(a.overall <= a.tracked && a.keyboard <= a.overall && a.mouse <= a.overall && a.overall <= a.keyboard + a.mouse, 'input consistent with tracked')
  t.end()
})

void t.test('the completed records are valid records of their kind', { skip: NO_OFFICIAL_SWAGGER }, (t) => {
  const validator = officialRecordValidators()
  const d = parseFixtures(
    {
      ...small,
      clients: [{ id: 3, name: 'Byron Estates' }],
      teams: [{ id: 9, name: 'Engines' }],
      team_members: [{ team_id: 9, user_id: 6 }],
      notes: [{ id: 11, user_id: 6, project_id: 70, task_id: 700, recorded_at: '2026-12-04T10:03:00Z', note: 'Loom adapted' }],
      holidays: [{ id: 4, name: 'Founders Day', date: '2026-12-10' }],
    },
    { now: NOW },
  )
  for (const [name, rows] of Object.entries(d.collections)) {
    const validate = validator(name)
    if (validate === undefined) continue
    for (const row of rows) {
      const shown = publicFields(row)
      t.ok(validate(shown), `${name} ${row.id} is a valid ${name}`, { errors: validate.errors, shown })
    }
  }
  t.same(d.collections.Client?.[0]?.project_ids, [], 'a client lists the projects that name it')
  t.end()
})

void t.test('several organizations: each record finds its own through its links', (t) => {
  const d = parseFixtures(
    {
      organizations: [{ id: 1, name: 'North' }, { id: 2, name: 'South' }],
      users: [{ id: 5, name: 'Ada Lovelace' }],
      members: [{ organization_id: 2, user_id: 5, membership_role: 'owner' }],
      projects: [{ id: 70, name: 'P', organization_id: 2 }],
      tasks: [{ id: 700, project_id: 70 }],
      activities: [{ id: 1, user_id: 5, project_id: 70, time_slot: '2026-12-04T10:00:00Z' }],
      time_edit_logs: [{ id: 3, user_id: 5, created_at: '2026-12-04T11:00:00Z' }],
    },
    { now: NOW },
  )
  t.equal(d.collections.Task?.[0]?._organization_id, 2, 'a task is in its project’s organization')
  t.equal(d.collections.Activity?.[0]?._organization_id, 2, 'so is an activity')
  t.equal(d.collections.TimeEditLog?.[0]?._organization_id, 2, 'a record with only a user is in that user’s one organization')
  t.equal(d.collections.TimeEditLog?.[0]?.updated_at, undefined, 'no field a record of its kind lacks')
  t.equal(d.me, 5, 'me: the owner')
  t.end()
})

void t.test('collection names work as keys too, and `me` picks the token’s user', (t) => {
  const d = parseFixtures({ User: [{ id: 1, name: 'A B' }, { id: 2, name: 'C D' }], Project: [{ id: 3, name: 'X', status: 'archived' }], me: 2 }, { now: NOW })
  t.equal(d.me, 2)
  t.equal(d.collections.Project?.[0]?.status, 'archived', 'a given field wins over its default')
  t.end()
})

void t.test('a generated dataset round-trips through the parser unchanged in what it shows', (t) => {
  const generated = generateDataset({ seed: 'round trip', size: 'small', now: NOW })
  const parsed = parseFixtures({ me: generated.me, ...generated.collections }, { now: NOW })
  t.equal(parsed.me, generated.me)
  for (const [name, rows] of Object.entries(generated.collections)) t.same(parsed.collections[name], rows, `${name} as it was`)
  t.end()
})

void t.test('mistakes are refused naming the list, the record and the field', (t) => {
  const refused = (body: unknown, message: RegExp, where: { key?: string; index?: number; field?: string } = {}, maxRecords = MAX_FIXTURE_RECORDS) => {
    try {
      parseFixtures(body, { now: NOW, maxRecords })
      t.fail(`accepted ${JSON.stringify(body).slice(0, 80)}`)
    } catch (err) {
      t.type(err, FixturesError)
      t.match((err as Error).message, message)
      t.match(err, where)
    }
  }
  refused([], /must be a JSON object of record lists/)
  refused(null, /must be a JSON object/)
  refused({ frobs: [] }, /^frobs: not a collection; use one of organizations, users, members/, { key: 'frobs' })
  refused({ users: {} }, /^users: must be a list of records/)
  refused({ users: [7] }, /^users\[0\]: must be an object/, { key: 'users', index: 0 })
  refused({ users: [{ name: 'x' }] }, /^users\[0\]\.id: is required/, { key: 'users', index: 0, field: 'id' })
  refused({ users: [{ id: -1 }] }, /^users\[0\]\.id: must be a positive integer, not -1/)
  refused({ users: [{ id: 1 }, { id: 1 }] }, /^users\[1\]\.id: 1 appears twice in User/, { index: 1 })
  refused({ projects: [{ id: 1, name: 5 }] }, /^projects\[0\]\.name: must be a string, not 5/, { field: 'name' })
  refused({ tasks: [{ id: 1, project_id: 9 }] }, /^tasks\[0\]\.project_id: no Project 9 in the fixtures/)
  refused({ tasks: [{ id: 1 }] }, /^tasks\[0\]\.project_id: is required/)
  refused({ project_members: [{ user_id: 1 }] }, /^project_members\[0\]\._project_id: is required \(or project_id\)/)
  refused({ projects: [{ id: 1 }], tasks: [{ id: 2, project_id: 1, assignee_ids: ['x'] }] }, /^tasks\[0\]\.assignee_ids: must be a list of ids/)
  refused({ activities: [{ id: 1, user_id: 1, project_id: 1, time_slot: 'yesterday' }], projects: [{ id: 1 }] }, /^activities\[0\]\.time_slot: must be an ISO 8601 date-time, not "yesterday"/)
  refused({ holidays: [{ id: 1, date: '2026-02-30' }] }, /^holidays\[0\]\.date: must be a date/)
  refused({ organizations: [{ id: 1 }, { id: 2 }], projects: [{ id: 3 }] }, /^projects\[0\]\._organization_id: there are several organizations/)
  refused({ users: [{ id: 1 }], me: 9 }, /^me: 9 is not the id of a user/)
  refused({ users: [{ id: 1 }, { id: 2 }], projects: [{ id: 3 }] }, /^the fixtures hold more than 2 records/, {}, 2)
  t.equal(MAX_FIXTURE_RECORDS, 1_000_000, 'a million records by default')
  t.end()
})
