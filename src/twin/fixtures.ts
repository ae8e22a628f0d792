import { parseDateTime } from '../api/dates.js'
import type { Dataset, Row } from './dataset.js'
import { COLLECTIONS, LINKS, LIST_KEYS, ORGANIZATION_VIA, REQUIRED_LINKS, WITHOUT_ID } from './generate/collections.js'
import { coreDefaults, type Fields } from './generate/fill.js'
import { isKind, shapes, type Shape } from './generate/shapes.js'
import { isoMicros } from './generate/time.js'

/**
 * `PUT /_gateway/mock/fixtures` and `--mock-fixtures FILE`: an organization written by a test,
 * exactly as it needs it. The body is an object of record lists in Hubstaff's shape, each keyed by
 * Hubstaff's list key (`users`, `projects`, `members` for organization members, `project_members`,
 * `team_members`, `tasks`, `activities`, … see FIXTURE_KEYS) or by the collection's name (`User`,
 * `OrganizationMember`), plus an optional `me` (the user id `/v2/users/me` answers; by default the
 * first organization's owner, else the first user).
 *
 * What a fixture may leave out is filled in: internal links (with one organization everything is
 * in it; otherwise a record's organization is read from its project, team, task or user),
 * organization memberships of users who have none (with one organization), the organization and
 * a user themselves when none is given, optional fields (plausible values), and `created_at` /
 * `updated_at` (now). A project member names its project with `project_id` (or `_project_id`), a
 * team member or team project its team with `team_id`. Ids are required and unique per
 * collection, except for records Hubstaff shows without one (members, balances, links), which are
 * numbered. Every link must name a record of the fixtures. A mistake throws a FixturesError naming
 * the list, the record's index and the field.
 */

/**
 * Records a body may hold at most, by default: a `mock import` of a busy account holds a few
 * hundred thousand; the request body's size is bounded before parsing (`--mock-fixtures-max-bytes`).
 */
export const MAX_FIXTURE_RECORDS = 1_000_000

/** The keys a body may use for a collection (its list key, its schema name). */
export const FIXTURE_KEYS: Readonly<Record<string, string>> = { ...LIST_KEYS, ...Object.fromEntries(COLLECTIONS.map((c) => [c, c])) }

export class FixturesError extends Error {
  /** The list key as the body spelt it, the record's index and the field, where one is at fault. */
  readonly key: string | undefined
  readonly index: number | undefined
  readonly field: string | undefined
  constructor(message: string, where: { key?: string; index?: number; field?: string } = {}) {
    const at = where.key === undefined ? '' : `${where.key}${where.index === undefined ? '' : `[${where.index}]`}${where.field === undefined ? '' : `.${where.field}`}: `
    super(`${at}${message}`)
    this.name = 'FixturesError'
    this.key = where.key
    this.index = where.index
    this.field = where.field
  }
}

interface Entry {
  readonly key: string
  readonly index: number
  readonly row: Fields & { id?: unknown }
  readonly kept?: boolean
}

/** Collections in the order their links can be resolved. */
const ORDER = ['Organization', 'User', 'OrganizationMember', 'Client', 'Project', 'ProjectMember', 'Team', 'TeamMember', 'TeamProject', 'GlobalTodo', 'Task', 'Integration', 'JobSite', 'TimeOffPolicy', 'AttendanceSchedule', 'Timesheet', 'TeamPayment']

/** Public fields a fixture may use for an internal link, per collection. */
const ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ProjectMember: { project_id: '_project_id' },
  TeamMember: { team_id: '_team_id' },
  TeamProject: { team_id: '_team_id' },
  IntegrationProjectLink: { integration_id: '_integration_id' },
  IntegrationUserLink: { integration_id: '_integration_id' },
}

export interface FixtureOptions {
  /** Epoch ms: missing timestamps are now. */
  readonly now: number
  /**
   * Records written by Hubstaff itself (`mock import`): their fields are taken as they are, however
   * they are spelt, and a link redacted from a recording is kept, not checked.
   * @default false
   */
  readonly recorded?: boolean
  /** Records the body may hold at most. @default MAX_FIXTURE_RECORDS */
  readonly maxRecords?: number
  /** Records (objects of the body) to take exactly as they are: only their internal links and, where Hubstaff shows none, an id are added. */
  readonly keep?: ReadonlySet<object>
}

export function parseFixtures(body: unknown, options: FixtureOptions): Dataset {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new FixturesError('the fixtures must be a JSON object of record lists, e.g. {"users": [...], "projects": [...]}')
  const now = options.now
  const lists = new Map<string, Entry[]>()
  let total = 0
  let meGiven: unknown
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === 'me') {
      meGiven = value
      continue
    }
    const collection = FIXTURE_KEYS[key]
    if (collection === undefined) throw new FixturesError(`not a collection; use one of ${Object.keys(LIST_KEYS).join(', ')} (or a collection name such as Project)`, { key })
    if (!Array.isArray(value)) throw new FixturesError('must be a list of records', { key })
    total += value.length
    const max = options.maxRecords ?? MAX_FIXTURE_RECORDS
    if (total > max) throw new FixturesError(`the fixtures hold more than ${max} records`)
    const entries = lists.get(collection) ?? []
    for (const [index, record] of (value as unknown[]).entries()) {
      if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new FixturesError('must be an object', { key, index })
      entries.push({ key, index, row: structuredClone(record) as Fields, kept: options.keep?.has(record) === true })
    }
    lists.set(collection, entries)
  }
  const known = shapes(now)
  const stamp = isoMicros(now, 0)

  // Ids: required, positive integers, unique per collection (numbered where Hubstaff shows none).
  const byId = new Map<string, Map<number, Fields>>()
  for (const [collection, entries] of lists) {
    const ids = new Map<number, Fields>()
    for (const { key, index, row } of entries) {
      if (row.id === undefined && WITHOUT_ID.has(collection)) continue
      if (typeof row.id !== 'number' || !Number.isSafeInteger(row.id) || row.id <= 0) throw new FixturesError(row.id === undefined ? 'is required' : `must be a positive integer, not ${JSON.stringify(row.id)}`, { key, index, field: 'id' })
      if (ids.has(row.id)) throw new FixturesError(`${row.id} appears twice in ${collection}`, { key, index, field: 'id' })
      ids.set(row.id, row)
    }
    for (const { row } of entries) {
      if (row.id !== undefined) continue
      row.id = Math.max(0, ...ids.keys()) + 1
      ids.set(row.id as number, row)
    }
    byId.set(collection, ids)
  }
  const list = (collection: string): Entry[] => {
    let entries = lists.get(collection)
    if (entries === undefined) {
      entries = []
      lists.set(collection, entries)
      byId.set(collection, new Map())
    }
    return entries
  }
  const find = (collection: string, id: unknown): Fields | undefined => (typeof id === 'number' ? byId.get(collection)?.get(id) : undefined)
  const add = (collection: string, row: Fields & { id: number }): void => {
    list(collection).push({ key: collection, index: -1, row })
    byId.get(collection)?.set(row.id, row)
  }

  // An organization and a user always exist: a fixture of projects alone is still an account.
  if (list('Organization').length === 0) add('Organization', { id: 1 })
  if (list('User').length === 0) add('User', { id: 1, name: 'Test User', email: 'test.user@example.com' })
  const orgs = list('Organization')
  const single = orgs.length === 1 ? (orgs[0]?.row.id as number) : undefined

  for (const [collection, entries] of lists) {
    const aliases = ALIASES[collection] ?? {}
    const shape = known.get(collection)
    for (const { key, index, row } of entries) {
      for (const [from, to] of Object.entries(aliases)) {
        if (row[from] === undefined) continue
        if (row[to] === undefined) row[to] = row[from]
        if (shape?.kinds.has(from) !== true) delete row[from]
      }
      if (row._organization_id === undefined && typeof row.organization_id === 'number' && collection !== 'Organization') {
        row._organization_id = row.organization_id
      }
      for (const field of REQUIRED_LINKS[collection] ?? []) {
        if (row[field] === undefined || row[field] === null) throw new FixturesError(`is required${field.startsWith('_') ? ` (or ${field.slice(1)})` : ''}`, { key, index, field })
      }
      if (options.recorded !== true) checkKinds(shape, key, index, row)
    }
  }

  // Memberships of users who belong nowhere, when there is only one place to belong.
  const users = list('User')
  const members = list('OrganizationMember')
  const me = typeof meGiven === 'number' ? meGiven : ((members.find((m) => m.row.membership_role === 'owner')?.row.user_id as number | undefined) ?? (users[0]?.row.id as number))
  if (find('User', me) === undefined) throw new FixturesError(`${JSON.stringify(meGiven)} is not the id of a user of the fixtures`, { key: 'me' })
  if (single !== undefined) {
    const belonging = new Set(members.map((m) => m.row.user_id))
    let next = Math.max(0, ...members.map((m) => m.row.id as number)) + 1
    for (const { row } of [...users]) if (!belonging.has(row.id)) add('OrganizationMember', { id: next++, _organization_id: single, user_id: row.id })
  }

  // Links: every one names a record of the fixtures; each record gets its organization.
  const order = [...ORDER, ...[...lists.keys()].filter((c) => !ORDER.includes(c)).sort()]
  for (const collection of order) {
    for (const { key, index, row } of lists.get(collection) ?? []) {
      checkLinks(key, index, row, find, options.recorded === true)
      if (collection === 'Organization' || collection === 'User' || collection === 'ErrorCode') continue
      if (row._organization_id === undefined) row._organization_id = single ?? organizationOf(row, find, members)
      if (row._organization_id === undefined) throw new FixturesError('there are several organizations and nothing links this record to one; give it organization_id', { key, index, field: '_organization_id' })
    }
  }

  // Clients list their projects unless the fixture says otherwise.
  for (const { row } of lists.get('Client') ?? []) {
    if (row.project_ids === undefined) row.project_ids = list('Project').filter((p) => p.row.client_id === row.id).map((p) => p.row.id)
  }

  const collections: Record<string, Row[]> = {}
  for (const [collection, entries] of lists) {
    const shape = known.get(collection)
    collections[collection] = entries.map(({ row, kept }) => (kept === true ? (row as Row) : complete(collection, row, shape, { now, me, stamp, project: (id) => find('Project', id) })))
  }
  return { collections, me }
}

function checkKinds(shape: Shape | undefined, key: string, index: number, row: Fields): void {
  if (shape === undefined) return
  for (const [field, value] of Object.entries(row)) {
    const kind = shape.kinds.get(field)
    if (kind === undefined || value === null || isKind(kind, value)) continue
    const expected = kind === 'date' ? 'a date (YYYY-MM-DD)' : kind === 'date-time' ? 'an ISO 8601 date-time' : kind === 'integer' ? 'an integer' : kind === 'array' ? 'a list' : kind === 'object' ? 'an object' : `a ${kind}`
    throw new FixturesError(`must be ${expected}, not ${JSON.stringify(value)}`, { key, index, field })
  }
}

function checkLinks(key: string, index: number, row: Fields, find: (collection: string, id: unknown) => Fields | undefined, recorded: boolean): void {
  for (const [field, value] of Object.entries(row)) {
    const target = LINKS[field]
    if (target === undefined || value === null || value === undefined) continue
    // A team member's user_ids and the like are plain lists; only id-list fields are links.
    for (const id of Array.isArray(value) ? value : [value]) {
      if (recorded && typeof id !== 'number') continue
      if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw new FixturesError(`must be ${Array.isArray(value) ? 'a list of ids' : 'an id'}, not ${JSON.stringify(value)}`, { key, index, field })
      if (find(target, id) === undefined) throw new FixturesError(`no ${target} ${id} in the fixtures`, { key, index, field })
    }
  }
}

function organizationOf(row: Fields, find: (collection: string, id: unknown) => Fields | undefined, members: readonly Entry[]): number | undefined {
  for (const field of ORGANIZATION_VIA) {
    const id = row[field]
    if (id === undefined || id === null) continue
    if (field === 'user_id') {
      const orgs = new Set(members.filter((m) => m.row.user_id === id).map((m) => m.row._organization_id))
      if (orgs.size === 1) return [...orgs][0] as number
      continue
    }
    if (field === 'task_id') {
      const project = find('Project', find('Task', id)?.project_id)
      if (project?._organization_id !== undefined) return project._organization_id as number
      continue
    }
    const target = find(LINKS[field] ?? '', id)
    if (target?._organization_id !== undefined) return target._organization_id as number
  }
  return undefined
}

/** Fields no example lends a record: they identify it, or belong to someone in particular. */
const NOT_COPIED = new Set(['id', 'email', 'name', 'created_at', 'updated_at', 'profile', 'limits', 'remote_id', 'remote_alternate_id'])

/** The record with everything it left out: core defaults, then a plausible example of each remaining field, then its timestamps. */
function complete(collection: string, row: Fields, shape: Shape | undefined, ctx: { now: number; me: number; stamp: string; project: (id: unknown) => Fields | undefined }): Row {
  const out: Fields = { ...row }
  for (const [field, value] of Object.entries(coreDefaults(collection, row, ctx))) if (out[field] === undefined && value !== undefined) out[field] = value
  for (const [field, value] of shape?.examples ?? []) {
    if (out[field] !== undefined || NOT_COPIED.has(field) || field in LINKS || field.endsWith('_id') || field.endsWith('_ids')) continue
    out[field] = structuredClone(value)
  }
  // Collections listed by their public organization_id show it (a team payment's is text).
  if (shape?.kinds.has('organization_id') === true && out.organization_id === undefined && typeof out._organization_id === 'number') {
    out.organization_id = shape.kinds.get('organization_id') === 'string' ? String(out._organization_id) : out._organization_id
  }
  // Missing timestamps are now, never before the other one the record gives.
  const at = (v: unknown) => (typeof v === 'string' ? (parseDateTime(v) ?? NaN) : NaN)
  if (shape?.kinds.has('created_at') === true && out.created_at === undefined) out.created_at = at(out.updated_at) < ctx.now ? out.updated_at : ctx.stamp
  if (shape?.kinds.has('updated_at') === true && out.updated_at === undefined) out.updated_at = at(out.created_at) > ctx.now ? out.created_at : ctx.stamp
  return out as Row
}
