// The servers the benchmarks load, one per child process so each can be pinned to its own CPU.
// Started by bench/run.mjs as
//   node --import @tapjs/typescript/import --expose-gc bench/servers.ts <role> [args...]
// Each one sends `{ address, ... }` over IPC once it listens, answers 'cpu' with the CPU time it
// used so far (µs), and exits when its parent disconnects.
//
// roles:
//   bare                          node:http answering a 2 KB body with Hubstaff's headers
//   fastify                       Fastify answering the same bytes from a Map
//   gateway-cache <entries>       the gateway (dist/) with <entries> answers cached; 'measure' asks the
//                                 memory one cached entry costs (heap + buffers, freed by a purge)
//   upstream                      the fake Hubstaff (test/helpers) for the pass-through benchmark
//   gateway-live <origin> <rt>    the gateway, cache off, forwarding every request to <origin>
//   reply-from <origin> <token>   a plain Fastify + @fastify/reply-from proxy to <origin>
//   gateway-mock <spec> <on|off>  the gateway in mock mode
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { runInNewContext } from 'node:vm'
import { Pool, request } from 'undici'
import type * as LoadModule from '../src/config/load.js'
import type * as LoggerModule from '../src/logger.js'
import type * as ServerModule from '../plugins/server.js'

import { body, HEADERS } from './body.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BODY = body()

function memory(): number {
  const collect = runInNewContext('gc') as (() => void) | undefined
  for (let i = 0; i < 4; i++) collect?.()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler)
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)))
}

/** Ready: tell the parent, answer its CPU questions, and leave with it. */
function ready(info: Record<string, unknown>, onExit: () => void = () => {}): void {
  process.on('message', (message) => {
    if (message !== 'cpu') return
    const { user, system } = process.cpuUsage()
    process.send?.({ cpu: user + system })
  })
  process.on('disconnect', () => {
    onExit()
    process.exit(0)
  })
  process.send?.(info)
}

async function bare(): Promise<void> {
  const address = await listen((_req, res) => {
    res.writeHead(200, { ...HEADERS, 'content-length': BODY.length })
    res.end(BODY)
  })
  ready({ address })
}

/** Fastify answering the same bytes from a Map: what the framework alone costs. */
async function fastifyMap(): Promise<void> {
  const { default: Fastify } = await import('fastify')
  const app = Fastify({ logger: false })
  const answers = new Map([['/v2/bench/items/0', BODY]])
  app.get('/v2/*', (req, reply) => {
    const found = answers.get(req.url)
    if (found === undefined) return reply.code(404).send()
    return reply.headers(HEADERS).send(found)
  })
  ready({ address: await app.listen({ port: 0, host: '127.0.0.1' }) })
}

/** Tokens and the same body for every /v2 path: the cache benchmark's upstream, in-process. */
function stubUpstream(): Promise<string> {
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url')
  const exp = Math.floor(Date.now() / 1000) + 86_400
  const token = `${b64({ alg: 'none' })}.${b64({ exp })}.sig`
  return listen((req, res) => {
    req.resume()
    req.on('end', () => {
      if (req.url === '/access_tokens') {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ access_token: token, refresh_token: `r${Date.now()}`, expires_in: 86_400, token_type: 'bearer' }))
        return
      }
      res.writeHead(200, { ...HEADERS, date: new Date().toUTCString() })
      res.end(BODY)
    })
  })
}

async function startGateway(flags: Record<string, string>) {
  const dist = (path: string) => pathToFileURL(join(ROOT, 'dist', path)).href
  const { loadConfig } = (await import(dist('src/config/load.js'))) as typeof LoadModule
  const { createLogger } = (await import(dist('src/logger.js'))) as typeof LoggerModule
  const { startServer } = (await import(dist('plugins/server.js'))) as typeof ServerModule
  const stateDir = mkdtempSync(join(tmpdir(), 'hsg-bench-'))
  // Warn: one info line per request would measure pino, not the gateway.
  // BENCH_GATEWAY_FLAGS: more settings for every gateway, as JSON (e.g. '{"journalSize":"100"}').
  const extra = JSON.parse(process.env.BENCH_GATEWAY_FLAGS ?? '{}') as Record<string, string>
  const { config } = loadConfig({ flags: { port: '0', stateDir, logLevel: 'warn', ...flags, ...extra }, configFile: undefined }, {})
  const server = await startServer(config, createLogger(config.logLevel))
  return { server, cleanup: () => rmSync(stateDir, { recursive: true, force: true }) }
}

async function gatewayCache(entries: number): Promise<void> {
  const origin = await stubUpstream()
  const { server, cleanup } = await startGateway({
    upstream: origin,
    authUrl: origin,
    refreshToken: 'bench-refresh-token',
    budget: '1000000',
    cacheMaxEntries: String(entries + 1000),
    cacheMaxBytes: String(4 * 1024 * 1024 * 1024),
    cachePolicy: '{"/v2/bench/**":86400}',
  })
  const pool = new Pool(server.address, { connections: 32 })
  let next = 0
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < entries) {
        const res = await pool.request({ method: 'GET', path: `/v2/bench/items/${next++}` })
        await res.body.dump()
      }
    }),
  )
  await pool.close()
  // Asked at the end: what the entries hold is what a purge gives back (the rest of the process
  // is measured on both sides and cancels out).
  process.on('message', (message) => {
    if (message !== 'measure') return
    const full = memory()
    void server.gateway.purgeCache().then((purged) => {
      const empty = memory()
      process.send?.({ perEntry: (full - empty) / purged })
    })
  })
  ready({ address: server.address, entries: server.gateway.cacheStats().entries, bodyBytes: BODY.length }, cleanup)
}

async function upstream(): Promise<void> {
  const { startFakeHubstaff } = await import('../test/helpers/fake-hubstaff.js')
  const fake = await startFakeHubstaff({ accessTokenTtl: 86_400 })
  // Its request log is for tests; a benchmark would only grow it.
  setInterval(() => fake.requests.splice(0), 1000).unref()
  const exchange = await request(`${fake.origin}/access_tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: fake.issueRefreshToken() }).toString(),
  })
  const { access_token: accessToken } = (await exchange.body.json()) as { access_token: string }
  ready({ address: fake.origin, refreshToken: fake.issueRefreshToken(), accessToken })
}

async function gatewayLive(origin: string, refreshToken: string): Promise<void> {
  const { server, cleanup } = await startGateway({ upstream: origin, authUrl: origin, refreshToken, cache: 'off', budget: '1000000', budgetWindow: '1' })
  ready({ address: server.address }, cleanup)
}

async function replyFrom(origin: string, accessToken: string): Promise<void> {
  const { default: Fastify } = await import('fastify')
  const { default: proxy } = await import('@fastify/reply-from')
  const app = Fastify({ logger: false })
  // The same connection pool size as the gateway's --upstream-connections default.
  await app.register(proxy, { base: origin, undici: { connections: 16, pipelining: 1 } })
  app.get('/v2/*', (req, reply) => {
    void reply.from(req.url, {
      rewriteRequestHeaders: (_req, headers) => ({ ...headers, authorization: `Bearer ${accessToken}` }),
    })
  })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  ready({ address })
}

async function gatewayMock(spec: string, cache: string): Promise<void> {
  const { server, cleanup } = await startGateway({ mode: 'mock', spec, cache })
  ready({ address: server.address }, cleanup)
}

const [role, a = '', b = ''] = process.argv.slice(2)
const roles: Record<string, () => Promise<void>> = {
  bare,
  fastify: fastifyMap,
  'gateway-cache': () => gatewayCache(Number(a)),
  upstream,
  'gateway-live': () => gatewayLive(a, b),
  'reply-from': () => replyFrom(a, b),
  'gateway-mock': () => gatewayMock(a, b),
}
const run = role === undefined ? undefined : roles[role]
if (run === undefined) {
  console.error(`bench/servers.ts: unknown role ${role}; one of ${Object.keys(roles).join(', ')}`)
  process.exit(2)
}
run().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
