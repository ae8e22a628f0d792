// Load generation for bench/run.mjs: Debian's wrk when installed (one thread, lighter on a 2-core
// machine), otherwise autocannon in this process. Both give requests per second, p50 and p99 in ms.
import { execFileSync, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const WRK_SCRIPT = fileURLToPath(new URL('wrk.lua', import.meta.url))

function has(command, args) {
  try {
    execFileSync(command, args, { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** wrk prints its version and exits 1 when asked for -v, so "ran at all" is the test. */
export function hasWrk() {
  try {
    execFileSync('wrk', ['-v'], { stdio: 'ignore' })
    return true
  } catch (err) {
    return err?.code !== 'ENOENT' && err?.status !== 127
  }
}

export const hasTaskset = () => has('taskset', ['-V'])

let runs = 0

/**
 * The query of the `n`th request of a run with `unique`: a page cursor and size that cycle, and
 * a parameter the spec does not name (ignored by both mocks) that makes every request's URL one
 * of its own. `run` differs from run to run, so no run repeats an earlier one's URLs either.
 * bench/wrk.lua builds the same.
 */
const uniqueQuery = (run, n) => `?page_start_id=${n % 50}&page_limit=${1 + (n % 3)}&bench_request=${run}-${n}`

/**
 * One run against `url`. `target.paths` are asked in turn, or `target.random` = { prefix, count }
 * asks prefix + a random id below count; with `target.unique` the paths go in turn, each request
 * with a query never asked before (uniqueQuery). Throws when any request failed: a ratio over
 * errors measures nothing.
 */
export async function runLoad(tool, { url, paths, random, unique = false, headers = {}, connections, duration, cpu }) {
  const run = unique ? `${process.pid}x${Date.now().toString(36)}x${++runs}` : undefined
  const r = tool === 'wrk' ? await runWrk({ url, paths, random, run, headers, connections, duration, cpu }) : await runAutocannon({ url, paths, random, run, headers, connections, duration })
  if (r.failed > 0) throw new Error(`${url}: ${r.failed} of ${r.requests} requests failed`)
  return r
}

function runWrk({ url, paths, random, run, headers, connections, duration, cpu }) {
  const args = ['-t1', `-c${connections}`, `-d${duration}s`, '--timeout', '10s', '-s', WRK_SCRIPT]
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`)
  args.push(url, '--', ...(random ? ['random', random.prefix, String(random.count)] : run ? ['unique', run, ...paths] : paths))
  const [command, argv] = cpu === undefined ? ['wrk', args] : ['taskset', ['-c', String(cpu), 'wrk', ...args]]
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.once('error', reject)
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '))
      if (code !== 0 || line === undefined) return reject(new Error(`wrk exited ${code}:\n${out}`))
      const s = JSON.parse(line.slice('WRK_JSON '.length))
      resolve({
        rps: s.requests / (s.durationUs / 1e6),
        p50: s.p50Us / 1000,
        p99: s.p99Us / 1000,
        requests: s.requests,
        failed: s.connect + s.read + s.write + s.status + s.timeout,
      })
    })
  })
}

async function runAutocannon({ url, paths, random, run, headers, connections, duration }) {
  const { default: autocannon } = await import('autocannon')
  let i = 0
  let n = 0
  const pick = random
    ? () => random.prefix + Math.floor(Math.random() * random.count)
    : run
      ? () => paths[i++ % paths.length] + uniqueQuery(run, ++n)
      : () => paths[i++ % paths.length]
  const r = await autocannon({
    url,
    connections,
    duration,
    headers,
    requests: [{ method: 'GET', path: pick(), setupRequest: (request) => ({ ...request, path: pick() }) }],
  })
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, requests: r.requests.total, failed: r.errors + r.timeouts + r.non2xx }
}
