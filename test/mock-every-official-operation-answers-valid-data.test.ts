// A gateway in mock mode answers every operation of Hubstaff's official document, all 138, with a
// 2xx (or 204) whose body validates against the official response schema. Ids are the model's own,
// found by walking its lists first; write bodies are built from the request schemas; required date
// ranges are a recent valid range. Each operation runs in a session of its own, so a delete never
// takes away what another operation needs. The document lives beside the project (../shared),
// never in it: without it, this test skips.
import { existsSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { OPERATIONS, SCHEMAS } from '../src/api/description.js'
import type { JsonSchema } from '../src/api/types.js'
import { startTestGateway } from './helpers/gateway.js'
import { asHubstaffAnswers, dropUnusableTypes, readDoc, schemaValidator, type Doc } from './helpers/mock.js'

const OFFICIAL = path.resolve(import.meta.dirname, '../../shared/hubstaff/hubstaff-v2.swagger.json')
const SKIP = existsSync(OFFICIAL) ? false : `${OFFICIAL} is absent (it lives beside the project, not in it): skipped`

const DAY = 86_400_000
type Json = Record<string, unknown>
interface SwaggerParam {
  readonly name: string
  readonly in: string
  readonly required?: boolean
  readonly type?: string
  readonly format?: string
  readonly enum?: readonly unknown[]
}
interface SwaggerOperation {
  readonly parameters?: SwaggerParam[]
  readonly responses: Record<string, { readonly schema?: unknown }>
}

const today = Math.floor(Date.now() / DAY) * DAY
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const isoTime = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z')

/** A valid recent range: `days` whole days ending today (dates inclusive, times exclusive). */
function rangeValue(param: SwaggerParam, days: number): string {
  const stop = param.name.endsWith('[stop]')
  if (param.format === 'date') return isoDay(stop ? today - DAY : today - days * DAY)
  return isoTime(stop ? today : today - days * DAY)
}

/** The list a path parameter's ids come from: `project_id` → `projects`. */
function listOf(param: string): string {
  if (param === 'rule_id') return 'smart_notification_rules'
  if (param === 'id') return 'global_todos'
  const base = param.replace(/_id$/, '')
  return base.endsWith('y') ? `${base.slice(0, -1)}ies` : `${base}s`
}

function parametersOf(doc: Doc, route: string, op: SwaggerOperation): SwaggerParam[] {
  const shared = (doc.paths[route] as { parameters?: SwaggerParam[] } | undefined)?.parameters ?? []
  return [...shared, ...(op.parameters ?? [])]
}

void t.test('every official operation answers 2xx with data valid against its official schema', { skip: SKIP }, async (t) => {
  const doc = readDoc(OFFICIAL)
  for (const place of dropUnusableTypes(doc)) t.comment(`not a JSON Schema type, so not checked: ${place}`)
  asHubstaffAnswers(doc)
  const schemaOf = schemaValidator(doc)
  const gw = await startTestGateway({ mode: 'mock', stateDir: t.testdir(), logLevel: 'warn' })
  t.teardown(() => gw.close())

  async function call(method: string, url: string, options: { session?: string; body?: unknown } = {}): Promise<{ status: number; text: string; json: () => Json }> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (options.session !== undefined) headers['x-gateway-session'] = options.session
    if (options.body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(gw.address + url, { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) })
    const text = await res.text()
    return { status: res.status, text, json: () => JSON.parse(text) as Json }
  }

  // ---- walk the lists: the model's own ids ----
  const me = (await call('GET', '/v2/users/me')).json().user as Json
  const organization = ((await call('GET', '/v2/organizations')).json().organizations as Json[])[0] as Json
  t.ok(me?.id !== undefined && organization?.id !== undefined, 'the model has a user and an organization')
  const records = new Map<string, Json[]>()
  const operations = Object.entries(doc.paths).flatMap(([route, item]) =>
    Object.entries(item as Record<string, SwaggerOperation>)
      .filter(([method]) => method !== 'parameters')
      .map(([method, op]) => ({ route, method: method.toUpperCase(), op })),
  )
  t.equal(operations.length, 138, 'the official document has 138 operations')
  for (const { route, method, op } of operations) {
    if (method !== 'GET' || !/^\/v2\/organizations\/\{organization_id\}\/[a-z_/]+$/.test(route)) continue
    const query = new URLSearchParams()
    for (const p of parametersOf(doc, route, op)) if (p.in === 'query' && p.required === true) query.append(p.name, /\[(start|stop)\]$/.test(p.name) ? rangeValue(p, 7) : String(me.id))
    const answer = await call('GET', `${route.replace('{organization_id}', String(organization.id))}${query.size === 0 ? '' : `?${query.toString()}`}`)
    if (answer.status !== 200) continue
    for (const [key, value] of Object.entries(answer.json())) {
      if (!Array.isArray(value)) continue
      const found = value.filter((r): r is Json => typeof r === 'object' && r !== null && typeof (r as Json).id === 'number')
      records.set(key, [...(records.get(key) ?? []), ...found])
    }
  }
  records.set('users', [me])
  records.set('organizations', [organization])
  t.comment(`lists walked: ${[...records].map(([k, v]) => `${k} ${v.length}`).join(', ')}`)

  // ---- bodies from the request schemas ----
  let serial = 0
  function build(schema: JsonSchema | undefined, name: string, target: Json | undefined): unknown {
    if (schema === undefined) return 'e2e'
    if (schema.$ref !== undefined) return build(SCHEMAS[schema.$ref], name, target)
    if (schema.enum !== undefined) return schema.enum[0]
    if (name === 'lock_version') return target?.lock_version ?? 0
    switch (schema.type) {
      case 'object': {
        const out: Json = {}
        for (const field of schema.required ?? []) out[field] = build(schema.properties?.[field], field, target)
        return out
      }
      case 'array':
        return [build(schema.items, name.replace(/_ids$/, '_id'), target)]
      case 'integer':
      case 'number': {
        if (/_id$/.test(name)) {
          const own = target?.[name]
          if (typeof own === 'number') return own
          if (name === 'organization_id') return organization.id
          const first = records.get(listOf(name))?.[0]?.id
          return first ?? me.id
        }
        return schema.minimum ?? 1
      }
      case 'boolean':
        return true
      default: {
        serial++
        if (schema.format === 'date') return isoDay(today + (/(stop|end)/.test(name) ? 8 : 7) * DAY)
        // Long ago and at night: manual time must not overlap time the model already tracked.
        if (schema.format === 'date-time') return isoTime(today - 150 * DAY + (/(stop|end)/.test(name) ? 4 : 3) * 3_600_000)
        if (schema.format === 'email' || name === 'email') return `e2e-${serial}@example.com`
        if (schema.format === 'uri' || /url$/.test(name)) return `https://example.com/hook/${serial}`
        return `e2e_${serial}`
      }
    }
  }

  // ---- every operation, each in its own session ----
  const failures: string[] = []
  let n = 0
  for (const { route, method, op } of operations) {
    const session = `op-${++n}`
    const params = parametersOf(doc, route, op)
    const names = [...route.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string)
    const last = names.at(-1)
    let target: Json | undefined = last === undefined || last === 'organization_id' ? undefined : last === 'user_id' ? me : records.get(listOf(last))?.[0]
    if (target === undefined && last !== undefined && last !== 'organization_id') {
      // Nothing of the kind in the seeded organization: the operation's session creates one first.
      const list = last === 'webhook_id' ? 'webhooks' : listOf(last)
      const maker = OPERATIONS.find((o) => o.method === 'POST' && o.path.startsWith('/v2/organizations/{organization_id}/') && o.path.endsWith(`/${list}`))
      if (maker !== undefined) {
        const made = await call('POST', maker.path.replace('{organization_id}', String(organization.id)), { session, body: build(maker.body?.schema, '', undefined) })
        const record = Object.values(made.json()).find((v) => typeof v === 'object' && v !== null && !Array.isArray(v))
        if (made.status >= 200 && made.status < 300 && record !== undefined) target = record as Json
        else t.comment(`${maker.method} ${maker.path} to make a ${last}: ${made.status} ${made.text.slice(0, 200)}`)
      }
    }
    const url = route.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      if (name === 'organization_id') return String(target?.organization_id ?? organization.id)
      if (name === last) return String(Number(target?.id ?? 0))
      return String(Number(target?.[name] ?? records.get(listOf(name))?.[0]?.id ?? 0))
    })
    const query = new URLSearchParams()
    for (const p of params) if (p.in === 'query' && p.required === true) query.append(p.name, /\[(start|stop)\]$/.test(p.name) ? rangeValue(p, 1) : String(me.id))
    const ours = OPERATIONS.find((o) => o.method === method && o.path === route)
    const body = ours?.body === undefined ? undefined : build(ours.body.schema, '', target)
    const answer = await call(method, `${url}${query.size === 0 ? '' : `?${query.toString()}`}`, { session, ...(body === undefined ? {} : { body }) })
    const what = `${method} ${route}`
    const documented = op.responses[String(answer.status)]
    if (answer.status < 200 || answer.status > 299 || documented === undefined) {
      failures.push(`${what}: ${answer.status} ${answer.text.slice(0, 200)}`)
      t.fail(`${what} answers a documented 2xx`, { status: answer.status, url, body, answer: answer.text.slice(0, 500) })
      continue
    }
    if (answer.status === 204 || documented.schema === undefined) {
      t.pass(`${what}: ${answer.status}`)
      continue
    }
    const validate = schemaOf(['paths', route, method.toLowerCase(), 'responses', String(answer.status), 'schema'])
    const valid = validate(answer.json())
    if (!valid) failures.push(`${what}: ${answer.status} not valid: ${JSON.stringify(validate.errors?.slice(0, 3))}`)
    t.ok(valid, `${what}: ${answer.status}, valid against its official schema`, { errors: validate.errors?.slice(0, 5), url })
  }
  if (failures.length > 0) t.comment(`failing:\n${failures.join('\n')}`)
})
