import { text, type Draft } from './context.js'
import { ZONES, type ZoneInfo } from './names.js'
import type { Membership, OrgPlan, Person, TrackingClient } from './plan.js'
import type { Random } from './random.js'
import { DAY_MS } from './time.js'

/** Recorded rows by collection, as the import gathered them. */
export type Gathered = ReadonlyMap<string, readonly Draft[]>

/** A recorded IANA zone as the generator's zone info (somewhere unknown to it keeps its name). */
function zoneOf(name: unknown): ZoneInfo {
  const known = ZONES.find((z) => z.zone === name)
  if (known !== undefined) return known
  if (typeof name === 'string') {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name })
      return { zone: name, city: '', country: '', lat: 0, lng: 0, ip: '' }
    } catch {
      // not an IANA name (Hubstaff also writes Rails names such as "Eastern Time (US & Canada)")
    }
  }
  return ZONES[4] as ZoneInfo
}
const ms = (at: unknown, fallback: number): number => {
  const t = typeof at === 'string' ? Date.parse(at) : NaN
  return Number.isNaN(t) ? fallback : t
}

/**
 * The generator's view of organizations that were recorded rather than made up: each member
 * becomes a person with working habits drawn from `rng` (their recorded time zone kept), working
 * on the projects they are a member of (or, without recorded memberships, the projects of the
 * tasks assigned to them). The recorded rows are only read, never changed.
 */
export function adoptPlans(rows: Gathered, rng: Random, now: number): OrgPlan[] {
  const users = new Map((rows.get('User') ?? []).map((u) => [u.id, u]))
  const plans: OrgPlan[] = []
  for (const org of rows.get('Organization') ?? []) {
    const orgId = org.id
    const inOrg = (r: Draft) => r._organization_id === orgId
    const projects = (rows.get('Project') ?? []).filter(inOrg)
    const projectIds = new Set(projects.map((p) => p.id))
    const tasks = (rows.get('Task') ?? []).filter((t) => projectIds.has(t.project_id as number))
    const createdMs = ms(org.created_at, now - 365 * DAY_MS)
    const members: Membership[] = []
    for (const member of (rows.get('OrganizationMember') ?? []).filter(inOrg)) {
      const user = users.get(member.user_id as number)
      if (user === undefined) continue
      const person = personOf(user, rng, ms(member.created_at, createdMs))
      const role = member.membership_role === 'owner' ? 'owner' : member.membership_role === 'manager' ? 'manager' : 'user'
      const tracks = member.membership_status !== 'removed' && member.trackable !== 'false' && member.trackable !== false && member.view_only !== true
      const mine = (rows.get('ProjectMember') ?? []).filter((pm) => pm.user_id === person.id && projectIds.has(pm._project_id as number)).map((pm) => pm._project_id as number)
      const assigned = tasks.filter((t) => (t.assignee_ids as unknown[] | undefined)?.includes(person.id) === true)
      const on = new Set(mine.length > 0 ? mine : assigned.map((t) => t.project_id as number))
      const work = projects
        .filter((p) => on.has(p.id) && p.status !== 'archived')
        .map((project) => {
          const ofProject = tasks.filter((t) => t.project_id === project.id && t.status !== 'deleted')
          const theirs = ofProject.filter((t) => assigned.includes(t))
          return { project, tasks: theirs.length > 0 ? theirs : ofProject }
        })
      members.push({ person, member, role, tracks, work })
    }
    const owner = members.find((m) => m.role === 'owner') ?? members[0]
    if (owner === undefined) continue
    const email = text(owner.person.user.email)
    plans.push({
      org,
      id: orgId,
      domain: email.includes('@') ? (email.split('@')[1] as string) : 'example.com',
      zone: zoneOf(org._time_zone ?? owner.person.zone.zone),
      createdMs,
      owner: owner.person,
      members,
      projects,
      tasks,
      teams: (rows.get('Team') ?? []).filter(inOrg),
      clients: (rows.get('Client') ?? []).filter(inOrg),
    })
  }
  return plans
}

function personOf(user: Draft, rng: Random, joinedMs: number): Person {
  const client = rng.weighted<TrackingClient>([
    ['windows', 5],
    ['mac', 4],
    ['linux', 1],
  ])
  return {
    user,
    id: user.id,
    first: text(user.first_name),
    last: text(user.last_name),
    zone: zoneOf(user.time_zone),
    startMinute: Math.round(rng.around(9 * 60, 120, 7 * 60, 11 * 60) / 5) * 5,
    dayHours: rng.around(7.2, 2, 5, 8.75),
    activity: rng.around(0.62, 0.4, 0.3, 0.9),
    client,
    weekendChance: 0.04,
    joinedMs,
    screens: 1,
  }
}
