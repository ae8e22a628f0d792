// invalid_grant means the refresh token is dead. Either another process rotated it (the store then
// holds the live one) or the user must act. Retrying the dead token can never help, so the manager
// must not hammer the token endpoint; it watches the store for a token written by someone else.
import t, { type Test } from 'tap'
import { TokenEndpointError } from '../src/token/exchange.js'
import { TokenManager } from '../src/token/manager.js'
import { seedHash } from '../src/token/store.js'
import { Clock, MemoryTokenStore, StubExchange, fakeJwt, silentLogger, sleep } from './helpers/memory-token-store.js'

const RECHECK = 2000
const invalidGrant = () => new TokenEndpointError('rejected', 'token endpoint answered 401 (invalid_grant)', { status: 401, oauthError: 'invalid_grant' })

function setup(t: Test, store: MemoryTokenStore, seed?: string) {
  const clock = new Clock()
  const exchange = new StubExchange(clock.now)
  const manager = new TokenManager({
    store,
    exchange: exchange.fn,
    seed,
    refreshMarginMs: 120_000,
    logger: silentLogger(),
    now: clock.now,
    recheckMs: RECHECK,
  })
  t.teardown(() => manager.close())
  return { clock, exchange, manager }
}

void t.test('another process won: the store holds a different refresh token, which is exchanged', async (t) => {
  const store = new MemoryTokenStore({ initial: { refreshToken: 'refresh-stale', seeds: ['h-old'] } })
  const { exchange, manager } = setup(t, store)
  exchange.behaviour = (token) => {
    if (token === 'refresh-stale') {
      // The other process rotated while this one was asking.
      store.data = { refreshToken: 'refresh-theirs', seeds: ['h-old'] }
      throw invalidGrant()
    }
    return exchange.issue()
  }
  await manager.init()
  const token = await manager.accessToken()
  t.same(exchange.calls, ['refresh-stale', 'refresh-theirs'])
  t.equal(store.data?.refreshToken, 'refresh-1', 'the rotated token from the second exchange is stored')
  t.equal(store.data?.accessToken, token)
  t.equal(manager.status().state, 'ok')
  t.equal(manager.status().reason, null)
})

void t.test('nothing new in the store: rejected, no hammering, recovery when a new token is written', async (t) => {
  const store = new MemoryTokenStore({ initial: { refreshToken: 'refresh-dead', seeds: [] } })
  const { clock, exchange, manager } = setup(t, store)
  exchange.behaviour = (token) => {
    if (token === 'refresh-dead') throw invalidGrant()
    return exchange.issue()
  }
  await manager.init()

  await t.rejects(manager.accessToken(), { name: 'GatewayError', code: 'HSG_AUTH_REFRESH_REJECTED', status: 503 })
  t.same(exchange.calls, ['refresh-dead'], 'one exchange, then one re-read of the store')
  const status = manager.status()
  t.equal(status.state, 'rejected')
  t.equal(status.reason?.code, 'HSG_AUTH_REFRESH_REJECTED')
  t.match(status.reason?.detail, /invalid_grant/, 'the reason names the OAuth error')
  t.match(status.reason?.detail, /personal access token/, 'and says how to fix it')
  t.equal(status.failures, 1)

  for (let i = 0; i < 10; i++) {
    await t.rejects(manager.accessToken(), { code: 'HSG_AUTH_REFRESH_REJECTED' })
    await t.rejects(manager.refreshAfterRejection('whatever'), { code: 'HSG_AUTH_REFRESH_REJECTED' })
  }
  clock.advance(RECHECK)
  await t.rejects(manager.accessToken(), { code: 'HSG_AUTH_REFRESH_REJECTED' })
  t.equal(exchange.calls.length, 1, 'the dead token is never exchanged again, not even after a recheck')

  // `login` writes a new lineage into the store.
  store.data = { refreshToken: 'pat-login', seeds: [seedHash('pat-login')] }
  const readsBefore = store.reads
  await t.rejects(manager.accessToken(), { code: 'HSG_AUTH_REFRESH_REJECTED' }, 'the store is looked at no more than every recheckMs')
  t.equal(store.reads, readsBefore)

  clock.advance(RECHECK)
  const token = await manager.accessToken()
  t.same(exchange.calls, ['refresh-dead', 'pat-login'], 'the new token is exchanged once')
  t.equal(manager.status().state, 'ok')
  t.equal(manager.status().reason, null)
  t.equal(store.data.refreshToken, 'refresh-1')
  t.equal(await manager.accessToken(), token)
})

void t.test('the store token found on the re-read is refused too: two exchanges, then none', async (t) => {
  const store = new MemoryTokenStore({ initial: { refreshToken: 'refresh-stale', seeds: [] } })
  const { clock, exchange, manager } = setup(t, store)
  exchange.behaviour = (token) => {
    if (token === 'refresh-stale') store.data = { refreshToken: 'refresh-also-dead', seeds: [] }
    throw invalidGrant()
  }
  await manager.init()
  await t.rejects(manager.accessToken(), { code: 'HSG_AUTH_REFRESH_REJECTED' })
  t.same(exchange.calls, ['refresh-stale', 'refresh-also-dead'])
  t.equal(manager.status().state, 'rejected')

  for (let i = 0; i < 3; i++) {
    clock.advance(RECHECK)
    await t.rejects(manager.accessToken(), { code: 'HSG_AUTH_REFRESH_REJECTED' })
    await t.rejects(manager.refreshAfterRejection('x'), { code: 'HSG_AUTH_REFRESH_REJECTED' })
  }
  t.equal(exchange.calls.length, 2, 'neither dead token is exchanged again')
})

void t.test('a rejected seed is never exchanged again once a new token is in the store', async (t) => {
  const store = new MemoryTokenStore()
  const { clock, exchange, manager } = setup(t, store, 'pat-revoked')
  exchange.behaviour = (token) => {
    if (token === 'pat-revoked') throw invalidGrant()
    return exchange.issue()
  }
  await manager.init()
  await t.rejects(manager.accessToken(), { code: 'HSG_AUTH_REFRESH_REJECTED' })
  t.same(exchange.calls, ['pat-revoked'])

  // `login` in another terminal, while the gateway still has the revoked PAT in its environment.
  store.data = { refreshToken: 'pat-login', seeds: [seedHash('pat-login')] }
  clock.advance(RECHECK)
  await manager.accessToken()
  t.equal(manager.status().state, 'ok')
  t.equal(exchange.calls.at(-1), 'pat-login')
  t.ok(store.data.seeds.includes(seedHash('pat-revoked')), 'the revoked seed is now part of the lineage history')

  const before = exchange.calls.length
  clock.advance(3600_000)
  await manager.accessToken()
  t.same(exchange.calls.slice(before), ['refresh-1'], 'the next refresh exchanges the stored token only')

  // A restart with the same environment: the store wins.
  const again = setup(t, store, 'pat-revoked')
  again.clock.t = clock.t
  again.exchange.behaviour = exchange.behaviour
  await again.manager.init()
  t.equal(await again.manager.accessToken(), store.data.accessToken)
  t.same(again.exchange.calls, [], 'no exchange of the revoked seed after a restart')
})

void t.test('the refresh timer does not retry a rejected token', async (t) => {
  const clock0 = new Clock()
  // Expires just past the margin: init schedules a proactive refresh about a second from now.
  const expiresAt = clock0.t + 120_000 + 500
  const access = fakeJwt(expiresAt)
  const store = new MemoryTokenStore({ initial: { refreshToken: 'refresh-dead', accessToken: access, expiresAt, seeds: [] } })
  const { exchange, manager } = setup(t, store)
  exchange.behaviour = () => {
    throw invalidGrant()
  }
  await manager.init()
  // Hubstaff answered 401 to the access token, and the refresh token is dead too.
  await t.rejects(manager.refreshAfterRejection(access), { code: 'HSG_AUTH_REFRESH_REJECTED' })
  t.equal(exchange.calls.length, 1)
  await sleep(1600)
  t.equal(exchange.calls.length, 1, 'the timer set before the rejection did not exchange the dead token')
  t.equal(manager.status().state, 'rejected')
})
