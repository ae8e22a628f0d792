// Every answer the twin gives, read or write, is valid for its operation as the description
// defines it: the record schemas are closed, so an internal `_` field, a write-only field or a
// missing required one fails here.
import { Ajv, type ValidateFunction } from 'ajv'
import formats from 'ajv-formats'
import t, { type Test } from 'tap'
import { OPERATIONS, SCHEMAS } from '../src/api/description.js'
import type { Operation } from '../src/api/types.js'
import type { Row } from '../src/twin/dataset.js'
import { World } from '../src/twin/world.js'
import { ask, generatedDataset, twinEngine } from './helpers/twin-world.js'

const engine = twinEngine()
/** The description's `$ref: 'User'` as a JSON pointer into `base` (the document the schemas are added as). */
const toRefs = (node: unknown, base = ''): unknown =>
  Array.isArray(node)
    ? node.map((n) => toRefs(n, base))
    : node !== null && typeof node === 'object'
      ? Object.fromEntries(Object.entries(node).map(([k, v]) => (k === '$ref' ? [k, `${base}#/definitions/${String(v)}`] : [k, toRefs(v, base)])))
      : node
const ajv = new Ajv({ strict: false, allErrors: true })
formats.default(ajv)
ajv.addSchema({ definitions: toRefs(SCHEMAS) }, 'description')

function validator(op: Operation): ValidateFunction | undefined {
  const ref = (name: string) => ({ $ref: `description#/definitions/${name}` })
  const ok = op.ok
  if (ok.kind === 'list') {
    const sideloads = Object.fromEntries((ok.sideloads ?? []).map((s) => [s, { type: 'array' }]))
    return ajv.compile({ type: 'object', properties: { [ok.key]: { type: 'array', items: ref(ok.schema) }, ...sideloads, pagination: { type: 'object', properties: { next_page_start_id: { type: 'integer' } }, required: ['next_page_start_id'] } }, required: [ok.key], additionalProperties: false })
  }
  if (ok.kind === 'record') return ajv.compile({ type: 'object', properties: { [ok.key]: ref(ok.schema) }, required: [ok.key], additionalProperties: false })
  if (ok.kind === 'other') return ajv.compile(toRefs(ok.schema, 'description') as object)
  return undefined
}

function check(t: Test, op: Operation, status: number, text: string, label: string): void {
  if (op.ok.kind === 'none') {
    t.equal(text, '', `${label}: no body`)
    return
  }
  const validate = validator(op)
  if (validate === undefined) return
  const valid = validate(JSON.parse(text))
  t.ok(valid, `${label} answers as described`, { errors: validate.errors?.slice(0, 3), status })
}

void t.test('every read the twin answers matches its operation', async (t) => {
  const { dataset, now } = await generatedDataset()
  const world = World.fromDataset(dataset)
  const org = dataset.collections.Organization?.[0]?.id as number
  const mine = (name: string): Row | undefined => dataset.collections[name]?.find((r) => r._organization_id === undefined || r._organization_id === org)
  const project = mine('Project')?.id
  const fill: Record<string, number | undefined> = { organization_id: org, project_id: project, user_id: dataset.me, team_id: mine('Team')?.id, client_id: mine('Client')?.id, integration_id: mine('Integration')?.id }
  const day = (back: number) => new Date(Math.floor(now / 86_400_000) * 86_400_000 - back * 86_400_000).toISOString()
  let answered = 0
  for (const op of OPERATIONS) {
    if (op.method !== 'GET') continue
    let nothing = false
    const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      const twin = op.twin
      if (twin.kind === 'get' && twin.idParam === name) {
        const row = dataset.collections[twin.collection]?.find((r) => (r._organization_id === undefined || r._organization_id === org) && (twin.scope?.param !== 'project_id' || r.project_id === project))
        nothing = row === undefined
        return String(row?.id ?? 0)
      }
      return String(fill[name] ?? 0)
    })
    const query: string[] = []
    for (const p of op.params) {
      const range = /^(\w+)\[(start|stop)\]$/.exec(p.name)
      if (range !== null && p.required === true) query.push(`${p.name}=${p.schema.format === 'date' ? day(range[2] === 'start' ? 3 : 0).slice(0, 10) : day(range[2] === 'start' ? 3 : 0)}`)
      else if (p.required === true && p.in === 'query') query.push(`${p.name}=${dataset.me}`)
      if (p.name === 'include' && p.schema.items?.enum !== undefined) query.push(`include=${p.schema.items.enum.join(',')}`)
    }
    const request = { method: 'GET', path, query: query.join('&'), headers: {}, body: undefined, now }
    const answer = engine.answer(world, request)
    // A collection the small organization has no record of has nothing to read by id.
    if (answer === undefined || nothing) continue
    answered++
    t.equal(answer.status, 200, `${op.path} answers`, { body: answer.body.toString() })
    if (answer.status === 200) check(t, op, answer.status, answer.body.toString(), `GET ${op.path}`)
  }
  t.ok(answered > 70, `${answered} reads answered by the twin`)
})

void t.test('every write the twin answers matches its operation', async (t) => {
  const { dataset, now } = await generatedDataset()
  const world = World.fromDataset(dataset)
  const org = dataset.collections.Organization?.[0]?.id as number
  const inOrg = (name: string): Row => dataset.collections[name]?.find((r) => r._organization_id === org) as Row
  const project = inOrg('Project').id
  const task = dataset.collections.Task?.find((r) => r.project_id === project) as Row
  const member = dataset.collections.OrganizationMember?.find((m) => m._organization_id === org && m.user_id !== dataset.me && m.membership_status === 'active') as Row
  const writes: [string, string, unknown][] = [
    ['POST', `/v2/projects/${project}/tasks`, { summary: 'Checked task', assignee_ids: [dataset.me] }],
    ['PUT', `/v2/tasks/${task.id}`, { lock_version: task.lock_version, summary: 'Checked' }],
    ['PUT', `/v2/tasks/${task.id}/update_metadata`, { lock_version: (task.lock_version as number) + 1, metadata: [{ key: 'sprint', value: '9' }] }],
    ['DELETE', `/v2/tasks/${task.id}`, undefined],
    ['POST', `/v2/organizations/${org}/projects`, { name: 'Checked project' }],
    ['PUT', `/v2/projects/${project}`, { description: 'Checked' }],
    ['PUT', `/v2/projects/${project}/update_metadata`, { metadata: [{ key: 'owner', value: 'ops' }] }],
    ['POST', `/v2/organizations/${org}/clients`, { name: 'Checked client' }],
    ['POST', `/v2/organizations/${org}/members`, { user: { email: 'checked@example.com', password: 'not-shown' } }],
    ['PUT', `/v2/organizations/${org}/update_members`, { members: [{ user_id: member.user_id, role: 'manager' }] }],
    ['PUT', `/v2/projects/${project}/update_members`, { members: [{ user_id: member.user_id, role: 'user' }] }],
    ['POST', `/v2/organizations/${org}/teams`, { name: 'Checked team' }],
    ['PUT', `/v2/organizations/${org}/update_metadata`, { metadata: [{ key: 'plan', value: 'pro' }] }],
    ['POST', `/v2/users/${dataset.me}/time_entries`, { project_id: project, start_time: new Date(now + 3_600_000).toISOString(), tracked: 1200 }],
    ['POST', `/v2/organizations/${org}/webhooks`, { events: ['task.created'], target_url: 'https://example.com/checked' }],
    ['POST', '/v2/users/me/webhooks', { events: ['task.created'], target_url: 'https://example.com/mine' }],
    ['POST', '/v2/organizations', { name: 'Checked organization' }],
    ['POST', `/v2/organizations/${org}/global_todos`, { name: 'Checked to-do', project_ids: [project] }],
    ['POST', `/v2/organizations/${org}/invites`, { email: 'invitee@example.com' }],
  ]
  for (const [method, url, body] of writes) {
    const answer = ask(engine, world, method, url, { body, now })
    const op = OPERATIONS.find((o) => o.method === method && new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(url) && !(o.path.includes('{') && url === '/v2/users/me/webhooks' && o.path !== url))
    t.ok(answer.status < 300, `${method} ${url} is taken`, { body: answer.text })
    if (op !== undefined && answer.status < 300) check(t, op, answer.status, answer.text, `${method} ${url}`)
    t.notMatch(answer.text, /not-shown|"_/, 'nothing internal or write-only')
  }
})
