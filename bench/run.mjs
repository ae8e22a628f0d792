#!/usr/bin/env node
// Every benchmark, side by side with its baseline, as ratios taken in one run:
//
//   npm run bench                      (builds dist/ first; the gateways run the built code)
//
// Writes bench/results/latest.json and bench/results/latest.md (the table docs/performance.md shows).
// Each group starts its servers (bench/servers.ts) in child processes and loads them in turn,
// in interleaved rounds whose order rotates, so that machine noise falls on all alike; medians
// are reported. Where taskset and two CPUs exist, the servers under test run on CPU 1 and the load
// generator (and the fake upstream of the pass-through group) on CPU 0. The load generator is wrk
// when installed (one thread), otherwise autocannon.
//
// Environment: BENCH_ROUNDS (5), BENCH_DURATION seconds per run (5), BENCH_CONNECTIONS (50),
// BENCH_ENTRIES cached entries for the "many entries" case (100000), BENCH_TOOL (wrk|autocannon),
// BENCH_ONLY (comma list of groups: cache,passthrough,mock,w1; a partial run writes partial.json/.md).
import { execFileSync, fork, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fetch } from 'undici'
import { hasTaskset, hasWrk, runLoad } from './load.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RESULTS = join(ROOT, 'bench', 'results')
const SERVERS = join(ROOT, 'bench', 'servers.ts')
const TS = ['--import', '@tapjs/typescript/import']
// The servers run the built gateway; only the harness is TypeScript, and tsc checks it apart.
const CHILD_ENV = { ...process.env, TS_NODE_TRANSPILE_ONLY: '1' }
const env = process.env
const ROUNDS = Number(env.BENCH_ROUNDS ?? 5)
const DURATION = Number(env.BENCH_DURATION ?? 5)
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 50)
const ENTRIES = Number(env.BENCH_ENTRIES ?? 100_000)
const TOOL = env.BENCH_TOOL ?? (hasWrk() ? 'wrk' : 'autocannon')
const GROUPS = ['cache', 'passthrough', 'mock', 'w1']
const ONLY = new Set((env.BENCH_ONLY ?? GROUPS.join(',')).split(','))
const CORES = availableParallelism() // before this process pins itself to one
const PIN = CORES >= 2 && hasTaskset()
const SERVER_CPU = 1
const LOAD_CPU = 0

const children = []
process.on('exit', () => children.forEach((c) => c.kill('SIGTERM')))

function pin(pid, cpu) {
  if (PIN) execFileSync('taskset', ['-pc', String(cpu), String(pid)], { stdio: 'ignore' })
}

/** A bench/servers.ts role in a child process; resolves with what it reported once listening. */
function start(role, args = [], cpu = SERVER_CPU) {
  const child = fork(SERVERS, [role, ...args], { cwd: ROOT, execArgv: [...TS, '--expose-gc'], env: CHILD_ENV, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  children.push(child)
  pin(child.pid, cpu)
  return new Promise((resolve, reject) => {
    child.once('message', (info) => resolve({ child, ...info }))
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code} before it was ready`)))
  })
}

function ask(child, question, field) {
  return new Promise((resolve) => {
    const onMessage = (message) => {
      if (typeof message !== 'object' || message === null || !(field in message)) return
      child.off('message', onMessage)
      resolve(message[field])
    }
    child.on('message', onMessage)
    child.send(question)
  })
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/**
 * Loads every target `ROUNDS` times, interleaved and rotated; returns the medians per target:
 * rps, p50, p99 (ms) and the server CPU per request (µs, when the target has a child to ask).
 */
async function measure(group, targets) {
  for (const target of targets) await runLoad(TOOL, { ...target, connections: target.connections ?? CONNECTIONS, duration: 1, cpu: PIN ? LOAD_CPU : undefined })
  const samples = new Map(targets.map((t) => [t.name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const order = targets.map((_, i) => targets[(i + round) % targets.length])
    for (const target of order) {
      const before = target.child ? await ask(target.child, 'cpu', 'cpu') : 0
      const r = await runLoad(TOOL, { ...target, connections: target.connections ?? CONNECTIONS, duration: DURATION, cpu: PIN ? LOAD_CPU : undefined })
      const cpu = target.child ? ((await ask(target.child, 'cpu', 'cpu')) - before) / r.requests : NaN
      samples.get(target.name).push({ ...r, cpu })
      console.log(
        `${group} round ${round + 1}  ${target.name.padEnd(30)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(6)} ms` +
          (Number.isNaN(cpu) ? '' : `  server CPU ${cpu.toFixed(1)} µs/req`),
      )
    }
  }
  const medians = Object.fromEntries(
    [...samples].map(([name, rs]) => [
      name,
      { rps: Math.round(median(rs.map((r) => r.rps))), p50: +median(rs.map((r) => r.p50)).toFixed(3), p99: +median(rs.map((r) => r.p99)).toFixed(3), cpuMicrosPerRequest: +median(rs.map((r) => r.cpu)).toFixed(1) },
    ]),
  )
  // Not enumerable: the JSON keeps the medians; the ratios below use the rounds.
  return Object.defineProperty(medians, 'rounds', { value: samples, enumerable: false })
}

/**
 * The median over rounds of a/b, each round's pair measured minutes apart at most: steadier than
 * a ratio of medians when the machine's load changes during the run.
 */
function ratio(m, a, b, field) {
  const as = m.rounds.get(a)
  const bs = m.rounds.get(b)
  return median(as.map((x, i) => x[field] / bs[i][field]))
}

const figures = []
/** One row of the table. `higher`: a ratio must be at least the goal; otherwise at most. */
function figure(name, gateway, baseline, ratio, goal, higher, unit = '') {
  const met = goal === undefined || Number.isNaN(ratio) ? undefined : higher ? ratio >= goal : ratio <= goal
  figures.push({ figure: name, gateway, baseline, ratio: Number.isFinite(ratio) ? +ratio.toFixed(3) : null, goal: goal === undefined ? null : `${higher ? '≥' : '≤'} ${goal}${unit}`, met })
}

async function cacheGroup(raw) {
  const [bare, map, one, many] = await Promise.all([start('bare'), start('fastify'), start('gateway-cache', ['1']), start('gateway-cache', [String(ENTRIES)])])
  const first = ['/v2/bench/items/0']
  const m = await measure('cache', [
    { name: 'bare node:http', url: bare.address, paths: first, child: bare.child },
    { name: 'Fastify from a Map', url: map.address, paths: first, child: map.child },
    { name: 'gateway, 1 entry', url: one.address, paths: first, child: one.child },
    { name: `gateway, ${ENTRIES} entries`, url: many.address, random: { prefix: '/v2/bench/items/', count: ENTRIES }, child: many.child },
  ])
  const b = m['bare node:http']
  const g1 = m['gateway, 1 entry']
  const gN = m[`gateway, ${ENTRIES} entries`]
  figure('cache hit, req/s (2 KB body)', g1.rps, b.rps, ratio(m, 'gateway, 1 entry', 'bare node:http', 'rps'), 0.9, true, '×')
  figure('cache hit, p99 ms', g1.p99, b.p99, ratio(m, 'gateway, 1 entry', 'bare node:http', 'p99'), 2, false, '×')
  figure('cache hit, server CPU µs/request (ratio: bare ÷ gateway)', g1.cpuMicrosPerRequest, b.cpuMicrosPerRequest, 1 / ratio(m, 'gateway, 1 entry', 'bare node:http', 'cpu'), undefined, true)
  const f = m['Fastify from a Map']
  figure('(reference) Fastify answering from a Map, req/s', f.rps, b.rps, ratio(m, 'Fastify from a Map', 'bare node:http', 'rps'), undefined, true)
  figure(`cache hit, ${ENTRIES} vs 1 entries, req/s`, gN.rps, g1.rps, ratio(m, `gateway, ${ENTRIES} entries`, 'gateway, 1 entry', 'rps'), 0.9, true, '×')
  const perEntry = await ask(many.child, 'measure', 'perEntry')
  const limit = 1.3 * many.bodyBytes + 512
  figure(`memory per cached entry, bytes (${many.bodyBytes} B body)`, Math.round(perEntry), Math.round(limit), perEntry / limit, 1, false, '× (1.3 × body + 512 B)')
  raw.cache = { ...m, memoryPerEntryBytes: Math.round(perEntry), bodyBytes: many.bodyBytes, entries: many.entries }
  for (const s of [bare, map, one, many]) s.child.disconnect()
}

async function passthroughGroup(raw) {
  const upstream = await start('upstream', [], LOAD_CPU)
  const [gw, rf] = await Promise.all([start('gateway-live', [upstream.address, upstream.refreshToken]), start('reply-from', [upstream.address, upstream.accessToken])])
  const paths = ['/v2/users/me', '/v2/organizations/1001/projects', '/v2/projects/20001/tasks?page_limit=5']
  const targets = [
    { name: 'gateway, cache off', url: gw.address, paths, child: gw.child },
    { name: '@fastify/reply-from', url: rf.address, paths, child: rf.child },
  ]
  const m = await measure('pass-through', targets)
  // Added latency is what one request waits, not a queue: one connection at a time.
  const one = await measure(
    'pass-through latency',
    targets.map((t) => ({ ...t, name: `${t.name}, 1 connection`, connections: 1 })),
  )
  const g = m['gateway, cache off']
  const r = m['@fastify/reply-from']
  figure('pass-through (cache miss), req/s', g.rps, r.rps, ratio(m, 'gateway, cache off', '@fastify/reply-from', 'rps'), 0.9, true, '×')
  const g1 = one['gateway, cache off, 1 connection']
  const r1 = one['@fastify/reply-from, 1 connection']
  const added = median(one.rounds.get('gateway, cache off, 1 connection').map((x, i) => x.p50 - one.rounds.get('@fastify/reply-from, 1 connection')[i].p50))
  figures.push({ figure: 'pass-through, added p50 ms (1 connection; ratio column: ms added)', gateway: g1.p50, baseline: r1.p50, ratio: +added.toFixed(3), goal: '≤ 0.5 ms added', met: added <= 0.5 })
  raw.passthrough = { ...m, ...one }
  for (const s of [gw, rf, upstream]) s.child.disconnect()
}

async function startPrism(spec) {
  const port = 20000 + Math.floor(Math.random() * 20000)
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'prism'), ['mock', '-p', String(port), '-h', '127.0.0.1', '--errors=false', '-v', 'error', spec], { stdio: ['ignore', 'ignore', 'inherit'] })
  children.push(child)
  pin(child.pid, SERVER_CPU)
  const address = `http://127.0.0.1:${port}`
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${address}/v2/users/me`, { headers: { authorization: 'Bearer bench' } })).ok) return { address, child }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('prism mock did not start within 30 s')
}

async function mockGroup(raw) {
  const spec = join(ROOT, 'spec', 'hubstaff-v2.openapi.json')
  const [off, on, prism] = await Promise.all([start('gateway-mock', [spec, 'off']), start('gateway-mock', [spec, 'on']), startPrism(spec)])
  // Records and list pages of the simulated organization (ids read from the gateway's own model;
  // Prism answers any id alike); Prism checks the spec's bearer scheme, so a token goes along. No
  // date-ranged report: `prism mock` 5.14.2 refuses every time_slot[...] query (docs/mock.md).
  const headers = { authorization: 'Bearer bench', accept: 'application/json' }
  const first = async (path, key) => (await (await fetch(off.address + path, { headers })).json())[key][0].id
  const org = await first('/v2/organizations', 'organizations')
  const task = await first(`/v2/organizations/${org}/tasks`, 'tasks')
  const paths = ['/v2/users/me', `/v2/organizations/${org}/projects?page_limit=2`, `/v2/organizations/${org}/members?page_limit=2`, `/v2/tasks/${task}`]
  // The paths above repeat byte for byte. Here every request has a query of its own
  // (bench/load.mjs, uniqueQuery): what a request never seen before costs.
  const listPaths = [`/v2/organizations/${org}/projects`, `/v2/organizations/${org}/members`]
  const m = await measure('mock', [
    { name: 'gateway mock, cache off', url: off.address, paths, headers, child: off.child },
    { name: 'gateway mock, cache on', url: on.address, paths, headers, child: on.child },
    { name: 'prism mock -v error', url: prism.address, paths, headers },
    { name: 'gateway mock, cache off, every request new', url: off.address, paths: listPaths, unique: true, headers, child: off.child },
    { name: 'prism mock -v error, every request new', url: prism.address, paths: listPaths, unique: true, headers },
  ])
  const p = m['prism mock -v error']
  figure('mock, req/s (cache off)', m['gateway mock, cache off'].rps, p.rps, ratio(m, 'gateway mock, cache off', 'prism mock -v error', 'rps'), 5, true, '×')
  figure('mock, req/s (cache on, the default)', m['gateway mock, cache on'].rps, p.rps, ratio(m, 'gateway mock, cache on', 'prism mock -v error', 'rps'), 5, true, '×')
  const fresh = ['gateway mock, cache off, every request new', 'prism mock -v error, every request new']
  figure('mock, req/s (cache off, every request new)', m[fresh[0]].rps, m[fresh[1]].rps, ratio(m, fresh[0], fresh[1], 'rps'), 5, true, '×')
  raw.mock = m
  off.child.disconnect()
  on.child.disconnect()
  prism.child.kill('SIGTERM')
}

function w1Group(raw) {
  const out = execFileSync(process.execPath, [...TS, join(ROOT, 'bench', 'w1.ts')], { cwd: ROOT, env: CHILD_ENV, encoding: 'utf8' })
  const w1 = JSON.parse(out.trim().split('\n').pop())
  console.log(`w1: ${w1.clientRequests} client requests, ${w1.upstreamRequests} upstream, oldest answer ${w1.oldestAgeSeconds} s`)
  const allowed = (100 / 1500) * w1.clientRequests
  figures.push({ figure: `budget leverage W1: upstream requests for ${w1.clientRequests} client requests`, gateway: w1.upstreamRequests, baseline: w1.clientRequests, ratio: +(w1.upstreamRequests / w1.clientRequests).toFixed(3), goal: `≤ ${Math.round(allowed)} of ${w1.clientRequests}`, met: w1.upstreamRequests <= allowed })
  const byRoute = Object.entries(w1.oldestAgeSecondsByRoute).map(([route, age]) => `${route} ${age}`).join(', ')
  figures.push({ figure: `W1: oldest answer served, s (${byRoute})`, gateway: w1.oldestAgeSeconds, baseline: null, ratio: null, goal: 'within each route’s freshness', met: undefined })
  raw.w1 = w1
}

/** The split-merge group writes its own results; they join the table when present. */
function splitMerge(raw) {
  const file = join(RESULTS, 'split-merge.json')
  if (!existsSync(file)) return
  const data = JSON.parse(readFileSync(file, 'utf8'))
  raw.splitMerge = data
  for (const row of Array.isArray(data.figures) ? data.figures : []) figures.push({ figure: row.figure, gateway: row.gateway ?? null, baseline: row.baseline ?? null, ratio: row.ratio ?? null, goal: row.goal ?? null, met: row.met })
  // bench/split-merge.ts: one row per size, no baseline of its own.
  for (const r of Array.isArray(data.results) ? data.results : []) {
    const mb = (r.inputBytes / 1e6).toFixed(1)
    figures.push({ figure: `split merge ${mb} MB (${r.pages} pages): MB/s`, gateway: r.throughputMBps, baseline: null, ratio: null, goal: null, met: undefined })
    figures.push({ figure: `split merge ${mb} MB: longest event-loop block, ms (median / worst)`, gateway: `${r.maxBlockMs} / ${r.worstBlockMs}`, baseline: null, ratio: null, goal: null, met: undefined })
  }
}

function machine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: CORES,
    node: process.version,
    loadTool: TOOL === 'wrk' ? `${spawnSync('wrk', ['-v'], { encoding: 'utf8' }).stdout.split(' [')[0]?.trim() || 'wrk'}, 1 thread` : 'autocannon',
    pinned: PIN ? `servers on CPU ${SERVER_CPU}, load generator on CPU ${LOAD_CPU}` : 'not pinned (taskset or a second CPU missing)',
    rounds: ROUNDS,
    secondsPerRun: DURATION,
    connections: CONNECTIONS,
  }
}

function markdown(result) {
  const cell = (v) => (v === null || v === undefined ? '' : String(v))
  const m = result.machine
  const lines = [
    `Measured ${result.date.slice(0, 10)} on ${m.cpu}, ${m.cores} cores, Node ${m.node}; load: ${m.loadTool}; ${m.pinned}; median of ${m.rounds} interleaved rounds of ${m.secondsPerRun} s, ${m.connections} connections.`,
    '',
    '| figure | gateway | baseline | ratio | goal | met? |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...result.figures.map((f) => `| ${f.figure} | ${cell(f.gateway)} | ${cell(f.baseline)} | ${cell(f.ratio)} | ${cell(f.goal)} | ${f.met === undefined ? '' : f.met ? 'yes' : '**no**'} |`),
    '',
    'Ratios are medians of the per-round ratios (each round loads every server in turn). Baselines: bare `node:http` answering the same 2 KB body; a plain `@fastify/reply-from` proxy to the same fake Hubstaff; `prism mock -v error` on the same spec (for the "every request new" row, asked the same never-repeating URLs); W1 compares upstream requests with client requests.',
  ]
  return lines.join('\n') + '\n'
}

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli.js'))) {
    console.error('bench/run.mjs: dist/ is missing; run `npm run build` first (npm run bench does)')
    process.exit(1)
  }
  if (PIN) pin(process.pid, LOAD_CPU)
  const raw = {}
  console.log(`load: ${TOOL}; ${PIN ? 'pinned' : 'not pinned'}; ${ROUNDS} rounds of ${DURATION} s, ${CONNECTIONS} connections`)
  if (ONLY.has('cache')) await cacheGroup(raw)
  if (ONLY.has('passthrough')) await passthroughGroup(raw)
  if (ONLY.has('mock')) await mockGroup(raw)
  if (ONLY.has('w1')) w1Group(raw)
  splitMerge(raw)
  const result = { date: new Date().toISOString(), machine: machine(), figures, raw }
  mkdirSync(RESULTS, { recursive: true })
  // A run of some groups only must not replace the whole table docs/performance.md shows.
  const name = GROUPS.every((g) => ONLY.has(g)) ? 'latest' : 'partial'
  writeFileSync(join(RESULTS, `${name}.json`), JSON.stringify(result, null, 2) + '\n')
  writeFileSync(join(RESULTS, `${name}.md`), markdown(result))
  console.log('\n' + markdown(result))
  process.exit(0)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
