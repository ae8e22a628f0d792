// The table of ranged endpoints against Hubstaff's own catalog: every GET taking a
// `<param>[start]`/`<param>[stop]` pair is in it, with that parameter's format, whether Hubstaff
// requires it, the documented maximum span and history, and the answer's list key.
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import t from 'tap'
import { RANGED_ENDPOINTS, rangeFilters, rangedEndpointFor, templatesOf } from '../src/api/ranges.js'

const CATALOG = resolve(import.meta.dirname, '../../shared/hubstaff/hubstaff-v2.swagger.json')

interface SwaggerParam {
  readonly name: string
  readonly format?: string
  readonly required?: boolean
}
interface SwaggerOperation {
  readonly description?: string
  readonly parameters?: readonly SwaggerParam[]
  readonly responses: Record<string, { readonly schema?: { readonly $ref?: string; readonly properties?: Record<string, { readonly type?: string }> } }>
}
interface Swagger {
  readonly paths: Record<string, Record<string, SwaggerOperation>>
  readonly definitions: Record<string, { readonly properties?: Record<string, { readonly type?: string }> }>
}

/** The most days `n` calendar months or years ago can be (Hubstaff counts calendar units, the table days). */
function mostDays(n: number, unit: string): number {
  if (unit === 'day') return n
  let most = 0
  for (let month = 0; month < 48; month++) {
    const from = Date.UTC(2024, month)
    const to = unit === 'month' ? Date.UTC(2024, month + n) : Date.UTC(2024 + n, month)
    most = Math.max(most, (to - from) / 86_400_000)
  }
  return most
}

if (!existsSync(CATALOG)) {
  t.plan(0, `the official catalog is not here (${CATALOG}): nothing to compare with`)
} else {
  const swagger = JSON.parse(readFileSync(CATALOG, 'utf8')) as Swagger
  const ranged = new Map<string, SwaggerOperation>()
  for (const [path, item] of Object.entries(swagger.paths)) {
    const get = item.get
    const names = new Set(get?.parameters?.map((p) => p.name))
    if (get !== undefined && [...names].some((n) => n.endsWith('[start]') && names.has(n.replace(/\[start\]$/, '[stop]')))) ranged.set(path, get)
  }

  void t.test('every ranged GET of the catalog is in the table, and nothing else', (t) => {
    const ours = new Set(RANGED_ENDPOINTS.flatMap(templatesOf))
    t.same([...ranged.keys()].filter((path) => !ours.has(path)), [], 'missing from the table')
    t.same([...ours].filter((path) => !ranged.has(path)), [], 'not ranged in the catalog')
    t.end()
  })

  void t.test('each entry says what the catalog says', (t) => {
    for (const endpoint of RANGED_ENDPOINTS) {
      for (const template of templatesOf(endpoint)) {
        const operation = ranged.get(template)
        if (operation === undefined) continue
        const params = new Map(operation.parameters?.map((p) => [p.name, p]))
        const pairs = [...params.keys()].filter((n) => n.endsWith('[start]') && params.has(n.replace(/\[start\]$/, '[stop]'))).map((n) => n.slice(0, -'[start]'.length))
        t.same(rangeFilters(endpoint).map((f) => f.param).sort(), pairs.sort(), `${template}: its ranges`)
        for (const filter of rangeFilters(endpoint)) {
          t.equal(params.get(`${filter.param}[start]`)?.format, filter.kind, `${template}: ${filter.param} is a ${filter.kind}`)
        }
        t.equal(params.get(`${endpoint.param}[start]`)?.required === true, endpoint.required, `${template}: ${endpoint.param} required or not`)

        const description = operation.description ?? ''
        const limit = /(?:range limit is|difference between \S+ and \S+ is) (\d+) days/i.exec(description)
        t.equal(endpoint.maxDays, limit === null ? undefined : Number(limit[1]), `${template}: maximum span`)
        const earliest = /Earliest date is (\d+) (day|month|year)s? ago|Only returns \w+ from the last (month)/i.exec(description)
        const history = earliest === null ? undefined : earliest[3] !== undefined ? mostDays(1, 'month') : mostDays(Number(earliest[1]), (earliest[2] ?? '').toLowerCase())
        t.equal(endpoint.historyDays, history, `${template}: history`)

        const schema = operation.responses['200']?.schema
        const ref = schema?.$ref?.split('/').pop()
        const lists = Object.entries((ref === undefined ? schema : swagger.definitions[ref])?.properties ?? {}).filter(([, p]) => p.type === 'array').map(([k]) => k)
        t.equal(lists[0], endpoint.listKey, `${template}: list key`)
        t.equal(rangedEndpointFor(template.replace(/\{[^}]+\}/, '1001')), endpoint, `${template}: found by a concrete path`)
      }
    }
    t.end()
  })
}
