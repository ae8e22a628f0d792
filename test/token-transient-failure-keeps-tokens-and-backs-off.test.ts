// 5xx, 429, 408 and network failures say nothing about the refresh token: it is kept, the access
// token in hand is served while it is valid, and the endpoint is retried with a growing backoff
// (or its Retry-After) rather than on every request.
import t, { type Test } from 'tap'
import { GatewayError } from '../src/errors.js'
import { TokenEndpointError } from '../src/token/exchange.js'
import { TokenManager, type TokenManagerOptions } from '../src/token/manager.js'
import { Clock, MemoryTokenStore, StubExchange, fakeJwt, silentLogger, until } from './helpers/memory-token-store.js'

const unavailable = (status = 503, retryAfterMs = 0) =>
  new TokenEndpointError('transient', `token endpoint answered ${status}`, { status, retryAfterMs })

function setup(t: Test, store: MemoryTokenStore, options: Partial<TokenManagerOptions> = {}) {
  const clock = new Clock()
  const exchange = new StubExchange(options.now ?? clock.now)
  const manager = new TokenManager({
    store,
    exchange: exchange.fn,
    refreshMarginMs: 120_000,
    logger: silentLogger(),
    now: clock.now,
    // Long enough that the retry timer never fires during a test: retries are driven by the clock.
    backoff: { initialMs: 10_000, maxMs: 40_000 },
    ...options,
  })
  t.teardown(() => manager.close())
  return { clock, exchange, manager }
}

async function retryAfter(t: Test, p: Promise<unknown>, code = 'HSG_AUTH_REFRESH_UNAVAILABLE'): Promise<string | undefined> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  t.type(err, GatewayError)
  t.equal((err as GatewayError).code, code)
  t.equal((err as GatewayError).status, 503)
  return (err as GatewayError).headers['retry-after']
}

void t.test('a still-valid access token keeps being served while the refresh fails', async (t) => {
  const clock0 = new Clock()
  const expiresAt = clock0.t + 60_000 // inside the 120 s margin: a background refresh is due
  const access = fakeJwt(expiresAt)
  const store = new MemoryTokenStore({ initial: { refreshToken: 'refresh-0', accessToken: access, expiresAt, seeds: [] } })
  const { exchange, manager } = setup(t, store)
  exchange.behaviour = () => {
    throw unavailable(502)
  }
  await manager.init()

  t.equal(await manager.accessToken(), access)
  await until(() => manager.status().state === 'degraded', 5000, 'the background refresh to fail')
  const status = manager.status()
  t.equal(status.reason?.code, 'HSG_AUTH_REFRESH_UNAVAILABLE')
  t.match(status.reason?.detail, /retrying in 10 s/)
  t.equal(status.failures, 1)
  t.equal(status.expiresAt, new Date(expiresAt).toISOString(), 'the access token is kept')

  for (let i = 0; i < 5; i++) t.equal(await manager.accessToken(), access, 'served while valid')
  t.equal(exchange.calls.length, 1, 'requests do not retry the refresh: the backoff timer does')
  t.same(store.data, { refreshToken: 'refresh-0', accessToken: access, expiresAt, seeds: [] }, 'the store is untouched')
  t.equal(store.writes, 0)
})

void t.test('expired token: 503 with Retry-After, backoff grows and caps, no exchange inside it, success returns to ok', async (t) => {
  const store = new MemoryTokenStore({ initial: { refreshToken: 'refresh-0', seeds: [] } })
  const { clock, exchange, manager } = setup(t, store)
  let answer: () => never = () => {
    throw unavailable(500)
  }
  exchange.behaviour = () => answer()
  await manager.init()

  t.equal(await retryAfter(t, manager.accessToken()), '10', 'first failure: the initial backoff')
  t.equal(manager.status().state, 'degraded')
  t.equal(await retryAfter(t, manager.accessToken()), '10', 'asking again at once')
  clock.advance(4_000)
  t.equal(await retryAfter(t, manager.accessToken()), '6', 'the wait counts down')
  t.equal(exchange.calls.length, 1, 'no exchange while backing off')

  clock.advance(6_000)
  t.equal(await retryAfter(t, manager.accessToken()), '20', 'second failure: doubled')
  clock.advance(20_000)
  t.equal(await retryAfter(t, manager.accessToken()), '40', 'third failure: doubled again')
  clock.advance(40_000)
  t.equal(await retryAfter(t, manager.accessToken()), '40', 'capped at maxMs')
  t.equal(exchange.calls.length, 4)

  answer = () => {
    throw unavailable(429, 90_000)
  }
  clock.advance(40_000)
  t.equal(await retryAfter(t, manager.accessToken()), '90', "the endpoint's Retry-After wins when longer")
  clock.advance(89_000)
  t.equal(await retryAfter(t, manager.accessToken()), '1')
  t.equal(exchange.calls.length, 5)
  t.same(new Set(exchange.calls), new Set(['refresh-0']), 'the same refresh token all along: it was never dropped')
  t.equal(store.writes, 0)

  exchange.behaviour = undefined
  clock.advance(1_000)
  const token = await manager.accessToken()
  t.equal(store.data?.accessToken, token)
  t.equal(store.data?.refreshToken, 'refresh-1')
  const status = manager.status()
  t.equal(status.state, 'ok', 'a success returns to ok')
  t.equal(status.reason, null)
  t.equal(status.failures, 5)
  t.equal(status.refreshes, 1)

  // The backoff starts over after a success.
  exchange.behaviour = () => {
    throw unavailable(408)
  }
  clock.advance(3600_000)
  t.equal(await retryAfter(t, manager.accessToken()), '10')
})

void t.test('network failures, unexpected errors and lock timeouts are transient too', async (t) => {
  const store = new MemoryTokenStore({ initial: { refreshToken: 'refresh-0', seeds: [] } })
  const { clock, exchange, manager } = setup(t, store)
  await manager.init()

  exchange.behaviour = () => {
    const refused = new GatewayError('HSG_UPSTREAM_UNREACHABLE', 'The Hubstaff token endpoint could not be reached (ECONNREFUSED).')
    throw new TokenEndpointError('transient', `token endpoint unavailable: ${refused.message}`, { cause: refused })
  }
  t.equal(await retryAfter(t, manager.accessToken()), '10')
  t.equal(manager.status().state, 'degraded')
  t.match(manager.status().reason?.detail, /ECONNREFUSED/)

  clock.advance(10_000)
  exchange.behaviour = () => {
    throw new Error('socket hang up')
  }
  t.equal(await retryAfter(t, manager.accessToken()), '20')
  t.equal(manager.status().state, 'degraded')

  clock.advance(20_000)
  store.lockError = new GatewayError('HSG_AUTH_LOCK_TIMEOUT', 'Another process has held the token lock for more than 20 s.')
  t.equal(await retryAfter(t, manager.accessToken(), 'HSG_AUTH_LOCK_TIMEOUT'), '40')
  t.equal(manager.status().reason?.code, 'HSG_AUTH_LOCK_TIMEOUT')
  t.equal(exchange.calls.length, 2, 'no exchange without the lock')
  t.equal(store.data?.refreshToken, 'refresh-0', 'tokens kept throughout')
})

void t.test('the backoff timer retries on its own and returns to ok', async (t) => {
  const store = new MemoryTokenStore({ initial: { refreshToken: 'refresh-0', seeds: [] } })
  // Real clock: the timer is a real one (it waits at least a second).
  const { exchange, manager } = setup(t, store, { now: Date.now, backoff: { initialMs: 1000, maxMs: 1000 } })
  exchange.behaviour = (_token, call) => {
    if (call === 1) throw unavailable(503)
    return exchange.issue()
  }
  await manager.init()
  t.equal(await retryAfter(t, manager.accessToken()), '1')
  await until(() => manager.status().state === 'ok', 8000, 'the timer to retry')
  t.equal(exchange.calls.length, 2)
  t.equal(await manager.accessToken(), store.data?.accessToken, 'served without another exchange')
  t.equal(exchange.calls.length, 2)
})
