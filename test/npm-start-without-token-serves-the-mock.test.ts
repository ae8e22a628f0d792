// `npm ci && npm start` with no token gives a useful gateway: the built binary starts in mock
// mode, says so in one line, and answers /v2 from the bundled spec with no token and no network.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { request } from 'undici'
import { BUILT, NOT_BUILT, spawnGateway } from './helpers/gateway.js'
import { BUNDLED_SPEC } from './helpers/mock.js'

void t.test('no token: the binary serves the mock and says so', { skip: BUILT ? false : NOT_BUILT }, async (t) => {
  // The upstream is unroutable on purpose: nothing may try to reach it.
  const gw = await spawnGateway(['--port', '0', '--state-dir', t.testdir(), '--upstream', 'http://127.0.0.1:9'])
  t.teardown(() => gw.kill('SIGKILL'))
  const me = await request(`${gw.address}/v2/users/me`)
  t.equal(me.statusCode, 200)
  t.equal(me.headers['x-gateway-source'], 'mock')
  t.match(await me.body.json(), { user: { id: Number, name: String } })
  const orgs = (await (await request(`${gw.address}/v2/organizations`)).body.json()) as { organizations: { id: number }[] }
  const page = await request(`${gw.address}/v2/organizations/${orgs.organizations[0]?.id}/projects?page_limit=2`)
  t.match(await page.body.json(), { projects: [{ id: Number }, { id: Number }], pagination: { next_page_start_id: Number } }, 'the simulated organization, paged')
  const docs = await request(`${gw.address}/v2/docs`)
  t.equal(await docs.body.text(), readFileSync(BUNDLED_SPEC, 'utf8'))
  const health = await request(`${gw.address}/_gateway/health`)
  t.same(await health.body.json(), { status: 'ok', mode: 'mock' })

  // Lines logged after `gateway listening` have arrived by now, with the answers above.
  const lines = gw.stdout.map((l) => JSON.parse(l) as Record<string, unknown>)
  t.match(lines.find((l) => l.msg === 'gateway listening'), { mode: 'mock' })
  t.equal(lines.filter((l) => typeof l.msg === 'string' && /serving the mock/.test(l.msg)).length, 1, 'one line says it serves the mock')
  t.match(lines.find((l) => l.msg === 'mock spec loaded'), { specSource: 'bundled', operations: Number })
  t.equal(await gw.kill('SIGTERM'), 0, 'stops cleanly')
})
