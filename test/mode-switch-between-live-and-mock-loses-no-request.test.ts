// PUT /_gateway/mode switches between live and mock without a restart: requests in flight finish
// in the mode they started in, later ones go to the new mode, and under load no request is lost.
import t from 'tap'
import { request } from 'undici'
import { startLiveGateway } from './helpers/gateway.js'

void t.test('switching between live and mock', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { cache: 'off', budget: 1_000_000, logLevel: 'info' })
  const switchTo = async (mode: string) => {
    const res = await request(`${gw.address}/_gateway/mode`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode }) })
    t.equal(res.statusCode, 200, `switched to ${mode}`)
    await res.body.dump()
  }
  const get = async (path: string) => {
    const res = await request(`${gw.address}${path}`)
    const body = await res.body.text()
    return { status: res.statusCode, source: res.headers['x-gateway-source'], body }
  }
  await get('/v2/users/me') // the token exchange happens here, not in the middle of the next part
  t.match(await gw.gateway.status(), { mode: 'live', mock: { loaded: false } }, 'started live without --spec: the mock loads when first used')

  void t.test('requests in flight finish in the mode they started in', async (t) => {
    fake.apiDelayMs = 300
    const before = fake.stats.apiRequests
    const live = Array.from({ length: 20 }, () => get('/v2/users/me'))
    while (fake.stats.apiRequests - before < 20) await new Promise((resolve) => setTimeout(resolve, 5))
    await switchTo('mock')
    const mock = Array.from({ length: 20 }, () => get('/v2/users/me'))
    for (const answer of await Promise.all(live)) t.match(answer, { status: 200, source: 'upstream' })
    for (const answer of await Promise.all(mock)) t.match(answer, { status: 200, source: 'mock' })
    t.match(await gw.gateway.status(), { mock: { loaded: true, specSource: 'bundled' } })
    t.equal(gw.logRecords().filter((r) => r.msg === 'mock spec loaded').length, 1, 'loaded on first use, and said so once')
    t.equal(fake.stats.apiRequests - before, 20, 'the mock sent nothing upstream')
    await switchTo('live')
  })

  void t.test('under load, switching every 20 ms loses no request', async (t) => {
    fake.apiDelayMs = 5
    const before = fake.stats.apiRequests
    const answers: { status: number; source: unknown }[] = []
    const failures: unknown[] = []
    let running = true
    const clients = Array.from({ length: 24 }, async (_, i) => {
      for (let n = 0; running; n++) {
        const path = (i + n) % 2 === 0 ? '/v2/users/me' : '/v2/organizations?page_limit=2'
        try {
          const answer = await get(path)
          answers.push(answer)
          if (answer.status !== 200) failures.push(answer)
        } catch (err) {
          failures.push(err)
        }
      }
    })
    let switches = 0
    const switcher = (async () => {
      while (running) {
        await switchTo(switches++ % 2 === 0 ? 'mock' : 'live')
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    })()
    await new Promise((resolve) => setTimeout(resolve, 1500))
    running = false
    await Promise.all([...clients, switcher])
    t.same(failures, [], 'every request answered 200')
    const upstream = answers.filter((a) => a.source === 'upstream').length
    const mock = answers.filter((a) => a.source === 'mock').length
    t.equal(upstream + mock, answers.length, 'each answer came from Hubstaff or the mock')
    t.ok(upstream > 0 && mock > 0, `${upstream} live and ${mock} mock answers over ${switches} switches`)
    t.equal(fake.stats.apiRequests - before, upstream, 'exactly the live answers went upstream')
    t.match(await gw.gateway.status(), { inflight: 0 })
  })
})
