// The data model behind the fake Hubstaff server: seed records, generated activities and the
// queries over them. No HTTP here (validation and envelopes live in fake-hubstaff.ts).
// Nothing is random, so a record fetched twice (or by two tests) is byte-identical and ids can be
// predicted from FAKE_DATA. Activities are computed on demand from (user, 10-minute slot); only the
// writable records (tasks) live in per-server state.

export const FAKE_DATA = {
  meUserId: 5001,
  userIds: [5001, 5002, 5003, 5004, 5005],
  organizationId: 1001,
  otherOrganizationId: 1002,
  /** Org 1001 has active projects firstProjectId .. firstProjectId + activeProjectCount - 1. */
  firstProjectId: 20001,
  activeProjectCount: 250,
  /** Archived projects of org 1001: hidden by the default `status=active`. */
  archivedProjectIds: [20251, 20252, 20253, 20254, 20255],
  otherOrganizationProjectIds: [30001, 30002, 30003],
  /** Seeded tasks of project P are P*10+1 .. P*10+tasksPerProject. */
  tasksPerProject: 3,
  /** Tasks created through POST get ids from here up, above every seeded id (ids stay ascending). */
  firstCreatedTaskId: 400001,
  /** Every user of org 1001 tracks every 10-minute slot in this UTC window, Monday to Friday. */
  workdayStartHourUtc: 9,
  workdayEndHourUtc: 17,
} as const

export const SLOT_MS = 10 * 60_000
export const DAY_MS = 24 * 3_600_000
const DATA_EPOCH = Date.UTC(2025, 0, 6, 9, 0, 0)

export type FakeRecord = { id: number } & Record<string, unknown>

export interface FakeTask extends FakeRecord {
  status: 'active' | 'completed'
  project_id: number
  summary: string
  lock_version: number
  assignee_ids: number[]
  completed_at: string | null
  updated_at: string
}

export interface FakeStore {
  users: Map<number, FakeRecord>
  organizations: Map<number, FakeRecord>
  /** Organization memberships by organization id, ascending by membership id. */
  members: Map<number, FakeRecord[]>
  projects: Map<number, FakeRecord>
  projectOrganization: Map<number, number>
  tasks: Map<number, FakeTask>
  nextTaskId: number
}

/** A 32-bit integer mix (murmur3 finalizer): stable pseudo-variety without Math.random. */
export function hash32(n: number): number {
  let x = (n ^ 0x9e3779b9) >>> 0
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0
  return (x ^ (x >>> 16)) >>> 0
}

/** Hubstaff timestamps carry microseconds (`2026-07-30T14:46:52.537143Z`); the salt fills them. */
export function timestamp(ms: number, salt = 0): string {
  const micros = String(hash32(salt) % 1000).padStart(3, '0')
  return new Date(ms).toISOString().replace('Z', `${micros}Z`)
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

const PEOPLE = [
  ['Ada', 'Lovelace'],
  ['Grace', 'Hopper'],
  ['Alan', 'Turing'],
  ['Edsger', 'Dijkstra'],
  ['Barbara', 'Liskov'],
] as const

const ROLES = ['owner', 'manager', 'user', 'user', 'user'] as const
const EFFECTIVE_ROLES = ['organization_owner', 'organization_manager', 'project_user', 'project_user', 'by_project']

function userRecord(index: number): FakeRecord {
  const [first, last] = PEOPLE[index] ?? ['User', String(index)]
  const id = FAKE_DATA.userIds[index] ?? 0
  return {
    id,
    name: `${first} ${last}`,
    first_name: first,
    last_name: last,
    email: `${first.toLowerCase()}.${last.toLowerCase()}@example.com`,
    time_zone: 'Etc/UTC',
    ip_address: `192.0.2.${10 + index}`,
    status: 'active',
    created_at: timestamp(DATA_EPOCH + index * DAY_MS, id),
    updated_at: timestamp(DATA_EPOCH + (index + 30) * DAY_MS, id + 1),
  }
}

function organizationRecord(id: number, name: string): FakeRecord {
  return {
    id,
    name,
    status: 'active',
    created_at: timestamp(DATA_EPOCH - 400 * DAY_MS, id),
    updated_at: timestamp(DATA_EPOCH, id + 1),
    member_profile_fields: [],
    metadata: {},
    invite_url: `https://app.hubstaff.com/invitations/fake-${id}`,
  }
}

function memberRecord(organizationId: number, userIndex: number): FakeRecord {
  const id = organizationId * 10 + userIndex + 1
  const role = ROLES[userIndex] ?? 'user'
  return {
    id,
    user_id: FAKE_DATA.userIds[userIndex] ?? 0,
    membership_role: role,
    membership_status: 'active',
    effective_role: EFFECTIVE_ROLES[userIndex] ?? 'project_user',
    trackable: 'true',
    pay_rate: `${20 + userIndex * 5}.00`,
    bill_rate: `${40 + userIndex * 10}.00`,
    currency: 'USD',
    created_at: timestamp(DATA_EPOCH + userIndex * DAY_MS, id),
    updated_at: timestamp(DATA_EPOCH + (userIndex + 1) * DAY_MS, id + 1),
    last_client_activity: timestamp(DATA_EPOCH + 60 * DAY_MS, id + 2),
    metadata: {},
    view_only: false,
  }
}

function projectRecord(id: number, status: 'active' | 'archived'): FakeRecord {
  const seq = id % 10_000
  return {
    id,
    name: `Project ${String(seq).padStart(3, '0')}`,
    description: `Fake project number ${seq}`,
    created_at: timestamp(DATA_EPOCH + seq * 3_600_000, id),
    updated_at: timestamp(DATA_EPOCH + (seq + 24) * 3_600_000, id + 1),
    status,
    type: 'project',
    client_id: null,
    billable: id % 4 !== 0,
    metadata: {},
  }
}

function taskRecord(id: number, projectId: number, summary: string, assigneeIds: number[], createdMs: number): FakeTask {
  const created = timestamp(createdMs, id)
  return {
    id,
    integration_id: null,
    status: 'active',
    project_id: projectId,
    project_type: 'project',
    summary,
    details: null,
    remote_id: null,
    remote_alternate_id: null,
    lock_version: 0,
    assignee_ids: assigneeIds,
    metadata: {},
    completed_at: null,
    due_at: null,
    created_at: created,
    updated_at: created,
    global_todo_id: null,
  }
}

export function newTask(store: FakeStore, projectId: number, summary: string, assigneeIds: number[], nowMs: number): FakeTask {
  const task = taskRecord(store.nextTaskId++, projectId, summary, assigneeIds, nowMs)
  store.tasks.set(task.id, task)
  return task
}

export interface TaskChanges {
  summary?: string | undefined
  status?: 'active' | 'completed' | undefined
  assigneeIds?: number[] | undefined
}

/** Optimistic locking: every accepted update bumps lock_version, so a second writer with the old one loses. */
export function updateTask(task: FakeTask, changes: TaskChanges, nowMs: number): void {
  if (changes.summary !== undefined) task.summary = changes.summary
  if (changes.status !== undefined) {
    task.status = changes.status
    task.completed_at = changes.status === 'completed' ? timestamp(nowMs, task.id) : null
  }
  if (changes.assigneeIds !== undefined) task.assignee_ids = changes.assigneeIds
  task.lock_version++
  task.updated_at = timestamp(nowMs, task.id + task.lock_version)
}

const byId = (a: FakeRecord, b: FakeRecord): number => a.id - b.id

export function organizationProjects(store: FakeStore, organizationId: number, status: string): FakeRecord[] {
  const inOrg = [...store.projects.values()].filter((p) => store.projectOrganization.get(p.id) === organizationId)
  return inOrg.filter((p) => status === 'all' || p.status === status).sort(byId)
}

export function projectTasks(store: FakeStore, projectId: number): FakeTask[] {
  return [...store.tasks.values()].filter((t) => t.project_id === projectId).sort(byId)
}

/** Keeps records whose `field` (a number or an array of numbers) matches one of `wanted`; no filter keeps all. */
export function filterIds<T extends FakeRecord>(records: T[], field: string, wanted: readonly number[]): T[] {
  if (wanted.length === 0) return records
  return records.filter((r) => [r[field]].flat().some((value) => wanted.includes(value as number)))
}

/** Cursor pagination over records sorted by id: the cursor is the first id of the next page, inclusive. */
export function paginate<T extends FakeRecord>(records: readonly T[], startId: number, limit: number): { page: T[]; nextId?: number } {
  const from = records.findIndex((r) => r.id >= startId)
  if (from === -1) return { page: [] }
  const next = records[from + limit]
  return next === undefined ? { page: records.slice(from, from + limit) } : { page: records.slice(from, from + limit), nextId: next.id }
}

const RELATED_FIELDS: Record<string, string[]> = { users: ['user_id', 'assignee_ids'], projects: ['project_id'], tasks: ['task_id'] }

/** The records an `include=` side-load adds: those referenced by the page, not the whole table. */
export function related(store: FakeStore, name: string, page: readonly FakeRecord[]): FakeRecord[] {
  const tables: Record<string, Map<number, FakeRecord>> = { users: store.users, projects: store.projects, tasks: store.tasks }
  const table = tables[name]
  const ids = new Set(page.flatMap((r) => (RELATED_FIELDS[name] ?? []).flatMap((field) => [r[field]].flat())))
  return [...(table?.values() ?? [])].filter((r) => ids.has(r.id)).sort(byId)
}

/** A fresh, mutable copy of the seed data; each fake server owns one. */
export function createStore(): FakeStore {
  const { organizationId: org, otherOrganizationId: other } = FAKE_DATA
  const store: FakeStore = {
    users: new Map(FAKE_DATA.userIds.map((id, i) => [id, userRecord(i)])),
    organizations: new Map([
      [org, organizationRecord(org, 'Fake Org')],
      [other, organizationRecord(other, 'Other Fake Org')],
    ]),
    members: new Map([
      [org, FAKE_DATA.userIds.map((_, i) => memberRecord(org, i))],
      [other, [memberRecord(other, 0), memberRecord(other, 1)]],
    ]),
    projects: new Map(),
    projectOrganization: new Map(),
    tasks: new Map(),
    nextTaskId: FAKE_DATA.firstCreatedTaskId,
  }
  const addProject = (id: number, organizationId: number, status: 'active' | 'archived'): void => {
    store.projects.set(id, projectRecord(id, status))
    store.projectOrganization.set(id, organizationId)
    for (let k = 1; k <= FAKE_DATA.tasksPerProject; k++) {
      const assignee = FAKE_DATA.userIds[(id + k) % FAKE_DATA.userIds.length] ?? FAKE_DATA.meUserId
      const task = taskRecord(id * 10 + k, id, `Task ${k} of project ${id}`, [assignee], DATA_EPOCH + (id % 10_000) * 3_600_000)
      store.tasks.set(task.id, task)
    }
  }
  for (let i = 0; i < FAKE_DATA.activeProjectCount; i++) addProject(FAKE_DATA.firstProjectId + i, org, 'active')
  for (const id of FAKE_DATA.archivedProjectIds) addProject(id, org, 'archived')
  for (const id of FAKE_DATA.otherOrganizationProjectIds) addProject(id, other, 'active')
  return store
}

function isWorkingSlot(slotMs: number): boolean {
  const d = new Date(slotMs)
  const weekday = d.getUTCDay()
  const hour = d.getUTCHours()
  return weekday >= 1 && weekday <= 5 && hour >= FAKE_DATA.workdayStartHourUtc && hour < FAKE_DATA.workdayEndHourUtc
}

/** Each user works on one project and task per day, so daily aggregates are one row per user-day. */
function assignment(day: number, userIndex: number): { projectId: number; taskId: number } {
  const projectId = FAKE_DATA.firstProjectId + ((day * 3 + userIndex * 47) % FAKE_DATA.activeProjectCount)
  return { projectId, taskId: projectId * 10 + 1 + ((day + userIndex) % FAKE_DATA.tasksPerProject) }
}

/** Activity ids are slotNumber*10 + userIndex + 1: the same slot always has the same id, and ids ascend with time. */
function activity(slot: number, userIndex: number): FakeRecord & { tracked: number; overall: number; keyboard: number; mouse: number } {
  const slotMs = slot * SLOT_MS
  const id = slot * 10 + userIndex + 1
  const { projectId, taskId } = assignment(Math.floor(slotMs / DAY_MS), userIndex)
  const h = hash32(id)
  // Most slots are fully tracked; some start late, so consecutive slots still join into sessions.
  const tracked = h % 7 === 0 ? 300 + ((h >>> 3) % 300) : 600
  const overall = Math.floor((tracked * (40 + ((h >>> 8) % 60))) / 100)
  const keyboard = Math.floor((overall * ((h >>> 16) % 100)) / 100)
  const mouse = overall - Math.floor(keyboard / 3)
  const createdMs = slotMs + SLOT_MS + 60_000
  return {
    id,
    date: isoDate(slotMs),
    time_slot: new Date(slotMs).toISOString().replace('.000Z', 'Z'),
    starts_at: new Date(slotMs + (600 - tracked) * 1000).toISOString().replace('.000Z', 'Z'),
    user_id: FAKE_DATA.userIds[userIndex] ?? 0,
    project_id: projectId,
    task_id: taskId,
    keyboard,
    mouse,
    overall,
    tracked,
    input_tracked: tracked,
    tracks_input: true,
    billable: projectId % 4 !== 0,
    paid: false,
    client_invoiced: false,
    team_invoiced: false,
    immutable: false,
    time_type: 'normal',
    client: userIndex % 2 === 0 ? 'windows' : 'mac',
    created_at: timestamp(createdMs, id),
    updated_at: timestamp(createdMs, id),
  }
}

/**
 * Activities of org 1001 whose slot starts in [startMs, stopMs), sorted by id. A slot exists only
 * once it has fully elapsed by `nowMs`: nobody tracks time in the future.
 */
export function activitiesBetween(startMs: number, stopMs: number, nowMs: number): FakeRecord[] {
  const out: FakeRecord[] = []
  for (let slot = Math.ceil(startMs / SLOT_MS); slot * SLOT_MS < stopMs; slot++) {
    if (slot * SLOT_MS + SLOT_MS > nowMs) break
    if (!isWorkingSlot(slot * SLOT_MS)) continue
    for (let u = 0; u < FAKE_DATA.userIds.length; u++) out.push(activity(slot, u))
  }
  return out
}

/** Daily aggregates for days firstDay..lastDay (inclusive, in days since the Unix epoch), sorted by id. */
export function dailyActivitiesBetween(firstDay: number, lastDay: number, nowMs: number): FakeRecord[] {
  const out: FakeRecord[] = []
  for (let day = firstDay; day <= lastDay; day++) {
    // Summing the same generator keeps daily totals equal to the sum of that day's activities.
    const activities = activitiesBetween(day * DAY_MS, (day + 1) * DAY_MS, nowMs)
    for (let u = 0; u < FAKE_DATA.userIds.length; u++) {
      const slots = activities.filter((a) => a.user_id === FAKE_DATA.userIds[u])
      const first = slots[0]
      if (first === undefined) continue
      const sum = (key: 'tracked' | 'overall' | 'keyboard' | 'mouse'): number =>
        slots.reduce((acc, a) => acc + (typeof a[key] === 'number' ? a[key] : 0), 0)
      const id = day * 10 + u + 1
      const tracked = sum('tracked')
      const lastUpdate = String(slots[slots.length - 1]?.updated_at ?? first.updated_at)
      out.push({
        id,
        date: isoDate(day * DAY_MS),
        user_id: first.user_id,
        project_id: first.project_id,
        task_id: first.task_id,
        keyboard: sum('keyboard'),
        mouse: sum('mouse'),
        overall: sum('overall'),
        tracked,
        input_tracked: tracked,
        manual: 0,
        idle: Math.floor((tracked - sum('overall')) / 4),
        resumed: 0,
        billable: first.billable === true ? tracked : 0,
        work_break: 0,
        created_at: first.created_at,
        updated_at: lastUpdate,
      })
    }
  }
  return out
}

const HOUR_MS = 3_600_000

/**
 * Notes of org 1001 recorded in [startMs, stopMs), sorted by id: about one working hour in three
 * per user has one, at a fixed minute of that hour, once the hour has passed by `nowMs`. Ids are
 * hourNumber*10 + userIndex + 1, so they ascend with time as Hubstaff's do.
 */
export function notesBetween(startMs: number, stopMs: number, nowMs: number): FakeRecord[] {
  const out: FakeRecord[] = []
  for (let hour = Math.floor(startMs / HOUR_MS); hour * HOUR_MS < stopMs; hour++) {
    if ((hour + 1) * HOUR_MS > nowMs) break
    if (!isWorkingSlot(hour * HOUR_MS)) continue
    for (let u = 0; u < FAKE_DATA.userIds.length; u++) {
      const id = hour * 10 + u + 1
      const h = hash32(id * 7)
      if (h % 3 !== 0) continue
      const recordedMs = hour * HOUR_MS + ((h >>> 4) % 60) * 60_000
      if (recordedMs < startMs || recordedMs >= stopMs) continue
      const { projectId, taskId } = assignment(Math.floor(recordedMs / DAY_MS), u)
      out.push({
        id,
        description: `Note ${id}: ${['reviewed the diff', 'call with the client', 'fixed the flaky test', 'wrote the report'][h % 4] ?? ''}`,
        user_id: FAKE_DATA.userIds[u] ?? 0,
        project_id: projectId,
        task_id: taskId,
        recorded_at: new Date(recordedMs).toISOString().replace('.000Z', 'Z'),
        created_at: timestamp(recordedMs + 5_000, id),
        updated_at: timestamp(recordedMs + 5_000, id),
      })
    }
  }
  return out
}
