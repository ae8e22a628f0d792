// Issue #14, item 5: once Hubstaff refused the refresh token, the access token in hand is known to
// be dead. Sending it anyway costs a budget slot and an upstream 401 per request; apps must get the
// 503 problem at once instead, until a new token works. And a refresh margin longer than the
// token's life must not turn every request into an exchange.
import t from 'tap'
import { request } from 'undici'
import { TokenManager } from '../src/token/manager.js'
import { startLiveGateway } from './helpers/gateway.js'
import { capturingLogger, Clock, MemoryTokenStore, StubExchange, settle } from './helpers/memory-token-store.js'

void t.test('after invalid_grant no request goes upstream and none is charged', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { cache: 'off' })
  const warm = await request(`${gw.address}/v2/users/me`)
  t.equal(warm.statusCode, 200)
  await warm.body.dump()

  fake.revokeAll()
  const apiBefore = fake.stats.apiRequests
  const usedBefore = ((await (await request(`${gw.address}/_gateway/status`)).body.json()) as { budget: { used: number } }).budget.used
  const codes: number[] = []
  for (let i = 0; i < 10; i++) {
    const res = await request(`${gw.address}/v2/users/me`)
    codes.push(res.statusCode)
    const problem = (await res.body.json()) as { code?: string }
    t.equal(problem.code, 'HSG_AUTH_REFRESH_REJECTED')
  }
  t.same(codes, Array.from({ length: 10 }, () => 503), 'every app gets the 503 problem')
  t.ok(fake.stats.apiRequests - apiBefore <= 1, `only the request that found the token dead went upstream (${fake.stats.apiRequests - apiBefore})`)
  const usedAfter = ((await (await request(`${gw.address}/_gateway/status`)).body.json()) as { budget: { used: number } }).budget.used
  t.ok(usedAfter - usedBefore <= 1, `at most one slot charged (${usedAfter - usedBefore})`)
})

void t.test('a refresh margin longer than the token life is clamped to half of it, with a warning', async (t) => {
  const clock = new Clock()
  const store = new MemoryTokenStore()
  const exchange = new StubExchange(clock.now, { ttlMs: 60_000 })
  const { logger, lines } = capturingLogger()
  const manager = new TokenManager({ store, seed: 'seed-0', exchange: exchange.fn, refreshMarginMs: 3600_000, logger, now: clock.now })
  t.teardown(() => manager.close())
  await manager.init()
  const first = await manager.accessToken()
  t.equal(exchange.calls.length, 1)
  for (let i = 0; i < 20; i++) {
    t.equal(await manager.accessToken(), first)
    await settle()
  }
  t.equal(exchange.calls.length, 1, 'no exchange while more than half the life is left')
  t.ok(
    lines.some((l) => l.level === 40 && /refresh.margin/i.test(String(l.msg))),
    'a warning says the margin was clamped',
  )
  clock.advance(30_000)
  await manager.accessToken()
  await settle()
  t.equal(exchange.calls.length, 2, 'the refresh starts at half the life')
})
