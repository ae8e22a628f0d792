// The seed (--refresh-token / HUBSTAFF_REFRESH_TOKEN) stays in the environment for months while the
// store rotates away from it: on later starts the store must win, or every restart would exchange
// a dead token. A seed the store has never seen is a new PAT the user just pasted: it must win.
import t, { type Test } from 'tap'
import { TokenManager, chooseRefreshToken } from '../src/token/manager.js'
import { seedHash, type StoredTokens } from '../src/token/store.js'
import { Clock, MemoryTokenStore, StubExchange, fakeJwt, silentLogger } from './helpers/memory-token-store.js'

const P = 'pat-old'
const Q = 'pat-new'

void t.test('chooseRefreshToken', (t) => {
  const stored: StoredTokens = { refreshToken: 'refresh-7', seeds: [seedHash(P)] }
  t.equal(chooseRefreshToken(undefined, undefined), undefined, 'nothing known: nothing to exchange')
  t.same(chooseRefreshToken(undefined, P), { token: P, seeds: [seedHash(P)] }, 'first start: the seed')
  t.same(chooseRefreshToken(stored, undefined), { token: 'refresh-7', seeds: [seedHash(P)] }, 'no seed: the store')
  t.same(chooseRefreshToken(stored, P), { token: 'refresh-7', seeds: [seedHash(P)] }, 'a seed already in the lineage loses')
  t.same(
    chooseRefreshToken(stored, Q),
    { token: Q, seeds: [seedHash(P), seedHash(Q)] },
    'a never-seen seed wins and is appended to the history',
  )
  const choice = chooseRefreshToken(stored, P)
  choice?.seeds.push('x')
  t.same(stored.seeds, [seedHash(P)], 'the stored history is copied, not shared')

  const long: StoredTokens = { refreshToken: 'r', seeds: Array.from({ length: 20 }, (_, i) => `h${i}`) }
  const capped = chooseRefreshToken(long, Q)
  t.equal(capped?.seeds.length, 20, 'history is capped at 20')
  t.equal(capped?.seeds.at(-1), seedHash(Q), 'newest last')
  t.equal(capped?.seeds[0], 'h1', 'the oldest falls off')
  t.end()
})

function manager(t: Test, store: MemoryTokenStore, seed: string | undefined, clock: Clock) {
  const exchange = new StubExchange(clock.now)
  const m = new TokenManager({ store, exchange: exchange.fn, seed, refreshMarginMs: 120_000, logger: silentLogger(), now: clock.now })
  t.teardown(() => m.close())
  return { exchange, manager: m }
}

void t.test('a seed already in the store history loses: the stored tokens are used', async (t) => {
  const clock = new Clock()
  const access = fakeJwt(clock.t + 3600_000)
  const store = new MemoryTokenStore({
    initial: { refreshToken: 'refresh-7', accessToken: access, expiresAt: clock.t + 3600_000, seeds: [seedHash(P)] },
  })
  const { exchange, manager: m } = manager(t, store, P, clock)
  await m.init()
  t.equal(await m.accessToken(), access, 'the stored access token is served')
  t.equal(exchange.calls.length, 0, 'no exchange at all')

  clock.advance(3600_000)
  await m.accessToken()
  t.same(exchange.calls, ['refresh-7'], 'on expiry the stored refresh token is exchanged, never the old seed')
  t.same(store.data?.seeds, [seedHash(P)], 'history kept')
})

void t.test('a never-seen seed wins over the store, even over a valid stored access token', async (t) => {
  const clock = new Clock()
  const access = fakeJwt(clock.t + 3600_000)
  const store = new MemoryTokenStore({
    initial: { refreshToken: 'refresh-7', accessToken: access, expiresAt: clock.t + 3600_000, seeds: [seedHash(P)] },
  })
  const { exchange, manager: m } = manager(t, store, Q, clock)
  await m.init()
  const token = await m.accessToken()
  t.same(exchange.calls, [Q], 'the new personal access token is exchanged')
  t.not(token, access, 'the old lineage is not served')
  t.equal(store.data?.refreshToken, 'refresh-1')
  t.same(store.data?.seeds, [seedHash(P), seedHash(Q)], 'both seeds are in the history, newest last')

  // The restart after that: Q is still in the environment, but is now part of the lineage.
  const { exchange: exchange2, manager: m2 } = manager(t, store, Q, clock)
  await m2.init()
  t.equal(await m2.accessToken(), token, 'after a restart the store wins over the same seed')
  t.equal(exchange2.calls.length, 0)
})

void t.test('no seed: the store alone; empty store and no seed: empty state', async (t) => {
  const clock = new Clock()
  const store = new MemoryTokenStore({ initial: { refreshToken: 'refresh-7', seeds: [] } })
  const { exchange, manager: m } = manager(t, store, undefined, clock)
  await m.init()
  t.ok(m.hasToken)
  await m.accessToken()
  t.same(exchange.calls, ['refresh-7'])

  const { manager: empty } = manager(t, new MemoryTokenStore(), undefined, clock)
  await empty.init()
  t.notOk(empty.hasToken)
  t.equal(empty.status().state, 'empty')
  t.equal(empty.status().reason?.code, 'HSG_AUTH_NO_TOKEN')
  await t.rejects(empty.accessToken(), { code: 'HSG_AUTH_NO_TOKEN', status: 503 })
})
