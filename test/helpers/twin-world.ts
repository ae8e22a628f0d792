import { OPERATIONS, SCHEMAS } from '../../src/api/description.js'
import type { Dataset, Row } from '../../src/twin/dataset.js'
import { createEngine, type Engine, type TwinAnswer } from '../../src/twin/engine.js'
import { World } from '../../src/twin/world.js'

/**
 * A small organization world for the twin's tests, built by hand so that every figure a test
 * checks can be worked out from this file: two organizations (the token's user belongs to the
 * first only), their people, projects, tasks, and tracked slots over the last days before NOW.
 */

export const NOW = Date.parse('2026-12-05T12:00:00Z')
export const ORG = 1001
export const OTHER_ORG = 1002
export const ME = 501
const DAY = 86_400_000
const SLOT = 600_000

const stamp = (ms: number): string => new Date(ms).toISOString().replace('Z', '000Z')
const slotText = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z')

function user(id: number, first: string, last: string): Row {
  return { id, name: `${first} ${last}`, first_name: first, last_name: last, email: `${first.toLowerCase()}@example.com`, time_zone: 'Etc/UTC', ip_address: '10.0.0.1', status: 'active', created_at: stamp(NOW - 400 * DAY), updated_at: stamp(NOW - 300 * DAY) }
}

function member(id: number, org: number, userId: number, role: string, removed = false): Row {
  return {
    id,
    _organization_id: org,
    user_id: userId,
    membership_role: role,
    membership_status: removed ? 'removed' : 'active',
    created_at: stamp(NOW - 300 * DAY + id),
    updated_at: stamp(NOW - 200 * DAY + id),
    ...(removed ? { removed_at: stamp(NOW - 30 * DAY) } : {}),
    last_client_activity: stamp(NOW - DAY),
    trackable: 'true',
    effective_role: role === 'owner' ? 'organization_owner' : 'project_user',
    metadata: {},
    view_only: false,
  }
}

function project(id: number, org: number, name: string, status = 'active'): Row {
  return { id, _organization_id: org, name, created_at: stamp(NOW - 200 * DAY), updated_at: stamp(NOW - 100 * DAY), status, type: 'project', billable: id % 2 === 0, metadata: {} }
}

function task(id: number, org: number, projectId: number, assignees: number[], status = 'active'): Row {
  return { id, _organization_id: org, status, project_id: projectId, project_type: 'project', summary: `Task ${id}`, lock_version: id % 3, assignee_ids: assignees, metadata: {}, created_at: stamp(NOW - 50 * DAY), updated_at: stamp(NOW - 40 * DAY) }
}

/** Slots of `userId` on a task, `count` in a row from `startMs`, with varied figures. */
function slots(first: number, org: number, userId: number, projectId: number, taskId: number | null, startMs: number, count: number, billable: boolean): Row[] {
  return Array.from({ length: count }, (_, i) => {
    const slot = startMs + i * SLOT
    const tracked = 300 + ((first + i * 37) % 300)
    return {
      id: first + i,
      _organization_id: org,
      date: new Date(slot).toISOString().slice(0, 10),
      created_at: stamp(slot + SLOT),
      updated_at: stamp(slot + SLOT + (i % 3) * DAY),
      time_slot: slotText(slot),
      starts_at: slotText(slot + (600 - tracked) * 1000),
      user_id: userId,
      project_id: projectId,
      task_id: taskId,
      keyboard: Math.floor(tracked / 3),
      mouse: Math.floor(tracked / 2),
      overall: Math.floor(tracked * 0.7),
      tracked,
      input_tracked: tracked,
      tracks_input: true,
      billable,
      paid: false,
      client_invoiced: false,
      team_invoiced: false,
      immutable: false,
      time_type: i % 5 === 4 ? 'manual' : 'normal',
      client: 'windows',
    }
  })
}

export function smallDataset(): Dataset {
  const day = (n: number): number => Math.floor(NOW / DAY) * DAY - n * DAY + 9 * 3600_000
  const activities = [
    ...slots(700001, ORG, ME, 2001, 3001, day(1), 12, true),
    ...slots(700101, ORG, 502, 2001, 3002, day(1), 6, true),
    ...slots(700201, ORG, 502, 2002, null, day(2), 9, false),
    ...slots(700301, ORG, 503, 2002, 3003, day(3), 7, false),
    ...slots(700401, ORG, ME, 2002, 3003, day(8), 5, false),
    ...slots(700501, ORG, ME, 2001, 3001, day(20), 4, true),
    ...slots(700601, OTHER_ORG, 504, 2101, 3101, day(1), 6, true),
    ...slots(700701, ORG, 503, 2001, 3005, day(2), 3, true),
  ]
  const toolUsages = activities.flatMap((a, i) => [
    { id: 900000 + i * 2, _organization_id: a._organization_id, date: a.date, time_slot: a.time_slot, user_id: a.user_id, project_id: a.project_id, task_id: a.task_id, name: 'Editor', tool_type: 'application', tracked: 200, activations: 2, created_at: a.created_at, updated_at: a.updated_at },
    { id: 900001 + i * 2, _organization_id: a._organization_id, date: a.date, time_slot: a.time_slot, user_id: a.user_id, project_id: a.project_id, task_id: a.task_id, name: i % 2 === 0 ? 'github.com' : 'docs.example.com', tool_type: 'url', tracked: 60, activations: 1, created_at: a.created_at, updated_at: a.updated_at },
  ])
  return {
    me: ME,
    collections: {
      Organization: [
        { id: ORG, name: 'Northwind', status: 'active', created_at: stamp(NOW - 500 * DAY), updated_at: stamp(NOW - 400 * DAY), member_profile_fields: [], metadata: { crm: 'A-1' }, invite_url: 'https://app.hubstaff.com/invites/a' },
        { id: OTHER_ORG, name: 'Elsewhere', status: 'active', created_at: stamp(NOW - 500 * DAY), updated_at: stamp(NOW - 400 * DAY), member_profile_fields: [], metadata: {}, invite_url: 'https://app.hubstaff.com/invites/b' },
      ],
      User: [user(ME, 'Ada', 'Lovelace'), user(502, 'Grace', 'Hopper'), user(503, 'Alan', 'Turing'), user(504, 'Edsger', 'Dijkstra'), user(505, 'Barbara', 'Liskov')],
      OrganizationMember: [member(8001, ORG, ME, 'owner'), member(8002, ORG, 502, 'manager'), member(8003, ORG, 503, 'user'), member(8004, ORG, 505, 'user', true), member(8005, OTHER_ORG, 504, 'owner')],
      Project: [project(2001, ORG, 'Website'), project(2002, ORG, 'Mobile app'), project(2003, ORG, 'Old site', 'archived'), project(2101, OTHER_ORG, 'Elsewhere work')],
      ProjectMember: [
        { id: 8101, _organization_id: ORG, _project_id: 2001, user_id: ME, membership_role: 'manager', membership_status: 'active', created_at: stamp(NOW - 100 * DAY), updated_at: stamp(NOW - 100 * DAY), last_client_activity: null },
        { id: 8102, _organization_id: ORG, _project_id: 2001, user_id: 502, membership_role: 'user', membership_status: 'active', created_at: stamp(NOW - 100 * DAY), updated_at: stamp(NOW - 100 * DAY), last_client_activity: null },
        { id: 8103, _organization_id: ORG, _project_id: 2002, user_id: 503, membership_role: 'user', membership_status: 'active', created_at: stamp(NOW - 100 * DAY), updated_at: stamp(NOW - 100 * DAY), last_client_activity: null },
      ],
      Task: [
        task(3001, ORG, 2001, [ME]),
        task(3002, ORG, 2001, [502, ME]),
        task(3003, ORG, 2002, [503], 'completed'),
        task(3004, ORG, 2002, []),
        { ...task(3005, ORG, 2001, []), global_todo_id: 901 },
        task(3101, OTHER_ORG, 2101, [504]),
      ],
      GlobalTodo: [{ id: 901, _organization_id: ORG, name: 'Team meeting', status: 'active', created_at: stamp(NOW - 90 * DAY), updated_at: stamp(NOW - 90 * DAY) }],
      Activity: activities,
      ToolUsage: toolUsages,
    },
  }
}

export function twinEngine(): Engine {
  return createEngine({ operations: OPERATIONS, schemas: SCHEMAS })
}

export function smallWorld(): World {
  return World.fromDataset(smallDataset())
}

export interface Asked {
  readonly status: number
  readonly headers: Record<string, string>
  readonly text: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read as loose JSON; the assertions check their shape
  json(): any
}

export interface AskOptions {
  readonly body?: unknown
  readonly headers?: Record<string, string>
  readonly now?: number
}

/** One request to the engine; throws when the engine declines it, which no test here expects. */
export function ask(engine: Engine, world: World, method: string, url: string, options: AskOptions = {}): Asked {
  const at = url.indexOf('?')
  const answer: TwinAnswer | undefined = engine.answer(world, {
    method,
    path: at === -1 ? url : url.slice(0, at),
    query: at === -1 ? '' : url.slice(at + 1),
    headers: options.headers ?? {},
    body: options.body === undefined ? undefined : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body)),
    now: options.now ?? NOW,
  })
  if (answer === undefined) throw new Error(`The twin does not cover ${method} ${url}`)
  const text = answer.body.toString('utf8')
  return { status: answer.status, headers: answer.headers, text, json: () => JSON.parse(text) }
}

/** Every record of a list, walked page by page to its end. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- records are read as loose JSON
export function walk(engine: Engine, world: World, url: string, pageLimit: number, now = NOW): { records: any[]; pages: number } {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- records are read as loose JSON
  const records: any[] = []
  let start: number | undefined
  let pages = 0
  for (;;) {
    const sep = url.includes('?') ? '&' : '?'
    const answer = ask(engine, world, 'GET', `${url}${sep}page_limit=${pageLimit}${start === undefined ? '' : `&page_start_id=${start}`}`, { now })
    if (answer.status !== 200) throw new Error(`${url} answered ${answer.status}: ${answer.text}`)
    const body = answer.json()
    const key = Object.keys(body).find((k) => Array.isArray(body[k])) as string
    records.push(...body[key])
    pages++
    if (body.pagination === undefined) return { records, pages }
    start = body.pagination.next_page_start_id
    if (pages > 10_000) throw new Error('The walk does not end')
  }
}

/** A generated organization world (the seeded generator's small size), built once per test file. */
let generated: { dataset: Dataset; now: number } | undefined
export async function generatedDataset(): Promise<{ dataset: Dataset; now: number }> {
  if (generated === undefined) {
    const { generateDataset } = await import('../../src/twin/generate/index.js')
    const now = Date.parse('2026-12-05T19:00:00Z')
    generated = { dataset: generateDataset({ seed: 'twin-tests', size: 'small', now }), now }
  }
  return generated
}
