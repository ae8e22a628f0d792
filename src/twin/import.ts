import { entryAnswer, type HarEntry } from '../recordings/har.js'
import { listHarFiles, readHarFile } from '../recordings/store.js'
import type { Dataset, GenerateOptions } from './dataset.js'
import { parseFixtures } from './fixtures.js'
import { buildActivities } from './generate/activity.js'
import { adoptPlans } from './generate/adopt.js'
import { LINKS, LIST_KEYS, RECORD_KEYS, WITHOUT_ID } from './generate/collections.js'
import { Builder, text, type Draft } from './generate/context.js'
import { FIRST_NAMES, LAST_NAMES, PROJECT_NAMES, taskSummary } from './generate/names.js'
import { SIZES } from './generate/plan.js'
import { DAY_MS } from './generate/time.js'
import { Random } from './generate/random.js'

/**
 * `mock import DIR`: the twin's organization built from what record mode saved. Every record of a
 * recorded answer (lists, single records, `include=` sideloads) goes into its collection as it was
 * recorded, redacted fields still redacted; links the answer held only in its path are added
 * (`/v2/projects/7/members` → project members of project 7); a later recording of a record wins
 * over an earlier one. Around it, what was not recorded is made up consistently: a record that a
 * recorded one links to (a task's project, an activity's user) exists, and when no tracked time
 * was recorded, the recorded members track time on their recorded projects and tasks as the
 * seeded generator would have them. Daily sums are left out: the twin derives them.
 */
export async function datasetFromRecordings(dir: string, options: GenerateOptions): Promise<Dataset> {
  const files = await listHarFiles(dir)
  if (files.length === 0) throw new Error(`no recordings (.har files) in ${dir}`)
  const entries: HarEntry[] = []
  for (const file of files) entries.push(...(await readHarFile(file)))
  entries.sort((a, b) => (a.startedDateTime < b.startedDateTime ? -1 : a.startedDateTime > b.startedDateTime ? 1 : 0))
  const gathered = new Gathered()
  let me: number | undefined
  for (const entry of entries) {
    const answer = entryAnswer(entry)
    if (answer.status < 200 || answer.status > 299) continue
    let body: unknown
    try {
      body = JSON.parse(answer.body.toString('utf8'))
    } catch {
      continue
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) continue
    const path = new URL(entry.request.url).pathname.replace(/\/+$/, '')
    const user = (body as { user?: { id?: unknown } }).user
    if (path === '/v2/users/me' && typeof user?.id === 'number') me = user.id
    gathered.answer(path, body as Record<string, unknown>)
  }
  const rng = new Random(options.seed, 'import')
  const b = new Builder(rng, Math.floor(options.now))
  for (const [collection, rows] of gathered.rows) for (const row of rows.values()) if (typeof row.id === 'number') b.reserve(collection, row.id)
  surround(gathered, b)
  if ((gathered.rows.get('Activity')?.size ?? 0) === 0) track(gathered, b, options)
  const body: Record<string, unknown> = {}
  for (const [collection, rows] of gathered.rows) body[collection] = [...rows.values()]
  if (me !== undefined && gathered.has('User', me)) body.me = me
  return parseFixtures(body, { now: options.now, recorded: true, keep: gathered.recorded })
}

/** The daily sums: the twin derives them from activities and tool usages. */
const DERIVED = new Set(['daily_activities', 'daily_tool_usages'])

/** Recorded rows by collection, keyed so that a record recorded twice is one row. */
class Gathered {
  readonly rows = new Map<string, Map<string, Draft>>()
  /** The rows as recorded (the rest is made up): the fixtures parser leaves them as they are. */
  readonly recorded = new Set<object>()

  has(collection: string, id: number): boolean {
    return this.rows.get(collection)?.has(String(id)) === true
  }

  add(collection: string, row: Draft): Draft {
    let rows = this.rows.get(collection)
    if (rows === undefined) {
      rows = new Map()
      this.rows.set(collection, rows)
    }
    const key = keyOf(collection, row)
    const had = rows.get(key)
    const merged = had === undefined ? row : { ...had, ...row }
    rows.set(key, merged)
    return merged
  }

  answer(path: string, body: Record<string, unknown>): void {
    const segments = path.split('/').filter((s) => s !== '')
    const named = segments.filter((s) => !/^\d+$/.test(s))
    const last = named[named.length - 1] ?? ''
    const keys = Object.keys(body).filter((k) => k !== 'pagination')
    const link = (after: string): number | undefined => {
      const i = segments.indexOf(after)
      const id = i === -1 ? undefined : Number(segments[i + 1])
      return id !== undefined && Number.isSafeInteger(id) ? id : undefined
    }
    const org = link('organizations')
    const project = link('projects')
    const team = link('teams')
    const integration = link('integrations')
    for (const key of keys) {
      if (DERIVED.has(key)) continue
      const collection = key === 'members' ? (project !== undefined ? 'ProjectMember' : team !== undefined ? 'TeamMember' : 'OrganizationMember') : (LIST_KEYS[key] ?? RECORD_KEYS[key])
      if (collection === undefined) continue
      const value = body[key]
      const records = (Array.isArray(value) ? value : [value]).filter((r): r is Record<string, unknown> => r !== null && typeof r === 'object' && !Array.isArray(r))
      // Path links belong to the answer's own records, not to what `include=` added beside them.
      const main = keys.length === 1 || key === last || `${key}s` === last || key === `${last.replace(/s$/, '')}`
      for (const record of records) {
        const row = { ...record } as Draft
        if (collection === 'ErrorCode' && typeof row.code === 'number') row.id = row.code
        if (main) {
          if (org !== undefined && collection !== 'Organization' && collection !== 'User' && row._organization_id === undefined) row._organization_id = org
          if (project !== undefined && (collection === 'ProjectMember' || collection === 'Webhook')) row._project_id ??= project
          if (team !== undefined && (collection === 'TeamMember' || collection === 'TeamProject')) row._team_id ??= team
          if (integration !== undefined && collection.startsWith('Integration') && collection !== 'Integration') row._integration_id ??= integration
        }
        if (typeof row.id !== 'number' && !WITHOUT_ID.has(collection)) continue
        this.recorded.add(this.add(collection, row))
      }
    }
  }
}

/** A row's identity: its id, or for records without one what they join (member = place + user). */
function keyOf(collection: string, row: Draft): string {
  if (!WITHOUT_ID.has(collection)) return String(row.id)
  const place = row._organization_id ?? row._project_id ?? row._team_id ?? row._integration_id ?? ''
  return `${text(place)}:${text(row.user_id ?? row.project_id)}:${text(row.time_off_policy_id)}`
}

/**
 * Records that recorded ones link to but that were not recorded themselves, made up: users with
 * names, projects and tasks in the right place, anything else as a bare record the fixtures parser
 * completes. With no organization recorded at all, one is made for everything to belong to.
 */
function surround(g: Gathered, b: Builder): void {
  const orgIds = new Set<number>()
  for (const rows of g.rows.values()) for (const row of rows.values()) if (typeof row._organization_id === 'number') orgIds.add(row._organization_id)
  for (const id of orgIds) if (!g.has('Organization', id)) g.add('Organization', madeUp('Organization', id, {} as Draft, b, undefined))
  if ((g.rows.get('Organization')?.size ?? 0) === 0) g.add('Organization', madeUp('Organization', b.id('Organization'), {} as Draft, b, undefined))
  const orgs = [...(g.rows.get('Organization')?.values() ?? [])]
  const home = orgs.length === 1 ? orgs[0]?.id : undefined
  // Projects first (tasks and members point at them), then tasks, then everything else.
  const order = ['Project', 'Task', ...Object.values(LINKS).filter((c) => c !== 'Project' && c !== 'Task')]
  for (const target of new Set(order)) {
    for (const rows of [...g.rows.values()]) {
      for (const row of [...rows.values()]) {
        for (const [field, value] of Object.entries(row)) {
          if (LINKS[field] !== target) continue
          for (const id of Array.isArray(value) ? value : [value]) {
            if (typeof id !== 'number' || g.has(target, id)) continue
            const made = madeUp(target, id, row, b, home)
            // A task must be in a project: one named by nothing recorded gets a project of its own.
            if (target === 'Task' && typeof made.project_id !== 'number') {
              const projectId = b.id('Project')
              made.project_id = projectId
              g.add('Project', madeUp('Project', projectId, row, b, home))
            }
            g.add(target, made)
          }
        }
      }
    }
  }
  // Someone who tracked time or was assigned work in an organization is one of its members.
  const members = g.rows.get('OrganizationMember')
  const known = new Set([...(members?.values() ?? [])].map((m) => `${String(m._organization_id)}:${String(m.user_id)}`))
  for (const [collection, rows] of [...g.rows]) {
    if (collection === 'OrganizationMember' || collection === 'User') continue
    for (const row of rows.values()) {
      const org = row._organization_id ?? home
      if (typeof row.user_id !== 'number' || typeof org !== 'number' || known.has(`${org}:${row.user_id}`)) continue
      known.add(`${org}:${row.user_id}`)
      g.add('OrganizationMember', { _organization_id: org, user_id: row.user_id, membership_role: 'user' } as unknown as Draft)
    }
  }
}

function madeUp(target: string, id: number, from: Draft, b: Builder, home: number | undefined): Draft {
  const rng = b.rng
  const org = typeof from._organization_id === 'number' ? from._organization_id : home
  // Made-up records are old: what was recorded happened in them, and time can be tracked in them.
  const inOrg = { ...(org === undefined ? {} : { _organization_id: org }), ...b.stamps(b.now - 400 * DAY_MS, rng, 0) }
  switch (target) {
    case 'User': {
      const first = rng.pick(FIRST_NAMES)
      const last = rng.pick(LAST_NAMES)
      return { id, name: `${first} ${last}`, first_name: first, last_name: last, ...b.stamps(b.now - 400 * DAY_MS, rng, 0) }
    }
    case 'Project':
      return { id, ...inOrg, name: rng.pick(PROJECT_NAMES), billable: true }
    case 'Task':
      return { id, ...inOrg, project_id: from.project_id ?? from.last_project_id, summary: taskSummary((items) => rng.pick(items)) }
    case 'Organization':
      return { id, ...b.stamps(b.now - 800 * DAY_MS, rng, 0) }
    default:
      return { id, ...inOrg }
  }
}

/** Tracked time for recorded organizations that have none: the generator's, on their own people and work. */
function track(g: Gathered, b: Builder, options: GenerateOptions): void {
  const rows = new Map([...g.rows].map(([c, m]) => [c, [...m.values()]]))
  const plans = adoptPlans(rows, b.rng.fork('adopt'), b.now).filter((p) => p.members.some((m) => m.tracks && m.work.some((w) => w.tasks.length > 0)))
  if (plans.length === 0) return
  buildActivities(b, plans, SIZES[options.size])
  for (const [collection, made] of Object.entries(b.collections)) {
    if ((g.rows.get(collection)?.size ?? 0) > 0) continue
    for (const row of made) g.add(collection, row)
  }
}
