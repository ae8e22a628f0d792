// `hubstaff-gateway record --org ID` walks an organization through an in-process gateway in record
// mode, every list to its last page; the snapshot then answers in replay mode with Hubstaff gone.
// It estimates first and refuses a walk the budget cannot pay for (unless --yes), stops cleanly
// when the budget runs out, and draws a progress bar only on a terminal.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import t, { type Test } from 'tap'
import { request } from 'undici'
import { runCli } from './helpers/cli-in-process.js'
import { startFakeHubstaff, type FakeHubstaff } from './helpers/fake-hubstaff.js'
import { startTestGateway } from './helpers/gateway.js'

async function fake(t: Test): Promise<FakeHubstaff> {
  const f = await startFakeHubstaff()
  t.teardown(() => f.close())
  return f
}

function args(f: FakeHubstaff, root: string, extra: string[]): string[] {
  return ['record', '--org', '1001', '--state-dir', join(root, 'state'), '--recordings', join(root, 'recordings'), '--upstream', f.origin, '--auth-url', f.origin, ...extra]
}

/** Every project of the organization, asked of the fake directly (not through the gateway). */
async function projectCount(f: FakeHubstaff, accessToken: string): Promise<number> {
  let count = 0
  let start: number | undefined
  for (let page = 0; page < 100; page++) {
    const res = await request(`${f.origin}/v2/organizations/1001/projects?page_limit=100${start === undefined ? '' : `&page_start_id=${start}`}`, { headers: { authorization: `Bearer ${accessToken}` } })
    const body = (await res.body.json()) as { projects: unknown[]; pagination?: { next_page_start_id?: number } }
    count += body.projects.length
    start = body.pagination?.next_page_start_id
    if (start === undefined) return count
  }
  throw new Error('the fake never ended its project list')
}

void t.test('the walk follows every list to its end and replays with Hubstaff gone', async (t) => {
  const f = await fake(t)
  const root = t.testdir()
  const result = await runCli(args(f, root, ['--days', '2', '--page-limit', '100', '--json']), { HUBSTAFF_REFRESH_TOKEN: f.issueRefreshToken() })
  t.equal(result.code, 0, 'exit code 0')
  const summary = JSON.parse(result.stdout) as { complete: boolean; requests: number; records: Record<string, number>; written: number; refused: number; failedRequests: unknown[] }
  t.equal(summary.complete, true)
  t.same(summary.failedRequests, [])
  t.equal(summary.written, summary.requests, 'every request was recorded')
  t.equal(summary.requests, f.stats.apiRequests, 'one upstream request per page, nothing more')
  t.equal(readdirSync(join(root, 'recordings')).length, summary.requests, 'one recording per request')

  const access = f.issuedTokens.find((tk) => tk.split('.').length === 3) ?? ''
  const projects = await projectCount(f, access)
  t.ok(projects > 100, `the projects list has more than one page (${projects})`)
  t.equal(summary.records.projects, projects, 'every project, from every page')
  for (const kind of ['organization', 'members', 'tasks', 'daily_activities', 'activities', 'notes']) t.ok((summary.records[kind] ?? 0) > 0, `${kind} recorded`)
  const taskWalks = result.stderr.split('\n').filter((l) => /GET \/v2\/projects\/\d+\/tasks\?page_limit=100 200/.test(l))
  t.equal(taskWalks.length, projects, 'the tasks of every project')
  t.match(result.stderr, /^record: organization 1001, the last 2 days[^\n]*\nestimate: at least \d+ requests/, 'the estimate comes first')

  // Hubstaff gone: a walked page answers from the snapshot.
  await f.close()
  const line = result.stderr.split('\n').find((l) => l.includes('/activities?') && l.includes('page_start_id='))
  const path = /GET (\S+) 200/.exec(line ?? '')?.[1]
  t.ok(path !== undefined, `a second page of activities was walked: ${line}`)
  const replay = await startTestGateway({ mode: 'replay', recordings: join(root, 'recordings'), stateDir: join(root, 'replay-state') })
  t.teardown(() => replay.close())
  const res = await request(`${replay.address}${path ?? ''}`)
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-gateway-source'], 'replay')
  t.ok(((await res.body.json()) as { activities: unknown[] }).activities.length > 0, 'with its records')
})

void t.test('a walk larger than the budget left is refused before any request, unless --yes', async (t) => {
  const f = await fake(t)
  const root = t.testdir()
  const env = { HUBSTAFF_REFRESH_TOKEN: f.issueRefreshToken() }
  const refused = await runCli(args(f, root, ['--budget', '5']), env)
  t.equal(refused.code, 1, 'exit code 1')
  t.match(refused.stdout, /estimate: at least \d+ requests[^\n]*budget left: 5 of 5/)
  t.match(refused.stderr, /^hubstaff-gateway: the walk needs \d+ more requests and the budget has 5 left in this window[^\n]*--yes[^\n]*\n$/)
  t.equal(f.stats.apiRequests, 0, 'nothing was asked of Hubstaff')

  // Enough for the first estimate, not once the projects are known: it stops there and says why.
  const later = await runCli(args(f, root, ['--budget', '8', '--json']), env)
  t.equal(later.code, 1)
  const stopped = JSON.parse(later.stdout) as { complete: boolean; stoppedBy: string; requests: number; written: number }
  t.match(stopped, { complete: false, stoppedBy: /^the walk needs \d+ more requests and the budget has 5 left/ })
  t.equal(stopped.requests, 3, 'only the organization, members and projects were fetched')
  t.equal(stopped.written, 3, 'and kept')

  const forced = await runCli(args(f, root, ['--budget', '12', '--yes', '--json']), env)
  t.equal(forced.code, 1, 'stopped early: exit code 1')
  const summary = JSON.parse(forced.stdout) as { complete: boolean; stoppedBy: string; requests: number; written: number }
  t.equal(summary.complete, false)
  t.match(summary.stoppedBy, /budget/)
  t.ok(summary.requests <= 12, `no more than the budget (${summary.requests})`)
  t.equal(f.stats.apiRequests, 3 + summary.requests)
  t.equal(summary.written, summary.requests, 'what was fetched is kept')
})

void t.test('a progress bar on a terminal, plain lines elsewhere', async (t) => {
  const f = await fake(t)
  const root = t.testdir()
  const env = { HUBSTAFF_REFRESH_TOKEN: f.issueRefreshToken() }
  const screen = Object.assign(new PassThrough(), { isTTY: true, columns: 100 })
  let drawn = ''
  screen.on('data', (chunk: Buffer) => (drawn += chunk.toString('utf8')))
  const tty = await runCli(args(f, root, ['--days', '1']), env, { isTTY: true, progressStream: screen })
  t.equal(tty.code, 0)
  t.match(drawn, /recording [\u2588\u2591]+ \d+\/\d+ requests \|/, 'a bar with the request count')
  t.notMatch(tty.stderr, /^\[\d+\/\d+\] GET/m, 'no per-request lines on a terminal')
  t.match(tty.stdout, /recorded organization 1001 into .* in [\d.]+ s\n {2}requests:/, 'a summary')
})

void t.test('without --org, or with a bad --days, it is a usage error', async (t) => {
  const none = await runCli(['record'])
  t.equal(none.code, 2)
  t.match(none.stderr, /^hubstaff-gateway: record needs --org ID/)
  const days = await runCli(['record', '--org', '1001', '--days', '0'])
  t.equal(days.code, 2)
  t.match(days.stderr, /^hubstaff-gateway: invalid --days "0": expected a whole number from 1 to 180\n$/)
  const noToken = await runCli(['record', '--org', '1001', '--state-dir', t.testdir()])
  t.equal(noToken.code, 2)
  t.match(noToken.stderr, /record needs a Hubstaff token: run hubstaff-gateway login/)
})
