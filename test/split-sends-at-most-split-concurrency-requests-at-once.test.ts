// A split of a month into days must not fire thirty requests at Hubstaff at once: at most
// --split-concurrency of them are out at any time, and all of them are still made.
import t from 'tap'
import { ANONYMOUS } from '../src/apps.js'
import type { GatewayResponse, Handler } from '../src/pipeline/types.js'
import { splitStage } from '../src/split/stage.js'

for (const concurrency of [1, 2, 4]) {
  void t.test(`--split-concurrency ${concurrency}`, async (t) => {
    let inFlight = 0
    let most = 0
    let calls = 0
    const hubstaff: Handler = async (request) => {
      calls++
      inFlight++
      most = Math.max(most, inFlight)
      await new Promise((resolve) => setTimeout(resolve, 5))
      inFlight--
      const q = new URLSearchParams(request.query)
      // The whole month blanks; a single day answers one record, the day's number as its id.
      const blank = q.get('date[start]') !== q.get('date[stop]')
      const day = Number(q.get('date[start]')?.slice(8))
      const body = blank ? '' : JSON.stringify({ daily_activities: [{ id: day }] })
      return { status: 200, headers: {}, body: Buffer.from(body), source: 'upstream', upstreamCalls: 1 } satisfies GatewayResponse
    }
    const handle = splitStage({ concurrency })(hubstaff)
    const answer = await handle({
      id: 'r',
      method: 'GET',
      path: '/v2/organizations/1/activities/daily',
      query: 'date[start]=2026-03-01&date[stop]=2026-03-31',
      headers: {},
      body: undefined,
      signal: new AbortController().signal,
      app: ANONYMOUS,
    })
    const ids = (JSON.parse(answer.body.toString()) as { daily_activities: { id: number }[] }).daily_activities.map((r) => r.id)
    t.same(ids, Array.from({ length: 31 }, (_, k) => k + 1), 'every day of March, in order')
    t.equal(calls, 32, 'the blank month, then its 31 days')
    t.equal(most, concurrency, `never more than ${concurrency} at once`)
  })
}
