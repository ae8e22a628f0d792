// With --split off the gateway does not touch date ranges: Hubstaff's blank reply reaches the app
// as Hubstaff sent it (and is not cached), and a range over the maximum gets Hubstaff's 400.
import t from 'tap'
import { request } from 'undici'
import { DAY_MS } from './helpers/fake-hubstaff-data.js'
import { FAKE_DATA } from './helpers/fake-hubstaff.js'
import { startLiveGateway } from './helpers/gateway.js'

const PATH = `/v2/organizations/${FAKE_DATA.organizationId}/activities`

void t.test('--split off', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { split: 'off' })
  fake.blank = { overMs: 2 * DAY_MS, form: 'empty 200' }
  for (let i = 0; i < 2; i++) {
    const res = await request(`${gw.address}${PATH}?time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-01-12T00:00:00Z`)
    t.equal(res.statusCode, 200)
    t.equal(await res.body.text(), '', 'the blank reply itself')
    t.equal(res.headers['x-gateway-source'], 'upstream')
  }
  t.equal(fake.stats.apiRequests, 2, 'asked both times: nothing blank is cached')
  const long = await request(`${gw.address}${PATH}?time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-02-04T00:00:00Z`)
  t.equal(long.statusCode, 400, "30 days: Hubstaff's 400")
  await long.body.dump()
})
