// Budget leverage, workload W1: five apps each poll five routes every 60 s for one simulated hour,
// against the fake Hubstaff, with a clock shared by the fake and the gateway moved by hand (the
// hour takes seconds). Prints one JSON line: the client requests made, the upstream requests they
// cost, and the oldest answer served (its Age), overall and per route.
//
//   node --import @tapjs/typescript/import bench/w1.ts        (bench/run.mjs runs it)
//
// The apps are staggered 12 s apart, as independent pollers would be; each asks its five routes
// one after the other. The gateway runs with its defaults (cache on, its freshness table).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'
import { FAKE_DATA } from '../test/helpers/fake-hubstaff.js'
import { sharedClock, startLiveGateway } from '../test/helpers/gateway.js'

const APPS = 5
const POLL_MS = 60_000
const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const isoTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

/** The five routes an app polls, as of `now` (the date ranges follow the day). */
function routes(now: number): { name: string; path: string }[] {
  const org = FAKE_DATA.organizationId
  const today = Math.floor(now / DAY_MS) * DAY_MS
  return [
    { name: 'users/me', path: '/v2/users/me' },
    { name: 'members', path: `/v2/organizations/${org}/members` },
    { name: 'projects', path: `/v2/organizations/${org}/projects` },
    { name: 'daily activities, last 7 days', path: `/v2/organizations/${org}/activities/daily?date[start]=${isoDay(today - 6 * DAY_MS)}&date[stop]=${isoDay(today)}` },
    { name: "today's activities", path: `/v2/organizations/${org}/activities?time_slot[start]=${isoTime(today)}&time_slot[stop]=${isoTime(today + DAY_MS)}` },
  ]
}

async function main(): Promise<void> {
  const teardowns: (() => unknown)[] = []
  const dirs: string[] = []
  const t = {
    teardown: (fn: () => unknown) => void teardowns.push(fn),
    testdir: () => {
      const dir = mkdtempSync(join(tmpdir(), 'hsg-w1-'))
      dirs.push(dir)
      return dir
    },
  }
  const clock = sharedClock()
  // Start mid-morning: the hour does not cross midnight, whatever time the benchmark runs.
  const start = Math.floor(Date.now() / DAY_MS) * DAY_MS + 9 * 3_600_000
  clock.advance(start - Date.now())
  const { fake, gw } = await startLiveGateway(t, { logLevel: 'warn' }, { now: clock.now, accessTokenTtl: 3600 }, { now: clock.now })
  const exchangesBefore = fake.stats.exchanges

  // Every poll of every app, in time order.
  const polls: { at: number; app: number }[] = []
  for (let app = 0; app < APPS; app++) for (let at = app * 12_000; at < HOUR_MS; at += POLL_MS) polls.push({ at, app })
  polls.sort((a, b) => a.at - b.at || a.app - b.app)

  let clientRequests = 0
  const statuses: Record<string, number> = {}
  const oldest: Record<string, number> = {}
  let elapsed = 0
  const began = clock.now()
  for (const poll of polls) {
    clock.advance(poll.at - elapsed)
    elapsed = poll.at
    for (const route of routes(clock.now())) {
      const res = await request(gw.address + route.path)
      await res.body.dump()
      clientRequests++
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1
      const age = Number(res.headers.age ?? 0)
      oldest[route.name] = Math.max(oldest[route.name] ?? 0, age)
      // A stale answer starts one background refresh: let it land before the clock moves on.
      if (String(res.headers['cache-status'] ?? '').includes('stale-while-revalidate')) await sleep(20)
    }
  }
  await sleep(50)
  const upstreamRequests = fake.stats.apiRequests
  const result = {
    bench: 'w1',
    apps: APPS,
    simulatedSeconds: Math.round((clock.now() - began) / 1000),
    clientRequests,
    upstreamRequests,
    statuses,
    tokenExchanges: fake.stats.exchanges - exchangesBefore,
    upstream429: fake.stats.rateLimited,
    oldestAgeSeconds: Math.max(...Object.values(oldest)),
    oldestAgeSecondsByRoute: oldest,
  }
  console.log(JSON.stringify(result))
  for (const fn of teardowns.reverse()) await fn()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
