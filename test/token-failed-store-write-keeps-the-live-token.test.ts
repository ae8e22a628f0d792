// When the rotated refresh token cannot be written (disk full, permissions), memory holds the only
// live copy: the manager must keep using it, not fall back to the dead one still in the store.
import t from 'tap'
import { TokenEndpointError } from '../src/token/exchange.js'
import { TokenManager } from '../src/token/manager.js'
import { Clock, MemoryTokenStore, StubExchange, capturingLogger } from './helpers/memory-token-store.js'

void t.test('a failed write: the token is still served, the failure is logged, the next refresh uses the live token', async (t) => {
  const clock = new Clock()
  const store = new MemoryTokenStore({ initial: { refreshToken: 'refresh-0', refreshedAt: clock.t - 3600_000, seeds: [] } })
  const exchange = new StubExchange(clock.now)
  const used = new Set<string>()
  exchange.behaviour = (token) => {
    // Hubstaff: a refresh token works once.
    if (used.has(token)) throw new TokenEndpointError('rejected', 'token endpoint answered 401 (invalid_grant)', { status: 401, oauthError: 'invalid_grant' })
    used.add(token)
    return exchange.issue()
  }
  const { logger, lines } = capturingLogger()
  const manager = new TokenManager({ store, exchange: exchange.fn, refreshMarginMs: 120_000, logger, now: clock.now })
  t.teardown(() => manager.close())
  await manager.init()

  store.failWrites = 1
  clock.advance(1000)
  const first = await manager.accessToken()
  t.same(store.events, ['write-start', 'write-failed'])
  t.equal(store.data?.refreshToken, 'refresh-0', 'the store still holds the token the exchange just killed')
  const logged = lines.find((l) => l.code === 'HSG_AUTH_STORE_UNREADABLE')
  t.ok(logged, 'the failed write is logged')
  t.equal(logged?.level, 50, 'as an error')
  t.equal(logged?.store, store.location)
  t.equal(manager.status().state, 'ok')

  clock.advance(3600_000)
  const second = await manager.accessToken()
  t.same(exchange.calls, ['refresh-0', 'refresh-1'], 'the next refresh exchanges the live token from memory')
  t.not(second, first)
  t.equal(manager.status().state, 'ok')
  t.equal(store.data?.refreshToken, 'refresh-2', 'and this time it is persisted')

  const text = JSON.stringify(lines)
  for (const secret of [first, second, 'refresh-1', 'refresh-2']) t.notMatch(text, secret, 'no token in the logs')
})
