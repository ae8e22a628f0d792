// Issue #12: a date range from year 1 (now 100) to 9999 was cut into over half a million pieces of
// activities (seconds of blocked event loop) before anything checked its size. Its size is now worked out from the
// span alone, so it is refused at once with HSG_SPLIT_TOO_LARGE naming --split-max-pieces, even
// with a budget that could pay for it; nothing goes upstream, and the gateway goes on serving.
import t from 'tap'
import { request } from 'undici'
import { dayCellCount, dayCells, fewestPieces, cutToMaxSpan } from '../src/split/plan.js'
import { RANGED_ENDPOINTS } from '../src/api/ranges.js'
import { FAKE_DATA } from './helpers/fake-hubstaff.js'
import { startLiveGateway } from './helpers/gateway.js'

const ORG = `/v2/organizations/${FAKE_DATA.organizationId}`
const RANGES = [
  // Years below 100 are not read as dates at all (such a range goes to Hubstaff as sent, for its 400).
  ['activities', `${ORG}/activities?time_slot[start]=0100-01-01T00:00:00Z&time_slot[stop]=9999-12-31T00:00:00Z`, 516_557],
  ['daily activities', `${ORG}/activities/daily?date[start]=0100-01-01&date[stop]=9999-12-31`, 116_642],
] as const

void t.test('year 1 to 9999 is refused at once, and the gateway serves on', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { budget: 1_000_000 })
  const first = await request(`${gw.address}/v2/users/me`)
  await first.body.dump()
  t.equal(first.statusCode, 200)
  const before = fake.stats.apiRequests

  for (const [what, path, pieces] of RANGES) {
    const started = process.hrtime.bigint()
    const res = await request(`${gw.address}${path}`)
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    t.equal(res.statusCode, 422, what)
    t.match(res.headers['content-type'], /^application\/problem\+json/, what)
    t.equal(res.headers['retry-after'], undefined, `${what}: no Retry-After: no wait would help`)
    t.match(await res.body.json(), { code: 'HSG_SPLIT_TOO_LARGE', pieces, maxPieces: 1000, detail: /--split-max-pieces/ }, what)
    t.comment(`${what}: refused in ${ms.toFixed(1)} ms`)
  }
  t.equal(fake.stats.apiRequests, before, 'nothing went upstream')

  const hit = await request(`${gw.address}/v2/users/me`)
  await hit.body.dump()
  t.equal(hit.statusCode, 200)
  t.match(hit.headers['cache-status'], /\bhit\b/, 'a cache hit right after')
  const status = (await (await request(`${gw.address}/_gateway/status`)).body.json()) as { budget: { used: number } }
  t.equal(status.budget.used, 1, 'only the first request was spent')
})

void t.test('a range within --split-max-pieces is still cut and served', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { splitMaxPieces: 5 })
  const thirtyDays = `${ORG}/activities?time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-02-04T00:00:00Z&page_limit=500`
  const ok = await request(`${gw.address}${thirtyDays}`)
  await ok.body.dump()
  t.equal(ok.statusCode, 200, 'five pieces, the limit')
  t.equal(ok.headers['x-gateway-source'], 'split')
  const spent = fake.stats.apiRequests
  const longer = await request(`${gw.address}${ORG}/activities?time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-02-10T00:00:00Z`)
  t.equal(longer.statusCode, 422, 'six pieces are one too many')
  t.match(await longer.body.json(), { code: 'HSG_SPLIT_TOO_LARGE', pieces: 6, maxPieces: 5 })
  t.equal(fake.stats.apiRequests, spent, 'nothing of it went upstream')
})

void t.test('a blank reply to a range sent whole is not cut into more than --split-max-pieces days', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { splitMaxPieces: 3, splitUpFront: 'off' })
  fake.blank = { overMs: 86_400_000, form: 'empty 504' }
  const fiveDays = `${ORG}/activities?time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-01-10T00:00:00Z`
  const res = await request(`${gw.address}${fiveDays}`)
  t.equal(res.statusCode, 422)
  t.match(await res.body.json(), { code: 'HSG_SPLIT_TOO_LARGE', pieces: 5, maxPieces: 3 })
  t.equal(fake.stats.apiRequests, 1, 'only the whole range was asked')
  const twoDays = await request(`${gw.address}${ORG}/activities?time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-01-07T00:00:00Z`)
  await twoDays.body.dump()
  t.equal(twoDays.statusCode, 200, 'two days are cut and merged as before')
  t.equal(twoDays.headers['x-gateway-source'], 'split')
})

void t.test('the counts agree with the cuts they stand for', (t) => {
  for (const endpoint of RANGED_ENDPOINTS) {
    const grid = endpoint.kind === 'date-time' ? 86_400_000 : 1
    const spans =
      endpoint.kind === 'date-time'
        ? [
            { lo: Date.UTC(2026, 0, 5), hi: Date.UTC(2026, 0, 6) },
            { lo: Date.UTC(2026, 0, 5, 13), hi: Date.UTC(2026, 0, 5, 14) },
            { lo: Date.UTC(2026, 0, 5, 13), hi: Date.UTC(2026, 2, 9, 7) },
            { lo: Date.UTC(2025, 11, 31, 23), hi: Date.UTC(2026, 11, 31, 1) },
          ]
        : [
            { lo: 20_458, hi: 20_459 },
            { lo: 20_458, hi: 20_520 },
            { lo: 20_000, hi: 20_400 },
          ]
    for (const span of spans) {
      const what = `${endpoint.path} ${span.lo}..${span.hi}`
      t.equal(dayCellCount(endpoint.kind, span), dayCells(endpoint.kind, span).length, `${what}: day cells`)
      t.ok(fewestPieces(endpoint, span) <= cutToMaxSpan(endpoint, span).length, `${what}: no cut has fewer pieces`)
      t.ok(fewestPieces(endpoint, span) >= 1)
      t.ok(grid > 0)
    }
  }
  t.end()
})
