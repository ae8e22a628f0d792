// The mode table is the pipeline: the gateway builds each mode's stages and terminal from
// src/pipeline/modes.ts, docs/architecture.md shows the same table, and a request runs wholly in the
// pipeline it entered, even when PUT /_gateway/mode switches while it is inside the split or the
// terminal: it keeps its mode's terminal, cache key and budget behaviour.
import { readFileSync } from 'node:fs'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { pino } from 'pino'
import t, { type Test } from 'tap'
import { request } from 'undici'
import { MODES, type Mode } from '../src/config/settings.js'
import { Gateway } from '../src/gateway.js'
import { MODE_TABLE, REPLAY_FALLBACK, type StageName, type TerminalName } from '../src/pipeline/modes.js'
import { startFakeHubstaff } from './helpers/fake-hubstaff.js'
import { ROOT, startTestGateway, testConfig, type Settings } from './helpers/gateway.js'

/** What the gateway built, without the handlers. */
async function builtTable(t: Test, settings: Settings): Promise<Record<string, unknown>> {
  const dir = t.testdir()
  const config = testConfig({ stateDir: join(dir, 'state'), recordings: join(dir, 'recordings'), ...settings })
  const gateway = await Gateway.create({ config, logger: pino({ level: 'silent' }) })
  t.teardown(() => gateway.close())
  return Object.fromEntries(MODES.map((mode) => [mode, { ...gateway.pipelines[mode], handle: undefined }]))
}

const row = (stages: StageName[], terminal: TerminalName, fallback?: object) => ({ stages, terminal, ...(fallback === undefined ? {} : { fallback }), handle: undefined })

void t.test('the gateway builds each mode from the table', async (t) => {
  t.match(await builtTable(t, { mode: 'replay' }), {
    live: row(['cache', 'split', 'auth', 'budget'], 'upstream'),
    record: row(['cache', 'split', 'auth', 'budget'], 'record'),
    replay: row(['cache', 'split'], 'replay', { stages: [] }),
    mock: row(['cache', 'split'], 'mock'),
  })
  const off = await builtTable(t, { mode: 'replay', cache: 'off', mockBudget: 'on', fallback: 'mock' })
  t.match(off, {
    live: row(['split', 'auth', 'budget'], 'upstream'),
    replay: row(['split'], 'replay', { stages: [], terminal: 'mock' }),
    mock: row(['split', 'budget'], 'mock'),
  }, '--cache off drops the cache everywhere; --mock-budget charges the mock')
})

void t.test('record-missing sends a replay miss through auth and budget to the recorder', async (t) => {
  const fake = await startFakeHubstaff()
  t.teardown(() => fake.close())
  t.match(await builtTable(t, { mode: 'replay', split: 'off', fallback: 'record-missing', upstream: fake.origin, authUrl: fake.origin, refreshToken: fake.issueRefreshToken() }), {
    replay: row(['cache'], 'replay', { stages: ['auth', 'budget'], terminal: 'record' }),
  })
})

/** The mode table of docs/architecture.md, read back into the module's shape. */
function readmeTable(): { modes: Record<string, unknown>; fallbacks: Record<string, unknown> } {
  const text = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8')
  const from = text.indexOf('**The mode table**')
  if (from < 0) throw new Error('docs/architecture.md has no mode table')
  const lines = text.slice(from).split('\n')
  const first = lines.findIndex((l) => l.startsWith('| mode |'))
  const after = lines.slice(first + 2)
  const rows = after.slice(0, after.findIndex((l) => !l.startsWith('|')))
  const camel = (flag: string) => flag.replace(/^--/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase())
  const names = (cell: string) => (cell === '' ? [] : cell.split(', ').map((s) => s.trim()))
  const modes: Record<string, unknown> = {}
  let fallbacks: Record<string, unknown> = {}
  for (const line of rows) {
    const [mode = '', stages = '', terminal = '', miss = ''] = line.split('|').slice(1, -1).map((c) => c.trim())
    const only: Record<string, string> = {}
    const stageNames = names(stages).map((s) => {
      const m = /^(\w+) \(`(--[\w-]+)`\)$/.exec(s)
      if (m === null) return s
      only[m[1] as string] = camel(m[2] as string)
      return m[1]
    })
    modes[mode.replace(/`/g, '')] = { stages: stageNames, ...(Object.keys(only).length === 0 ? {} : { only }), terminal }
    if (miss !== '') {
      fallbacks = Object.fromEntries(
        miss.split('; ').map((part) => {
          const [name = '', what = ''] = part.replace('--fallback ', '').split(': ')
          const chain = names(what)
          const last = chain.at(-1)
          return [name.replace(/`/g, ''), last === '404' ? { stages: [] } : { stages: chain.slice(0, -1), terminal: last }]
        }),
      )
    }
  }
  return { modes, fallbacks }
}

void t.test("the README's mode table is the module's", (t) => {
  const readme = readmeTable()
  t.same(readme.modes, MODE_TABLE)
  t.same(readme.fallbacks, REPLAY_FALLBACK)
  t.end()
})

/** A Hubstaff API that answers only when the test says so. */
interface Held {
  readonly path: string
  readonly query: string
  readonly authorization: string | undefined
  answer(status: number, body?: unknown): void
}

async function holdingUpstream(t: Test): Promise<{ origin: string; next(): Promise<Held> }> {
  const arrived: Held[] = []
  const waiting: ((held: Held) => void)[] = []
  const server = createServer((req, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://upstream')
    const held: Held = {
      path: url.pathname,
      query: url.search.slice(1),
      authorization: req.headers.authorization,
      answer(status, body) {
        const text = body === undefined ? '' : JSON.stringify(body)
        res.writeHead(status, text === '' ? { 'content-length': '0' } : { 'content-type': 'application/json; charset=utf-8' })
        res.end(text)
      },
    }
    req.resume()
    const waiter = waiting.shift()
    if (waiter === undefined) arrived.push(held)
    else waiter(held)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    server.close()
  })
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    next: () => {
      const held = arrived.shift()
      return held === undefined ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve(held)
    },
  }
}

void t.test('a request finishes in the mode it started in, whatever the switch says meanwhile', async (t) => {
  const fake = await startFakeHubstaff()
  t.teardown(() => fake.close())
  const upstream = await holdingUpstream(t)
  const gw = await startTestGateway({ upstream: upstream.origin, authUrl: fake.origin, refreshToken: fake.issueRefreshToken(), stateDir: t.testdir(), logLevel: 'warn' })
  t.teardown(() => gw.close())
  const gateway = gw.gateway
  const costs: number[] = []
  const acquire = gateway.budget.acquire.bind(gateway.budget)
  gateway.budget.acquire = (req) => {
    costs.push(req.cost ?? 1)
    return acquire(req)
  }
  const switchTo = async (t: Test, mode: Mode) => {
    const res = await request(`${gw.address}/_gateway/mode`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode }) })
    t.equal(res.statusCode, 200, `switched to ${mode}`)
    await res.body.dump()
  }
  const get = async (path: string) => {
    const res = await request(`${gw.address}${path}`)
    return { status: res.statusCode, source: res.headers['x-gateway-source'], body: await res.body.text() }
  }

  await t.test('held in the terminal: Hubstaff answers it, and its answer is cached as live', async (t) => {
    const answer = get('/v2/users/me')
    const held = await upstream.next()
    await switchTo(t, 'mock')
    held.answer(200, { user: { id: 77, name: 'Live User' } })
    t.match(await answer, { status: 200, source: 'upstream', body: /Live User/ })
    t.match(await get('/v2/users/me'), { status: 200, source: 'mock' }, 'the mock answers what arrives after the switch')
    await switchTo(t, 'live')
    t.match(await get('/v2/users/me'), { status: 200, source: 'cache', body: /Live User/ }, 'stored under the live key, not the mock one')
  })

  await t.test('held in the split: the plan reserves its pieces as live mode does', async (t) => {
    const range = 'time_slot[start]=2026-11-01T00:00:00Z&time_slot[stop]=2026-11-03T00:00:00Z'
    costs.length = 0
    const answer = get(`/v2/organizations/5/activities?${range}`)
    const whole = await upstream.next()
    t.equal(whole.query, range, 'a range within the maximum span goes whole first')
    await switchTo(t, 'mock')
    whole.answer(504)
    const pieces = [await upstream.next(), await upstream.next()]
    t.same(costs, [1, 2], 'one slot for the whole range, then both pieces reserved at once')
    for (const piece of pieces) {
      t.match(piece.authorization, /^Bearer /, 'each piece carries the token: it went through the live auth stage')
      piece.answer(200, { activities: [{ id: piece.query.includes('2026-11-01') ? 1 : 2 }] })
    }
    t.match(await answer, { status: 200, source: 'split' })
    t.same(JSON.parse((await answer).body), { activities: [{ id: 1 }, { id: 2 }] })
    t.match(await gateway.status(), { mode: 'mock', inflight: 0 })
  })
})

void t.test('a request that started in record mode is recorded, though replay mode took over meanwhile', async (t) => {
  const fake = await startFakeHubstaff()
  t.teardown(() => fake.close())
  const upstream = await holdingUpstream(t)
  const dir = t.testdir()
  const settings = { upstream: upstream.origin, authUrl: fake.origin, refreshToken: fake.issueRefreshToken(), stateDir: join(dir, 'state'), recordings: join(dir, 'recordings') }
  const gw = await startTestGateway({ ...settings, mode: 'record', logLevel: 'warn' })
  t.teardown(() => gw.close())
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await request(`${gw.address}${path}`, { method: method as 'GET', ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) })
    return { status: res.statusCode, source: res.headers['x-gateway-source'], body: await res.body.text() }
  }
  const answer = send('GET', '/v2/users/me')
  const held = await upstream.next()
  t.match(await send('PUT', '/_gateway/mode', { mode: 'replay' }), { status: 200 })
  held.answer(200, { user: { id: 78, name: 'Recorded User' } })
  t.match(await answer, { status: 200, source: 'upstream', body: /Recorded User/ })
  await gw.gateway.recordings.flush()
  t.match(await send('GET', '/v2/users/me'), { status: 200, source: 'replay', body: /Recorded User/ }, 'replay answers it from the recording its record-mode request wrote')
})
