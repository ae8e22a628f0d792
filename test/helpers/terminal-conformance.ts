// One set of tests for every terminal (live, record, replay, mock): what the stages in front of a
// terminal rely on, whichever mode answers. A read, a write and an error each come back in the
// GatewayResponse shape with `source` set (or, for an error, as a GatewayError the error handler
// turns into a problem); a request whose app leaves settles at once. The
// test/terminal-conformance-*.test.ts files run it; `startHubstaffLike` is the Hubstaff the live
// and record terminals talk to.
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'
import { ANONYMOUS } from '../../src/apps.js'
import { isGatewayError } from '../../src/errors.js'
import type { AnswerSource, GatewayRequest, GatewayResponse, Handler } from '../../src/pipeline/types.js'
import { RequestAborted } from '../../src/upstream/client.js'

export interface TerminalUnderTest {
  readonly handler: Handler
  readonly source: AnswerSource
  /** An organization the write creates a project in. */
  readonly organization: number
  /**
   * Resolves once the abort test's request (GET /v2/projects/1) waits on something that does not
   * answer; undefined where nothing makes a request wait (it is then aborted as it starts).
   */
  readonly held?: () => Promise<void>
}

export type MakeTerminal = (t: Test) => Promise<TerminalUnderTest>

let ids = 0
export function gatewayRequest(method: string, path: string, options: { query?: string; body?: unknown; signal?: AbortSignal } = {}): GatewayRequest {
  const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body))
  return {
    id: `conformance-${++ids}`,
    method,
    path,
    query: options.query ?? '',
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body,
    signal: options.signal ?? new AbortController().signal,
    app: ANONYMOUS,
  }
}

/** The requests every terminal is asked. */
export const READ = (): GatewayRequest => gatewayRequest('GET', '/v2/users/me')
export const WRITE = (organization: number): GatewayRequest => gatewayRequest('POST', `/v2/organizations/${organization}/projects`, { body: { name: 'Conformance' } })
export const MISSING = (): GatewayRequest => gatewayRequest('GET', '/v2/tasks/999999999')
export const HELD_PATH = '/v2/projects/1'

function checkShape(t: Test, answer: GatewayResponse, source: AnswerSource): void {
  t.ok(Number.isInteger(answer.status) && answer.status >= 100 && answer.status <= 599, `status ${answer.status} is an HTTP status`)
  t.ok(Buffer.isBuffer(answer.body), 'the body is a Buffer')
  t.equal(answer.source, source, `source is ${source}`)
  t.ok(Number.isInteger(answer.upstreamCalls) && answer.upstreamCalls >= 0, 'upstreamCalls is a count')
  const names = Object.keys(answer.headers)
  t.same(
    names.filter((n) => n !== n.toLowerCase() || !['string', 'object', 'undefined'].includes(typeof answer.headers[n])),
    [],
    'header names are lower-case, values strings or lists',
  )
}

export function terminalConformance(t: Test, name: string, make: MakeTerminal): void {
  void t.test(`${name}: a read answers in the GatewayResponse shape, with its source`, async (t) => {
    const under = await make(t)
    const answer = await under.handler(READ())
    checkShape(t, answer, under.source)
    t.equal(answer.status, 200)
    t.match(JSON.parse(answer.body.toString('utf8')), { user: { id: Number } }, 'the JSON Hubstaff would send')
  })

  void t.test(`${name}: a write answers with what was created`, async (t) => {
    const under = await make(t)
    const answer = await under.handler(WRITE(under.organization))
    checkShape(t, answer, under.source)
    t.equal(answer.status, 201)
    t.match(JSON.parse(answer.body.toString('utf8')), { project: { id: Number, name: 'Conformance' } })
  })

  void t.test(`${name}: an error is an answer with its source, or a GatewayError, never anything else`, async (t) => {
    const under = await make(t)
    try {
      const answer = await under.handler(MISSING())
      checkShape(t, answer, under.source)
      t.equal(answer.status, 404)
    } catch (err) {
      t.ok(isGatewayError(err), `thrown as a GatewayError: ${String(err)}`)
      if (isGatewayError(err)) t.equal(err.status, 404)
    }
  })

  void t.test(`${name}: a request whose app leaves settles at once`, async (t) => {
    const under = await make(t)
    const controller = new AbortController()
    const settled = under.handler(gatewayRequest('GET', HELD_PATH, { signal: controller.signal })).then(
      (answer) => ({ answer }),
      (error: unknown) => ({ error }),
    )
    if (under.held === undefined) controller.abort()
    else {
      await under.held()
      controller.abort()
    }
    const outcome = await settled
    if (under.held !== undefined) {
      t.ok('error' in outcome && outcome.error instanceof RequestAborted, 'a request that was waiting rejects as RequestAborted, at once')
    } else if ('error' in outcome) {
      // Nothing held it: it may have been answered (or refused) before anyone looked at the signal.
      t.ok(outcome.error instanceof RequestAborted || isGatewayError(outcome.error), `rejected as RequestAborted or a GatewayError: ${String(outcome.error)}`)
    } else checkShape(t, outcome.answer, under.source)
  })
}

/** A Hubstaff that answers the conformance requests as Hubstaff would, and holds GET /v2/projects/1 until it closes. */
export async function startHubstaffLike(t: Test): Promise<{ readonly origin: string; readonly held: () => Promise<void>; readonly requests: string[] }> {
  const requests: string[] = []
  const waiting: (() => void)[] = []
  // Held requests whose connection is still open.
  let holding = 0
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': `up-${requests.length}` })
    res.end(JSON.stringify(body))
  }
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    requests.push(`${req.method} ${path}`)
    req.resume()
    req.on('end', () => {
      if (req.method === 'GET' && path === '/v2/users/me') return send(res, 200, { user: { id: 7, name: 'Ada Lovelace', email: 'ada@example.com' } })
      if (req.method === 'POST' && /^\/v2\/organizations\/\d+\/projects$/.test(path)) return send(res, 201, { project: { id: 900, name: 'Conformance', status: 'active' } })
      if (req.method === 'GET' && path === HELD_PATH) {
        holding++
        res.on('close', () => holding--)
        for (const wake of waiting.splice(0)) wake()
        return
      }
      send(res, 404, { code: 'not_found', error: 'Could not find record' })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    server.close()
  })
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    held: () =>
      new Promise<void>((resolve) => {
        const check = () => (holding > 0 ? resolve() : void waiting.push(check))
        check()
      }),
  }
}
