// Switching between live and replay every 20 ms under load loses no request: each one is answered
// by Hubstaff or by a recording, and exactly the live ones reach Hubstaff.
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { startLiveGateway } from './helpers/gateway.js'

const PATHS = ['/v2/users/me', '/v2/organizations/1001/projects?page_limit=2']

void t.test('live ⇄ replay under load', async (t) => {
  const root = t.testdir()
  const { fake, gw } = await startLiveGateway(t, { mode: 'record', recordings: join(root, 'recordings'), stateDir: join(root, 'state'), cache: 'off', budget: 1_000_000, logLevel: 'info' })
  const switchTo = async (mode: string) => {
    const res = await request(`${gw.address}/_gateway/mode`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode }) })
    t.equal(res.statusCode, 200, `switched to ${mode}`)
    await res.body.dump()
  }
  const recorded = new Map<string, string>()
  for (const path of PATHS) {
    const res = await request(`${gw.address}${path}`)
    recorded.set(path, await res.body.text())
  }
  await switchTo('replay')

  fake.apiDelayMs = 5
  const before = fake.stats.apiRequests
  const answers: { source: unknown }[] = []
  const failures: unknown[] = []
  let running = true
  const clients = Array.from({ length: 16 }, async (_, i) => {
    for (let n = 0; running && n < 10_000; n++) {
      const path = PATHS[(i + n) % 2] as string
      try {
        const res = await request(`${gw.address}${path}`)
        const body = await res.body.text()
        answers.push({ source: res.headers['x-gateway-source'] })
        if (res.statusCode !== 200 || body !== recorded.get(path)) failures.push({ path, status: res.statusCode, body })
      } catch (err) {
        failures.push(err)
      }
    }
  })
  let switches = 0
  const switcher = (async () => {
    while (running) {
      await switchTo(switches++ % 2 === 0 ? 'live' : 'replay')
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })()
  await new Promise((resolve) => setTimeout(resolve, 1500))
  running = false
  await Promise.all([...clients, switcher])
  t.same(failures, [], 'every request answered 200 with the recorded body')
  const live = answers.filter((a) => a.source === 'upstream').length
  const replayed = answers.filter((a) => a.source === 'replay').length
  t.equal(live + replayed, answers.length, 'each answer came from Hubstaff or a recording')
  t.ok(live > 0 && replayed > 0, `${live} live and ${replayed} replayed answers over ${switches} switches`)
  t.equal(fake.stats.apiRequests - before, live, 'exactly the live answers went upstream')
  t.match(await gw.gateway.status(), { inflight: 0 })
})
