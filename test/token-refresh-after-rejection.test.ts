// Hubstaff answered 401 to token T. Many requests carrying T may see that 401 at once; only one
// exchange may follow, and none at all when the manager already holds a newer token.
import t, { type Test } from 'tap'
import { GatewayError } from '../src/errors.js'
import { TokenEndpointError } from '../src/token/exchange.js'
import { TokenManager } from '../src/token/manager.js'
import { Clock, MemoryTokenStore, StubExchange, deferred, fakeJwt, silentLogger } from './helpers/memory-token-store.js'

function setup(t: Test) {
  const clock = new Clock()
  const expiresAt = clock.t + 3600_000
  const access = fakeJwt(expiresAt, { n: 0 })
  const store = new MemoryTokenStore({ initial: { refreshToken: 'refresh-0', accessToken: access, expiresAt, seeds: [] } })
  const exchange = new StubExchange(clock.now)
  const manager = new TokenManager({
    store,
    exchange: exchange.fn,
    refreshMarginMs: 120_000,
    logger: silentLogger(),
    now: clock.now,
    backoff: { initialMs: 10_000, maxMs: 60_000 },
  })
  t.teardown(() => manager.close())
  return { clock, access, store, exchange, manager }
}

void t.test('a rejected token other than the current one: the current one, no exchange', async (t) => {
  const { access, exchange, manager } = setup(t)
  await manager.init()
  t.equal(await manager.refreshAfterRejection('some-older-token'), access)
  t.equal(exchange.calls.length, 0)
})

void t.test('the current token rejected by 20 requests at once: one exchange, all get the new token', async (t) => {
  const { access, store, exchange, manager } = setup(t)
  await manager.init()
  t.equal(await manager.accessToken(), access)
  const gate = deferred()
  exchange.gate = gate.promise
  const all = Promise.all(Array.from({ length: 20 }, () => manager.refreshAfterRejection(access)))
  gate.resolve()
  const tokens = await all
  t.same(exchange.calls, ['refresh-0'], 'one exchange')
  t.ok(tokens.every((tok) => tok === tokens[0]), 'everyone got the same token')
  t.not(tokens[0], access, 'and it is not the rejected one')
  t.equal(store.data?.accessToken, tokens[0])

  // A request that carried the old token answers late.
  t.equal(await manager.refreshAfterRejection(access), tokens[0])
  t.equal(await manager.accessToken(), tokens[0])
  t.equal(exchange.calls.length, 1, 'late rejections of the old token cause no exchange')
})

void t.test('another process already refreshed: its stored token is adopted without an exchange', async (t) => {
  const { clock, access, store, exchange, manager } = setup(t)
  await manager.init()
  const theirs = fakeJwt(clock.t + 3600_000, { n: 'theirs' })
  store.data = { refreshToken: 'refresh-theirs', accessToken: theirs, expiresAt: clock.t + 3600_000, refreshedAt: clock.t, seeds: [] }
  t.equal(await manager.refreshAfterRejection(access), theirs)
  t.equal(exchange.calls.length, 0)
  t.equal(await manager.accessToken(), theirs)
})

void t.test('a transient failure never hands back the token Hubstaff just refused', async (t) => {
  const { clock, access, store, exchange, manager } = setup(t)
  await manager.init()
  exchange.behaviour = () => {
    throw new TokenEndpointError('transient', 'token endpoint answered 503', { status: 503, retryAfterMs: 0 })
  }
  const results = await Promise.allSettled(Array.from({ length: 5 }, () => manager.refreshAfterRejection(access)))
  t.equal(exchange.calls.length, 1)
  for (const r of results) {
    t.equal(r.status, 'rejected', 'no caller gets the refused token back')
    if (r.status === 'rejected') {
      t.type(r.reason, GatewayError)
      t.equal((r.reason as GatewayError).code, 'HSG_AUTH_REFRESH_UNAVAILABLE')
      t.equal((r.reason as GatewayError).headers['retry-after'], '10')
    }
  }
  t.equal(manager.status().state, 'degraded')
  t.equal(store.data?.refreshToken, 'refresh-0', 'the refresh token is kept')

  await t.rejects(manager.refreshAfterRejection(access), { code: 'HSG_AUTH_REFRESH_UNAVAILABLE' })
  t.equal(exchange.calls.length, 1, 'no exchange inside the backoff')

  clock.advance(10_000)
  exchange.behaviour = undefined
  const fresh = await manager.refreshAfterRejection(access)
  t.not(fresh, access)
  t.equal(exchange.calls.length, 2)
  t.equal(manager.status().state, 'ok')
})

void t.test('a rejection while a refresh is already running joins it', async (t) => {
  const { clock, access, exchange, manager } = setup(t)
  await manager.init()
  clock.advance(3600_000) // expired
  const gate = deferred()
  exchange.gate = gate.promise
  const first = manager.accessToken()
  const joined = manager.refreshAfterRejection(access)
  gate.resolve()
  t.equal(await joined, await first)
  t.equal(exchange.calls.length, 1)
})
