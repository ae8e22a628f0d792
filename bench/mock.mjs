#!/usr/bin/env node
// Mock throughput: the gateway in mock mode (Prism embedded as its terminal) against Prism's own
// server (`prism mock`) on the same spec, measured with autocannon in interleaved rounds so that
// machine noise falls on both alike. Reports requests per second and the ratio.
//
//   npm run bench:mock                        # build, then 3 rounds of 5 s per server
//   node bench/mock.mjs --rounds 5 --duration 10 --connections 64 --spec path/to/spec.json
//
// The gateway runs from dist/ (npm run build) in a child process of its own; Prism runs as
// `node_modules/.bin/prism mock -v error --errors=false`. With two or more CPUs and `taskset`, the
// servers share one CPU and the load generator gets another, so neither steals from the other.
// The gateway is measured twice: with its cache off (the mock itself, the number to compare) and
// with its defaults (the cache on, what an app sees when it repeats requests).
import { execFileSync, fork, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { fetch } from 'undici'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const HEADERS = { authorization: 'Bearer bench', accept: 'application/json' }

if (process.argv[2] === '--child-gateway') {
  await serveGateway(process.argv[3], process.argv[4])
} else {
  await main()
}

/** Child process: one gateway in mock mode, started from the built dist/. */
async function serveGateway(spec, cache) {
  const { loadConfig } = await import('../dist/src/config/load.js')
  const { createLogger } = await import('../dist/src/logger.js')
  const { startServer } = await import('../dist/plugins/server.js')
  const stateDir = mkdtempSync(join(tmpdir(), 'hsg-bench-'))
  const flags = { mode: 'mock', port: '0', spec, stateDir, cache, logLevel: 'warn' }
  const { config } = loadConfig({ flags, configFile: undefined }, {})
  const server = await startServer(config, createLogger(config.logLevel))
  process.send?.({ address: server.address })
  process.on('disconnect', () => {
    void server.close().finally(() => {
      rmSync(stateDir, { recursive: true, force: true })
      process.exit(0)
    })
  })
}

async function main() {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '5' },
      connections: { type: 'string', default: '32' },
      warmup: { type: 'string', default: '2' },
      spec: { type: 'string', default: join(ROOT, 'spec', 'hubstaff-v2.openapi.json') },
    },
  })
  const rounds = Number(values.rounds)
  const duration = Number(values.duration)
  const connections = Number(values.connections)
  const spec = values.spec
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli.js'))) {
    console.error('bench/mock.mjs: dist/ is missing; run `npm run build` first (npm run bench:mock does)')
    process.exit(1)
  }
  const { default: autocannon } = await import('autocannon')

  const pin = availableParallelism() >= 2 && hasTaskset()
  if (pin) execFileSync('taskset', ['-pc', '0', String(process.pid)], { stdio: 'ignore' })
  const children = []
  const stop = () => children.forEach((c) => c.kill('SIGTERM'))
  process.on('exit', stop)

  const startGateway = async (cache) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child-gateway', spec, cache], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    children.push(child)
    if (pin) execFileSync('taskset', ['-pc', '1', String(child.pid)], { stdio: 'ignore' })
    const { address } = await new Promise((resolve, reject) => {
      child.once('message', resolve)
      child.once('exit', (code) => reject(new Error(`the gateway exited (${code}) before listening`)))
    })
    return address
  }
  const startPrism = async () => {
    const port = 20000 + Math.floor(Math.random() * 20000)
    const bin = join(ROOT, 'node_modules', '.bin', 'prism')
    const child = spawn(bin, ['mock', '-p', String(port), '-h', '127.0.0.1', '--errors=false', '-v', 'error', spec], { stdio: ['ignore', 'ignore', 'inherit'] })
    children.push(child)
    if (pin) execFileSync('taskset', ['-pc', '1', String(child.pid)], { stdio: 'ignore' })
    const address = `http://127.0.0.1:${port}`
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${address}/v2/users/me`, { headers: HEADERS })).ok) return address
      } catch {
        // not listening yet
      }
      if (i > 300) throw new Error('prism mock did not start within 30 s')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  const targets = [
    { name: 'gateway mock (cache off)', address: await startGateway('off') },
    { name: 'gateway mock (defaults: cache on)', address: await startGateway('on') },
    { name: 'prism mock -v error', address: await startPrism() },
  ]
  // The same questions to every server: records and pages of lists. Prism checks the spec's
  // bearer scheme, so a token goes along (the gateway drops it). No date-ranged report: `prism
  // mock` 5.14.2 refuses every `time_slot[start]` query with 400, because its start-up listing
  // percent-encodes the parameter names of the loaded operations in place (util/paths.js).
  const paths = [
    '/v2/users/me',
    '/v2/organizations/1001/projects?page_limit=2',
    '/v2/organizations/1001/members?page_limit=2',
    '/v2/tasks/300101',
  ]
  for (const target of targets) {
    for (const path of paths) {
      const res = await fetch(target.address + path, { headers: HEADERS })
      if (res.status !== 200) throw new Error(`${target.name} answered ${res.status} to ${path}: ${await res.text()}`)
      await res.arrayBuffer()
    }
  }

  const run = (target, seconds) =>
    autocannon({ url: target.address, connections, duration: seconds, headers: HEADERS, requests: paths.map((path) => ({ method: 'GET', path })) })

  console.log(`spec: ${spec}`)
  console.log(`${rounds} interleaved rounds of ${duration} s, ${connections} connections, ${paths.length} URLs in turn; ${pin ? 'servers on CPU 1, load generator on CPU 0' : 'not pinned (taskset or a second CPU missing)'}`)
  for (const target of targets) await run(target, Number(values.warmup))

  const results = new Map(targets.map((t) => [t.name, []]))
  for (let round = 0; round < rounds; round++) {
    // Rotate the order so that no server always runs first (or last) in a round.
    const order = targets.map((_, i) => targets[(i + round) % targets.length])
    for (const target of order) {
      const r = await run(target, duration)
      const bad = r.non2xx + r.errors + r.timeouts
      results.get(target.name).push({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bad })
      console.log(`round ${round + 1}  ${target.name.padEnd(34)} ${r.requests.average.toFixed(0).padStart(7)} req/s  p50 ${String(r.latency.p50).padStart(3)} ms  p99 ${String(r.latency.p99).padStart(4)} ms${bad ? `  ${bad} failed` : ''}`)
    }
  }

  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b)
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
  }
  const summary = Object.fromEntries([...results].map(([name, rs]) => [name, { rps: Math.round(median(rs.map((r) => r.rps))), failed: rs.reduce((n, r) => n + r.bad, 0) }]))
  const prism = summary['prism mock -v error'].rps
  console.log('\nmedian req/s:')
  for (const [name, s] of Object.entries(summary)) console.log(`  ${name.padEnd(34)} ${String(s.rps).padStart(7)}  ${(s.rps / prism).toFixed(2)}x prism${s.failed ? `  (${s.failed} failed)` : ''}`)
  console.log(`\nratio gateway mock / prism mock: ${(summary['gateway mock (cache off)'].rps / prism).toFixed(2)}`)
  console.log(JSON.stringify({ bench: 'mock', rounds, duration, connections, pinned: pin, summary }))
  stop()
  process.exit(0)
}

function hasTaskset() {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
