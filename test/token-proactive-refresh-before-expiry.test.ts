// Refreshing inside the margin (120 s before expiry, like Hubstaff's CLI) happens in the
// background: requests keep getting the still-valid token at once, and only one refresh runs.
import t from 'tap'
import { TokenManager } from '../src/token/manager.js'
import { Clock, MemoryTokenStore, StubExchange, deferred, fakeJwt, silentLogger, sleep, until } from './helpers/memory-token-store.js'

const MARGIN = 120_000

void t.test('a token inside the margin is returned at once while one background refresh runs', async (t) => {
  const clock = new Clock()
  const expiresAt = clock.t + 60_000
  const access = fakeJwt(expiresAt)
  const store = new MemoryTokenStore({ initial: { refreshToken: 'refresh-0', accessToken: access, expiresAt, seeds: [] } })
  const exchange = new StubExchange(clock.now)
  const gate = deferred()
  exchange.gate = gate.promise
  const manager = new TokenManager({ store, exchange: exchange.fn, refreshMarginMs: MARGIN, logger: silentLogger(), now: clock.now })
  t.teardown(() => manager.close())
  await manager.init()

  const served = await Promise.race([
    Promise.all(Array.from({ length: 10 }, () => manager.accessToken())),
    sleep(3000).then(() => 'waited for the exchange' as const),
  ])
  t.same(served, Array.from({ length: 10 }, () => access), 'every caller got the token in hand without waiting')
  await until(() => exchange.calls.length > 0, 5000, 'the background refresh to start')
  t.equal(await manager.accessToken(), access, 'still served while the refresh is in flight')
  await sleep(50)
  t.same(exchange.calls, ['refresh-0'], 'one background refresh, not one per request')
  t.equal(manager.status().state, 'ok')

  gate.resolve()
  await until(() => store.writes === 1, 5000, 'the background refresh to land')
  const fresh = await manager.accessToken()
  t.not(fresh, access, 'the refreshed token is served from then on')
  t.equal(fresh, store.data?.accessToken)
  t.equal(exchange.calls.length, 1)
  t.equal(manager.status().refreshes, 1)
})

void t.test('a token outside the margin causes no refresh', async (t) => {
  const clock = new Clock()
  const expiresAt = clock.t + MARGIN + 1000
  const access = fakeJwt(expiresAt)
  const store = new MemoryTokenStore({ initial: { refreshToken: 'refresh-0', accessToken: access, expiresAt, seeds: [] } })
  const exchange = new StubExchange(clock.now)
  const manager = new TokenManager({ store, exchange: exchange.fn, refreshMarginMs: MARGIN, logger: silentLogger(), now: clock.now })
  t.teardown(() => manager.close())
  await manager.init()
  for (let i = 0; i < 5; i++) t.equal(await manager.accessToken(), access)
  t.equal(exchange.calls.length, 0)

  clock.advance(1000) // now exactly at the margin
  t.equal(await manager.accessToken(), access)
  await until(() => exchange.settled === 1, 5000, 'the refresh')
  t.equal(exchange.calls.length, 1, 'at the margin the refresh starts')
})

void t.test('the refresh timer refreshes without any request', async (t) => {
  // Real clock: init schedules the refresh for the start of the margin (at least a second away).
  const expiresAt = Date.now() + MARGIN + 300
  const access = fakeJwt(expiresAt)
  const store = new MemoryTokenStore({ initial: { refreshToken: 'refresh-0', accessToken: access, expiresAt, seeds: [] } })
  const exchange = new StubExchange(Date.now)
  const manager = new TokenManager({ store, exchange: exchange.fn, refreshMarginMs: MARGIN, logger: silentLogger() })
  t.teardown(() => manager.close())
  await manager.init()
  t.equal(exchange.calls.length, 0)
  await until(() => store.writes === 1, 6000, 'the timer to refresh')
  t.same(exchange.calls, ['refresh-0'])
  t.not(await manager.accessToken(), access)
  await sleep(1200)
  t.equal(exchange.calls.length, 1, 'the next timer is set for the new token, an hour away')

  manager.close()
  t.equal(manager.status().state, 'ok')
})
