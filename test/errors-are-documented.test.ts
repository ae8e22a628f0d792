// docs/errors.md is the one place that documents every HSG_* code; this keeps it and the registry
// in step, and pins the problem+json shape every code leaves the gateway in.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { ConfigError, ERRORS, GatewayError, isGatewayError, type ErrorCode } from '../src/errors.js'

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8')
const codes = Object.keys(ERRORS) as ErrorCode[]

/** Table rows whose first cell is a code: `| \`HSG_X\` | 503 | ... |`. */
const rows = new Map<string, string[][]>()
for (const line of doc.split('\n')) {
  const m = /^\|\s*`(HSG_[A-Z0-9_]+)`\s*\|(.*)\|\s*$/.exec(line)
  if (m === null) continue
  const [, code = '', rest = ''] = m
  const cells = rest.split('|').map((c) => c.trim())
  rows.set(code, [...(rows.get(code) ?? []), cells])
}

void t.test('every code in the registry has exactly one table row in docs/errors.md', (t) => {
  for (const code of codes) {
    const found = rows.get(code) ?? []
    t.equal(found.length, 1, `${code} has one row in docs/errors.md`)
  }
  t.end()
})

void t.test('every row has a status matching the registry and says when and what to do', (t) => {
  for (const [code, found] of rows) {
    const cells = found[0] ?? []
    t.equal(cells.length, 3, `${code}: status | when | what to do`)
    const definition = (ERRORS as Record<string, { status: number } | undefined>)[code]
    if (definition === undefined) continue // reported by the stale-code test
    t.match(cells[0] ?? '', new RegExp(`^${definition.status}\\b`), `${code}: documented status is ${definition.status}`)
    t.ok((cells[1] ?? '').length > 20, `${code}: says when it happens`)
    t.ok((cells[2] ?? '').length > 10, `${code}: says what to do`)
  }
  t.end()
})

void t.test('docs/errors.md names no code that the registry lacks', (t) => {
  const mentioned = new Set(doc.match(/\bHSG_[A-Z][A-Z0-9_]*[A-Z0-9]\b/g) ?? [])
  t.ok(mentioned.size >= codes.length, 'the page mentions codes')
  for (const code of mentioned) t.ok(code in ERRORS, `${code} (mentioned in docs/errors.md) exists in src/errors.ts`)
  t.end()
})

void t.test('codes follow HSG_<AREA>_<DETAIL> and every definition is a usable HTTP error', (t) => {
  for (const code of codes) {
    t.match(code, /^HSG_[A-Z]+(_[A-Z]+)*$/, `${code} is upper snake case`)
    const { status, title } = ERRORS[code]
    t.ok(status >= 400 && status <= 599, `${code}: status ${status} is an error status`)
    t.ok(title.length > 0, `${code}: has a title`)
  }
  t.end()
})

void t.test('GatewayError.toProblem() is RFC 9457 problem details with the code', (t) => {
  const err = new GatewayError('HSG_UPSTREAM_TIMEOUT', 'Hubstaff was slow.', {
    headers: { 'retry-after': '3' },
    extensions: { upstream: 'https://api.hubstaff.com' },
  })
  t.ok(isGatewayError(err))
  t.ok(err instanceof Error)
  t.equal(err.status, 504)
  t.same(err.headers, { 'retry-after': '3' })
  const problem = err.toProblem()
  t.same(problem, {
    type: 'urn:hubstaff-gateway:problem:HSG_UPSTREAM_TIMEOUT',
    title: ERRORS.HSG_UPSTREAM_TIMEOUT.title,
    status: 504,
    detail: 'Hubstaff was slow.',
    code: 'HSG_UPSTREAM_TIMEOUT',
    upstream: 'https://api.hubstaff.com',
  })
  for (const field of ['type', 'title', 'status', 'detail', 'code']) t.ok(field in problem, `has ${field}`)
  // JSON round trip: what goes on the wire.
  t.same(JSON.parse(JSON.stringify(problem)), problem)
  t.end()
})

void t.test('extensions never override the standard fields; a status override is honoured', (t) => {
  const err = new GatewayError('HSG_REQUEST_BAD_BODY', 'Unsupported Media Type', {
    status: 415,
    extensions: { code: 'NOT_OURS', status: 999, type: 'x', title: 'y', detail: 'z' },
  })
  const problem = err.toProblem()
  t.equal(problem.code, 'HSG_REQUEST_BAD_BODY')
  t.equal(problem.status, 415)
  t.equal(problem.type, 'urn:hubstaff-gateway:problem:HSG_REQUEST_BAD_BODY')
  t.equal(problem.title, ERRORS.HSG_REQUEST_BAD_BODY.title)
  t.equal(problem.detail, 'Unsupported Media Type')
  t.end()
})

void t.test('every code makes a problem whose type names the code', (t) => {
  for (const code of codes) {
    const problem = new GatewayError(code, 'x').toProblem()
    t.equal(problem.type, `urn:hubstaff-gateway:problem:${code}`)
    t.equal(problem.status, ERRORS[code].status)
    t.equal(problem.code, code)
  }
  t.end()
})

void t.test('a ConfigError is a GatewayError with code HSG_CONFIG_INVALID', (t) => {
  const err = new ConfigError('invalid --port "abc": expected a whole number')
  t.ok(err instanceof GatewayError)
  t.ok(isGatewayError(err))
  t.equal(err.name, 'ConfigError')
  t.equal(err.code, 'HSG_CONFIG_INVALID')
  t.equal(err.message, 'invalid --port "abc": expected a whole number')
  t.equal(err.toProblem().code, 'HSG_CONFIG_INVALID')
  t.end()
})
