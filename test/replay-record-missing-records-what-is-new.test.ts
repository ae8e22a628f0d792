// --fallback record-missing: replay what is recorded, ask Hubstaff (with the token and the budget)
// for what is not, record it, and replay it from then on. It needs a token, as record mode does.
import { join } from 'node:path'
import { readdirSync } from 'node:fs'
import t from 'tap'
import { request } from 'undici'
import { Gateway } from '../src/gateway.js'
import { createLogger } from '../src/logger.js'
import { startLiveGateway, testConfig } from './helpers/gateway.js'
import { plant } from './helpers/recordings.js'

void t.test('recorded requests replay, new ones are recorded once', async (t) => {
  const root = t.testdir()
  const recordings = join(root, 'recordings')
  plant(recordings, 'GET', '/v2/users/me', 200, { user: { id: 77, name: 'Recorded' } })
  const { fake, gw } = await startLiveGateway(t, { mode: 'replay', fallback: 'record-missing', recordings, stateDir: join(root, 'state'), cache: 'off' })
  const get = async (path: string) => {
    const res = await request(`${gw.address}${path}`)
    return { source: res.headers['x-gateway-source'], body: await res.body.text() }
  }
  const me = await get('/v2/users/me')
  t.same(me, { source: 'replay', body: JSON.stringify({ user: { id: 77, name: 'Recorded' } }) }, 'what is recorded replays')
  t.equal(fake.stats.apiRequests, 0)

  const fresh = await get('/v2/organizations/1001/projects?page_limit=2')
  t.equal(fresh.source, 'upstream', 'what is missing comes from Hubstaff')
  t.equal(fake.stats.apiRequests, 1)
  t.equal(readdirSync(recordings).length, 2, 'and is recorded')
  const again = await get('/v2/organizations/1001/projects?page_limit=2')
  t.same(again, { source: 'replay', body: fresh.body }, 'then replays')
  t.equal(fake.stats.apiRequests, 1, 'without asking Hubstaff again')
  const status = (await gw.gateway.status()) as { budget: { used: number }; recordings: Record<string, unknown> }
  t.equal(status.budget.used, 1, 'the recorded request was charged to the budget')
  t.match(status.recordings, { files: 2, entries: 2, written: 1, used: 2, unused: 0 })
})

void t.test('without a token, record-missing cannot start', async (t) => {
  const config = testConfig({ mode: 'replay', fallback: 'record-missing', stateDir: t.testdir(), port: 0 })
  await t.rejects(Gateway.create({ config, logger: createLogger('silent') }), { code: 'HSG_CONFIG_INVALID', message: /record-missing/ })
})
