// Issue #14, item 6: a split plan paced by the budget can run for minutes, across windows; while
// it runs, the split stage's stats (shown under `split.running` in /_gateway/status) say how far it
// has got: pieces planned and done, upstream calls, seconds running.
import t from 'tap'
import { ANONYMOUS } from '../src/apps.js'
import type { GatewayResponse, Handler } from '../src/pipeline/types.js'
import { splitStage } from '../src/split/stage.js'
import { deferred, until } from './helpers/memory-token-store.js'

void t.test('a running plan shows its progress, and leaves the list when done', async (t) => {
  const gates = new Map<string, ReturnType<typeof deferred<void>>>()
  const hubstaff: Handler = async (request) => {
    const q = new URLSearchParams(request.query)
    const start = q.get('date[start]') ?? ''
    const gate = deferred<void>()
    gates.set(start, gate)
    await gate.promise
    const body = JSON.stringify({ daily_activities: [{ id: Number(start.slice(8)) + 100 * Number(start.slice(5, 7)) }] })
    return { status: 200, headers: {}, body: Buffer.from(body), source: 'upstream', upstreamCalls: 1 } satisfies GatewayResponse
  }
  let clock = 1_700_000_000_000
  const stage = splitStage({ concurrency: 1, reuse: false, now: () => clock })
  const handle = stage(hubstaff)
  // 45 days: cut up front into two pieces (31 days at most); one at a time.
  const answer = handle({ id: 'r', method: 'GET', path: '/v2/organizations/1/activities/daily', query: 'date[start]=2026-03-01&date[stop]=2026-04-14', headers: {}, body: undefined, signal: new AbortController().signal, app: ANONYMOUS })

  await until(() => gates.size === 1, 5000, 'the first piece to be asked')
  t.match(stage.stats().running, [{ path: '/v2/organizations/1/activities/daily', pieces: 2, done: 0, upstreamCalls: 0, runningFor: 0 }])
  clock += 90_000
  gates.get('2026-03-01')?.resolve()
  await until(() => gates.size === 2, 5000, 'the second piece to be asked')
  t.match(stage.stats().running, [{ pieces: 2, done: 1, upstreamCalls: 1, runningFor: 90 }], 'one of two pieces done, after 90 s')
  for (const gate of gates.values()) gate.resolve()
  const res = await answer
  t.equal(res.status, 200)
  t.same(stage.stats().running, [], 'a finished plan leaves the list')
})
