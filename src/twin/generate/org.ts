import { between, money, text, type Builder, type Draft } from './context.js'
import { CLIENT_NAMES, COMPANIES, JOB_TITLES, PROJECT_BLURBS, PROJECT_NAMES, STREETS, TASK_DETAILS, taskSummary, TEAM_NAMES, ZONES, type ZoneInfo } from './names.js'
import type { People } from './people.js'
import type { Membership, OrgPlan, OrgSize, Person } from './plan.js'
import type { Random } from './random.js'
import { dayOf, dayText, DAY_MS, HOUR_MS } from './time.js'

const GLOBAL_TODOS = ['Team meeting', 'Code review', 'Email and chat'] as const

/**
 * One organization and everything it is made of: members with roles, projects (some for clients,
 * some with a budget), project and team memberships, tasks assigned to project members and the
 * organization's global to-dos. `me` (the token's user) owns the first organization and manages
 * the others, so `/v2/organizations` lists them all.
 */
export function buildOrganization(b: Builder, people: People, size: OrgSize, index: number, me: Person | undefined): OrgPlan {
  const rng = b.rng.fork(`org-${index}`)
  const [name, domain] = COMPANIES[index % COMPANIES.length] as readonly [string, string]
  const zone = index === 0 ? (ZONES[5] as ZoneInfo) : rng.pick(ZONES)
  const createdMs = b.now - rng.int(index === 0 ? 700 : 200, index === 0 ? 1400 : 600) * DAY_MS - between(rng, 0, DAY_MS)
  const org = b.add('Organization', {
    name,
    status: 'active',
    ...b.stamps(createdMs, rng, 0.8),
    member_profile_fields: [] as unknown[],
    metadata: index === 0 ? { crm_account: `ACC-${rng.int(1000, 9999)}` } : {},
    invite_url: `https://app.hubstaff.com/invites/${token(rng, 20)}`,
    _time_zone: zone.zone,
  })
  const ownerPerson = index === 0 && me !== undefined ? me : people.make(domain, zone, createdMs, {})
  const within = { _organization_id: org.id }
  const profileField = { key: 'department', type: 'text', title: 'Department', created_on: dayText(dayOf(createdMs) + 2), created_by_id: ownerPerson.id }
  ;(org.member_profile_fields as unknown[]).push(profileField)

  const plan: OrgPlan = { org, id: org.id, domain, zone, createdMs, owner: ownerPerson, members: [], projects: [], tasks: [], teams: [], clients: [] }
  const join = (person: Person, role: Membership['role'], options: { removed?: boolean; viewOnly?: boolean; joinedMs?: number } = {}): Membership => {
    const joined = Math.max(options.joinedMs ?? person.joinedMs, createdMs)
    const removed = options.removed === true
    const effective = role === 'owner' ? 'organization_owner' : role === 'manager' ? 'organization_manager' : options.viewOnly === true ? 'project_viewer' : rng.chance(0.8) ? 'project_user' : 'by_project'
    const payPeriod = rng.pick(['weekly', 'biweekly', 'twice_per_month', 'monthly'] as const)
    const member = b.add('OrganizationMember', {
      ...within,
      user_id: person.id,
      pay_rate: money(rng.int(18, 75)),
      bill_rate: money(rng.int(40, 140)),
      currency: 'USD',
      membership_role: role,
      membership_status: removed ? 'removed' : 'active',
      ...b.stamps(joined, rng),
      ...(removed ? { removed_at: b.stamp(b.now - rng.int(25, 60) * DAY_MS, rng) } : {}),
      last_client_activity: b.stamp(joined + HOUR_MS, rng),
      pay_period: payPeriod,
      ...(payPeriod === 'weekly' || payPeriod === 'biweekly' ? { period_week_day: 0 } : { period_start_day: 1 }),
      ...(payPeriod === 'twice_per_month' ? { period_second_start_day: 16 } : {}),
      trackable: options.viewOnly === true ? 'viewer' : 'true',
      effective_role: effective,
      profile: {
        job_title: role === 'owner' ? 'Founder' : rng.pick(JOB_TITLES),
        job_type: rng.pick(['fte_salary', 'fte_hourly', 'contractor_hourly'] as const),
        location: person.zone.city,
        employee_id: `E${String(rng.int(100, 999))}`,
        started_on: dayText(dayOf(joined)),
        custom_fields: { department: rng.pick(TEAM_NAMES) },
      },
      limits: { limits_by_shifts: false, weekly_limit: 40, expected_per_week: 40, dow_limit: [], dow_expected: [] },
      metadata: {},
      view_only: options.viewOnly === true,
    })
    const membership: Membership = { person, member, role, tracks: !removed && options.viewOnly !== true, work: [] }
    plan.members.push(membership)
    return membership
  }

  join(ownerPerson, 'owner')
  if (index > 0 && me !== undefined) join(me, 'manager')
  const others = size.users - plan.members.length
  for (let i = 0; i < others; i++) {
    const joined = people.joinTime(createdMs)
    const role = i < Math.max(1, Math.round(size.users / 10)) ? 'manager' : 'user'
    const last = i === others - 1
    join(people.make(domain, zone, joined, { weekender: last, everyDay: last && index === 0, field: i === others - 2 }), role, { joinedMs: joined })
  }
  // Someone who left, and someone who only reads reports: list filters have something to find.
  join(people.make(domain, zone, people.joinTime(createdMs)), 'user', { removed: true })
  if (size.users >= 10) join(people.make(domain, zone, people.joinTime(createdMs)), 'user', { viewOnly: true })

  buildClients(b, rng, plan, size)
  buildProjects(b, rng, plan, size)
  buildTeams(b, rng, plan, size)
  return plan
}

function token(rng: Random, length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
  let out = ''
  for (let i = 0; i < length; i++) out += alphabet[rng.int(0, alphabet.length - 1)]
  return out
}

function buildClients(b: Builder, rng: Random, plan: OrgPlan, size: OrgSize): void {
  const names = rng.sample(CLIENT_NAMES, size.clients)
  for (const name of names) {
    const created = between(rng, plan.createdMs, b.now - 60 * DAY_MS)
    const slug = name.toLowerCase().replace(/[^a-z]+/g, '')
    plan.clients.push(
      b.add('Client', {
        _organization_id: plan.id,
        organization_id: plan.id,
        name,
        emails: [`billing@${slug}.com`],
        phone: `+1 ${rng.int(201, 989)}-555-${String(rng.int(100, 199)).padStart(4, '0')}`,
        address: `${rng.int(1, 480)} ${rng.pick(STREETS)}, ${plan.zone.city}`,
        project_ids: [] as number[],
        inherit_invoice_notes: true,
        inherit_net_terms: rng.chance(0.7),
        status: 'active',
        ...b.stamps(created, rng),
        metadata: {},
      }),
    )
  }
}

function buildProjects(b: Builder, rng: Random, plan: OrgPlan, size: OrgSize): void {
  const names = rng.sample(PROJECT_NAMES, size.projects)
  const trackers = plan.members.filter((m) => m.tracks)
  for (const [i, name] of names.entries()) {
    const created = between(rng, plan.createdMs, b.now - 30 * DAY_MS)
    const client = plan.clients.length > 0 && rng.chance(0.6) ? rng.pick(plan.clients) : undefined
    // The last project of a big enough organization is finished: archived, tracked on no more.
    const archived = size.projects >= 4 && i === names.length - 1
    const budgeted = rng.chance(0.35)
    const project = b.add('Project', {
      _organization_id: plan.id,
      name,
      description: rng.pick(PROJECT_BLURBS),
      ...b.stamps(created, rng),
      status: archived ? 'archived' : 'active',
      type: 'project',
      ...(client === undefined ? {} : { client_id: client.id }),
      billable: client !== undefined || rng.chance(0.3),
      ...(budgeted
        ? {
            budget: rng.chance(0.5)
              ? { type: 'hours', rate: 'bill_rate', hours: rng.int(8, 40) * 10, start_date: dayText(dayOf(created)), alerts: { near_limit: 80 }, include_non_billable: false }
              : { type: 'cost', rate: 'bill_rate', cost: rng.int(5, 60) * 1000, start_date: dayText(dayOf(created)), alerts: { near_limit: 90 }, recurrence: 'monthly', include_non_billable: true },
          }
        : {}),
      metadata: {},
    })
    if (client !== undefined) (client.project_ids as number[]).push(project.id)
    plan.projects.push(project)
    // Project members: the owner manages the first projects; everyone else works on a few.
    const spread = Math.max(3, Math.ceil(size.projects / 2))
    const crew = trackers.filter((m, k) => (m.role === 'owner' ? i < 2 : (k + i) % spread < 2 || rng.chance(size.projects < 6 ? 0.25 : 0.03)))
    const members = crew.length > 0 ? crew : [rng.pick(trackers)]
    for (const m of members) {
      const since = Math.max(created, Date.parse(text(m.member.created_at)) || created)
      b.add('ProjectMember', {
        _organization_id: plan.id,
        _project_id: project.id,
        user_id: m.person.id,
        pay_rate: m.member.pay_rate,
        bill_rate: m.member.bill_rate,
        currency: 'USD',
        membership_role: m.role === 'user' ? 'user' : 'manager',
        membership_status: 'active',
        ...b.stamps(since, rng, 0.1),
        last_client_activity: b.stamp(since + HOUR_MS, rng),
      })
      if (!archived) m.work.push({ project, tasks: [] })
    }
    buildTasks(b, rng, plan, project, members, size, archived)
  }
  // Nobody who tracks is left without a project: they join the first active one.
  const first = plan.projects.find((p) => p.status === 'active')
  for (const m of trackers) {
    if (m.work.length > 0 || first === undefined) continue
    const since = Math.max(Date.parse(text(first.created_at)), Date.parse(text(m.member.created_at)))
    b.add('ProjectMember', { _organization_id: plan.id, _project_id: first.id, user_id: m.person.id, pay_rate: m.member.pay_rate, bill_rate: m.member.bill_rate, currency: 'USD', membership_role: 'user', membership_status: 'active', ...b.stamps(since, rng, 0.1), last_client_activity: b.stamp(since + HOUR_MS, rng) })
    m.work.push({ project: first, tasks: plan.tasks.filter((task) => task.project_id === first.id && task.status === 'active') })
  }
  buildGlobalTodos(b, rng, plan)
}

function buildTasks(b: Builder, rng: Random, plan: OrgPlan, project: Draft, members: Membership[], size: OrgSize, archived: boolean): void {
  const count = rng.int(size.tasksPerProject[0], size.tasksPerProject[1])
  const projectCreated = Date.parse(String(project.created_at))
  for (let t = 0; t < count; t++) {
    const assignees = rng.sample(members, rng.chance(0.2) ? 2 : 1)
    const created = between(rng, Math.max(projectCreated, b.now - 200 * DAY_MS), b.now - (t < 2 ? 0 : 3 * DAY_MS))
    const completed = archived || rng.chance(0.2)
    const due = rng.chance(0.4) ? { due_at: b.stamp(created + rng.int(5, 40) * DAY_MS, rng).replace(/T.*/, 'T17:00:00Z') } : {}
    const task = b.add('Task', {
      _organization_id: plan.id,
      status: completed ? 'completed' : 'active',
      project_id: project.id,
      project_type: 'project',
      summary: taskSummary((items) => rng.pick(items)),
      ...(rng.chance(0.4) ? { details: rng.pick(TASK_DETAILS) } : {}),
      lock_version: rng.int(0, 4),
      assignee_ids: assignees.map((m) => m.person.id),
      ...(rng.chance(0.2) ? { pay_rate: rng.int(20, 60), bill_rate: rng.int(50, 150) } : {}),
      metadata: {},
      ...due,
      ...b.stamps(created, rng, 0),
    })
    plan.tasks.push(task)
    // A completed task keeps the time tracked before it was done: it gets its completion stamp
    // once the activities are known.
    for (const m of assignees) m.work.find((w) => w.project === project)?.tasks.push(task)
  }
}

function buildGlobalTodos(b: Builder, rng: Random, plan: OrgPlan): void {
  for (const name of GLOBAL_TODOS.slice(0, plan.projects.length > 2 ? 3 : 1)) {
    const created = between(rng, plan.createdMs, b.now - 40 * DAY_MS)
    const todo = b.add('GlobalTodo', { _organization_id: plan.id, name, status: 'active', add_new_projects_enabled: rng.chance(0.7), ...b.stamps(created, rng) })
    for (const project of plan.projects) {
      if (project.status !== 'active') continue
      const task = b.add('Task', {
        _organization_id: plan.id,
        status: 'active',
        project_id: project.id,
        project_type: 'project',
        summary: name,
        lock_version: 0,
        assignee_ids: [] as number[],
        metadata: {},
        ...b.stamps(Math.max(created, Date.parse(String(project.created_at))), rng, 0),
        global_todo_id: todo.id,
      })
      plan.tasks.push(task)
      for (const m of plan.members) m.work.find((w) => w.project === project)?.tasks.push(task)
    }
  }
}

function buildTeams(b: Builder, rng: Random, plan: OrgPlan, size: OrgSize): void {
  const names = rng.sample(TEAM_NAMES, size.teams)
  const active = plan.members.filter((m) => m.member.membership_status === 'active')
  for (const [i, name] of names.entries()) {
    const created = between(rng, plan.createdMs, b.now - 30 * DAY_MS)
    const team = b.add('Team', { _organization_id: plan.id, name, ...b.stamps(created, rng), metadata: {}, lead_options: leadOptions(i === 0) })
    plan.teams.push(team)
    const crew = rng.sample(active, Math.max(2, Math.min(active.length, Math.round(active.length / size.teams) + 1)))
    for (const [k, m] of crew.entries()) {
      b.add('TeamMember', { _organization_id: plan.id, _team_id: team.id, user_id: m.person.id, role: k === 0 ? 'manager' : rng.chance(0.1) ? 'viewer' : 'user', lead: k === 0, ...b.stamps(created + k * HOUR_MS, rng, 0.1) })
    }
    for (const project of rng.sample(plan.projects, rng.int(1, Math.min(3, plan.projects.length)))) {
      b.add('TeamProject', { _organization_id: plan.id, _team_id: team.id, project_id: project.id, ...b.stamps(Math.max(created, Date.parse(String(project.created_at))), rng, 0) })
    }
  }
}

/** What a team's leads may do: the first team's leads run it, the others' only watch. */
function leadOptions(full: boolean): Record<string, boolean> {
  const names = [
    'approve_timesheets', 'notifications_for_timesheets_only_leads', 'approve_time_off', 'approve_manual_time', 'receive_manual_time_notification',
    'notifications_for_time_off_only_leads', 'schedule_shifts', 'notifications_for_schedules_only_leads', 'notifications_for_limits',
    'notifications_for_limits_only_leads', 'notifications_work_breaks', 'notifications_work_breaks_only_leads', 'manage_team_projects',
    'manage_team_members', 'invite_members_to_organization', 'notifications_for_job_sites', 'notifications_for_job_sites_only_leads',
    'others_screenshots', 'manage_billing',
  ]
  const watching = new Set(['others_screenshots', 'notifications_for_limits', 'notifications_work_breaks'])
  return Object.fromEntries(names.map((n) => [n, n === 'manage_billing' ? false : full || watching.has(n)]))
}
