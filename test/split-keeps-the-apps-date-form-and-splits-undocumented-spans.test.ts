// Issue #14, item 7 (split fidelity): a date parameter given date-times (what a published npm
// Hubstaff client sends: `date[start]=2026-11-23T00:00:00.000Z`) is split like a date, and every
// piece keeps the app's own form; ranged endpoints without a documented maximum span are never
// cut up front, but a blank reply to them is split like any other.
import t from 'tap'
import { ANONYMOUS } from '../src/apps.js'
import type { GatewayResponse, Handler } from '../src/pipeline/types.js'
import { splitStage } from '../src/split/stage.js'

function ask(handle: Handler, path: string, query: string): Promise<GatewayResponse> {
  return handle({ id: 'r', method: 'GET', path, query, headers: {}, body: undefined, signal: new AbortController().signal, app: ANONYMOUS })
}

const answer = (list: string, records: object[]): GatewayResponse => ({ status: 200, headers: {}, body: Buffer.from(JSON.stringify({ [list]: records })), source: 'upstream', upstreamCalls: 1 })
const blank: GatewayResponse = { status: 200, headers: {}, body: Buffer.alloc(0), source: 'upstream', upstreamCalls: 1 }

void t.test('date-times on a date parameter are split like dates, each piece in the app\'s form', async (t) => {
  const sent: { start: string; stop: string }[] = []
  const hubstaff: Handler = (request) => {
    const q = new URLSearchParams(request.query)
    const start = q.get('date[start]') ?? ''
    const stop = q.get('date[stop]') ?? ''
    sent.push({ start, stop })
    // Hubstaff reads the date part; over 31 days it answers 400, over 14 it gives the blank reply.
    const days = (Date.parse(stop.slice(0, 10)) - Date.parse(start.slice(0, 10))) / 86_400_000 + 1
    if (days > 31) return Promise.resolve({ status: 400, headers: {}, body: Buffer.from('{"code":"invalid_params","error":"date range must not exceed 31 days"}'), source: 'upstream', upstreamCalls: 1 })
    if (days > 14) return Promise.resolve(blank)
    return Promise.resolve(answer('daily_activities', [{ id: Date.parse(start.slice(0, 10)) / 86_400_000, date: start.slice(0, 10) }]))
  }
  const handle = splitStage({ reuse: false })(hubstaff)
  const res = await ask(handle, '/v2/organizations/1/activities/daily', 'date[start]=2026-11-01T00:00:00.000Z&date[stop]=2026-12-14T00:00:00.000Z')
  t.equal(res.status, 200)
  t.ok(sent.length >= 3, `cut up front (44 days > 31), then again after blank replies (${sent.length} requests)`)
  for (const piece of sent) {
    t.match(piece.start, /^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/, `start ${piece.start} keeps the app's form`)
    t.match(piece.stop, /^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/, `stop ${piece.stop} keeps the app's form`)
  }
  t.notOk(sent.some((p) => p.start.slice(0, 10) === '2026-11-01' && p.stop.slice(0, 10) === '2026-12-14'), 'the 44 days never went whole')
})

void t.test('a ranged endpoint without a documented span is split after a blank reply, never up front', async (t) => {
  const sent: string[] = []
  const hubstaff: Handler = (request) => {
    const q = new URLSearchParams(request.query)
    const start = Date.parse(q.get('enter[start]') ?? '')
    const stop = Date.parse(q.get('enter[stop]') ?? '')
    sent.push(`${q.get('enter[start]')}..${q.get('enter[stop]')}`)
    // Ten days blank; shorter ranges answer one visit each, at their start.
    if (stop - start > 5 * 86_400_000) return Promise.resolve(blank)
    return Promise.resolve(answer('job_site_visits', [{ id: start / 1000, enter: new Date(start).toISOString() }]))
  }
  const handle = splitStage({ reuse: false })(hubstaff)
  const res = await ask(handle, '/v2/organizations/1/job_site_visits', 'enter[start]=2026-03-01T00:00:00Z&enter[stop]=2026-03-11T00:00:00Z')
  t.equal(res.status, 200, 'answered after the split')
  t.equal(sent[0], '2026-03-01T00:00:00Z..2026-03-11T00:00:00Z', 'sent whole first: no span is documented, so nothing is cut up front')
  t.ok(sent.length >= 3, `then split after the blank reply (${sent.length} requests)`)
  const visits = (JSON.parse(res.body.toString()) as { job_site_visits: unknown[] }).job_site_visits
  t.ok(visits.length >= 2, `the pieces' records are merged (${visits.length})`)
})
