// Benchmark, not a test: how fast the gateway answers from its cache, as ratios measured in one run.
//
//   npm run bench:cache          (builds dist/ first; the servers run the built code)
//
// Three server processes, each loaded in turn by autocannon from this process, in interleaved rounds:
//   bare   a node:http server answering the same 2 KB body with Hubstaff's headers
//   gw-1   the gateway with 1 cached entry, asked for it
//   gw-N   the gateway with N (100k) cached entries, asked for them in random order
// Reported: gw-1 / bare for throughput and p99 latency, gw-N / gw-1 likewise, and the memory one
// cached entry costs (heap and buffers, after GC) against its body size.
//
// Environment: BENCH_ENTRIES (100000), BENCH_DURATION seconds per run (5), BENCH_ROUNDS (3),
// BENCH_CONNECTIONS (50). The gateways log at warn: one info line per request would measure pino.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { runInNewContext } from 'node:vm'
import { Pool } from 'undici'
import type * as LoadModule from '../src/config/load.js'
import type * as LoggerModule from '../src/logger.js'
import type * as ServerModule from '../plugins/server.js'
import { body, HEADERS } from './body.js'

/** The part of autocannon's API used here (the package ships no types). */
interface Result {
  readonly requests: { readonly average: number; readonly total: number }
  readonly latency: { readonly p50: number; readonly p99: number }
  readonly errors: number
  readonly timeouts: number
  readonly non2xx: number
}
interface Request {
  method: string
  path: string
}
type Autocannon = (options: {
  url: string
  connections: number
  duration: number
  pipelining?: number
  requests: { method: string; path: string; setupRequest?: (request: Request) => Request }[]
}) => Promise<Result>
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 100_000)
const DURATION = Number(process.env.BENCH_DURATION ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)
const BODY = body()

function gc(): void {
  const collect = runInNewContext('gc') as (() => void) | undefined
  for (let i = 0; i < 4; i++) collect?.()
}

function memory(): number {
  gc()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

/** Answers the parent's 'cpu' question: CPU time used so far, in microseconds. */
function reportCpu(): void {
  process.on('message', (message) => {
    if (message !== 'cpu') return
    const { user, system } = process.cpuUsage()
    process.send?.({ cpu: user + system })
  })
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler)
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)))
}

/** The bare server: what answering these bytes costs without any gateway. */
async function bare(): Promise<void> {
  const address = await listen((_req, res) => {
    res.writeHead(200, { ...HEADERS, 'content-length': BODY.length })
    res.end(BODY)
  })
  reportCpu()
  process.send?.({ address })
}

/** A stand-in Hubstaff for the gateway: tokens and the same body for every /v2 path. */
function upstream(): Promise<string> {
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

/** A gateway (built code) with `entries` answers cached under /v2/bench/items/<n>. */
async function gateway(entries: number): Promise<void> {
  const dist = (path: string) => pathToFileURL(join(ROOT, 'dist', path)).href
  const { loadConfig } = (await import(dist('src/config/load.js'))) as typeof LoadModule
  const { createLogger } = (await import(dist('src/logger.js'))) as typeof LoggerModule
  const { startServer } = (await import(dist('plugins/server.js'))) as typeof ServerModule
  const origin = await upstream()
  const stateDir = mkdtempSync(join(tmpdir(), 'hsg-bench-'))
  process.on('exit', () => rmSync(stateDir, { recursive: true, force: true }))
  const flags = {
    port: '0',
    upstream: origin,
    authUrl: origin,
    refreshToken: 'bench-refresh-token',
    stateDir,
    logLevel: 'warn',
    budget: '1000000',
    cacheMaxEntries: String(entries + 1000),
    cacheMaxBytes: String(4 * 1024 * 1024 * 1024),
    cachePolicy: '{"/v2/bench/**":86400}',
  } as const
  const { config } = loadConfig({ flags, configFile: undefined }, {})
  const server = await startServer(config, createLogger(config.logLevel))

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
  const cache = server.gateway.cacheStats()
  reportCpu()
  process.send?.({ address: server.address, entries: cache.entries, countedPerEntry: cache.bytes / cache.entries })
  // Asked at the end: the memory the entries hold is what a purge gives back (the budget ledger and
  // the rest of the process are measured on both sides and cancel out).
  process.on('message', (message) => {
    if (message !== 'measure') return
    const full = memory()
    void server.gateway.purgeCache().then((purged) => {
      const empty = memory()
      process.send?.({ perEntry: (full - empty) / purged })
    })
  })
}

interface Child {
  readonly process: ChildProcess
  readonly info: { address: string; entries?: number; countedPerEntry?: number }
}

function start(role: string, ...args: string[]): Promise<Child> {
  const child = spawn(process.execPath, ['--import', '@tapjs/typescript/import', '--expose-gc', fileURLToPath(import.meta.url), role, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    child.once('message', (info) => resolve({ process: child, info: info as Child['info'] }))
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code} before it was ready`)))
  })
}

function ask<T>(child: Child, question: string, field: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (typeof message !== 'object' || message === null || !(field in message)) return
      child.process.off('message', onMessage)
      resolve((message as Record<string, T>)[field] as T)
    }
    child.process.on('message', onMessage)
    child.process.send(question)
  })
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? NaN
}

/** Each request asks for `pick()`: built per request for every target alike, so the load is the same work. */
async function load(url: string, pick: () => string, duration = DURATION): Promise<Result> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    pipelining: 1,
    requests: [{ method: 'GET', path: pick(), setupRequest: (request) => ({ ...request, path: pick() }) }],
  })
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) throw new Error(`${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`)
  return result
}

async function main(): Promise<void> {
  console.log(`cache-hit benchmark: ${BODY.length}-byte body, ${ENTRIES} entries, ${ROUNDS} rounds of ${DURATION} s, ${CONNECTIONS} connections`)
  const started = Date.now()
  const children = await Promise.all([start('bare'), start('gateway', '1'), start('gateway', String(ENTRIES))])
  const [bareServer, one, many] = children
  if (bareServer === undefined || one === undefined || many === undefined) throw new Error('servers did not start')
  console.log(`servers ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${many.info.entries} entries cached)`)
  try {
    const first = () => '/v2/bench/items/0'
    const any = () => `/v2/bench/items/${Math.floor(Math.random() * ENTRIES)}`
    const targets = [
      { name: 'bare', child: bareServer, url: bareServer.info.address, pick: first },
      { name: 'gw-1', child: one, url: one.info.address, pick: first },
      { name: `gw-${ENTRIES}`, child: many, url: many.info.address, pick: any },
    ]
    // One short run each first: JIT and connection set-up are not what is measured.
    for (const target of targets) await load(target.url, target.pick, 1)
    const rps = new Map<string, number[]>(targets.map((t) => [t.name, []]))
    const p99 = new Map<string, number[]>(targets.map((t) => [t.name, []]))
    // Server CPU per request does not depend on whether the load generator (on the same machine)
    // or the server is the bottleneck: the steadier ratio.
    const cpu = new Map<string, number[]>(targets.map((t) => [t.name, []]))
    for (let round = 1; round <= ROUNDS; round++) {
      for (const target of targets) {
        const before = await ask<number>(target.child, 'cpu', 'cpu')
        const result = await load(target.url, target.pick)
        const perRequest = ((await ask<number>(target.child, 'cpu', 'cpu')) - before) / result.requests.total
        rps.get(target.name)?.push(result.requests.average)
        p99.get(target.name)?.push(result.latency.p99)
        cpu.get(target.name)?.push(perRequest)
        console.log(
          `round ${round} ${target.name.padEnd(10)} ${result.requests.average.toFixed(0).padStart(7)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  server CPU ${perRequest.toFixed(1)} µs/request`,
        )
      }
    }
    const perEntry = await ask<number>(many, 'measure', 'perEntry')
    const m = (map: Map<string, number[]>, name: string) => median(map.get(name) ?? [])
    const [b, g1, gN] = targets.map((t) => t.name) as [string, string, string]
    const summary = {
      bodyBytes: BODY.length,
      entries: ENTRIES,
      medianRps: { bare: Math.round(m(rps, b)), gw1: Math.round(m(rps, g1)), gwN: Math.round(m(rps, gN)) },
      medianP99Ms: { bare: m(p99, b), gw1: m(p99, g1), gwN: m(p99, gN) },
      throughputRatioGatewayToBare: +(m(rps, g1) / m(rps, b)).toFixed(3),
      p99RatioGatewayToBare: +(m(p99, g1) / m(p99, b)).toFixed(3),
      throughputRatioNto1: +(m(rps, gN) / m(rps, g1)).toFixed(3),
      p99RatioNto1: +(m(p99, gN) / m(p99, g1)).toFixed(3),
      medianCpuMicrosPerRequest: { bare: +m(cpu, b).toFixed(1), gw1: +m(cpu, g1).toFixed(1), gwN: +m(cpu, gN).toFixed(1) },
      cpuPerRequestRatioGatewayToBare: +(m(cpu, g1) / m(cpu, b)).toFixed(3),
      cpuPerRequestRatioNto1: +(m(cpu, gN) / m(cpu, g1)).toFixed(3),
      memoryPerEntryBytes: Math.round(perEntry),
      memoryPerEntryToBody: +(perEntry / BODY.length).toFixed(3),
      memoryLimitPerEntryBytes: 1.3 * BODY.length + 512,
      countedPerEntryBytes: Math.round(many.info.countedPerEntry ?? NaN),
    }
    console.log(JSON.stringify(summary, null, 2))
  } finally {
    for (const child of children) child.process.kill('SIGTERM')
  }
}

const role = process.argv[2]
const run = role === 'bare' ? bare() : role === 'gateway' ? gateway(Number(process.argv[3] ?? 1)) : main()
run.catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
