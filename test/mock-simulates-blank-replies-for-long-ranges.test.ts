// --mock-blank-after: the mock answers Hubstaff's blank reply (504, empty body) to a date range
// longer than the span, as Hubstaff answers a query past its 30-second limit. Off by default.
import t from 'tap'
import { request } from 'undici'
import { startTestGateway } from './helpers/gateway.js'

const ACTIVITIES = '/v2/organizations/1001/activities'
const range = (days: number) => `time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-01-${String(5 + days).padStart(2, '0')}T00:00:00Z`

void t.test('--mock-blank-after 7d: longer ranges get the blank reply', async (t) => {
  const gw = await startTestGateway({ mode: 'mock', mockBlankAfter: '7d', stateDir: t.testdir() })
  t.teardown(() => gw.close())
  const week = await request(`${gw.address}${ACTIVITIES}?${range(7)}`)
  t.equal(week.statusCode, 200, 'seven days answer')
  t.match(await week.body.json(), { activities: Array })
  for (let i = 0; i < 2; i++) {
    const longer = await request(`${gw.address}${ACTIVITIES}?${range(8)}`)
    t.equal(longer.statusCode, 504, 'eight days: the blank reply')
    t.equal(await longer.body.text(), '', 'with an empty body')
    t.equal(longer.headers['x-gateway-source'], 'mock')
  }
  const other = await request(`${gw.address}/v2/users/me`)
  t.equal(other.statusCode, 200, 'requests without a range are not touched')
  await other.body.dump()
})

void t.test('without --mock-blank-after long ranges answer', async (t) => {
  const gw = await startTestGateway({ mode: 'mock', stateDir: t.testdir() })
  t.teardown(() => gw.close())
  const res = await request(`${gw.address}${ACTIVITIES}?${range(20)}`)
  t.equal(res.statusCode, 200)
  await res.body.dump()
})
