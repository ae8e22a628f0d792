// 100 requests arriving together with no usable access token cause exactly one exchange: a second
// exchange of the same refresh token would be refused (rotation) and lock the gateway out.
import t, { type Test } from 'tap'
import { TokenManager } from '../src/token/manager.js'
import { seedHash } from '../src/token/store.js'
import { Clock, MemoryTokenStore, StubExchange, fakeJwt, silentLogger } from './helpers/memory-token-store.js'

function setup(t: Test, store: MemoryTokenStore, seed?: string) {
  const clock = new Clock()
  const exchange = new StubExchange(clock.now, { delayMs: 50 })
  const manager = new TokenManager({ store, exchange: exchange.fn, seed, refreshMarginMs: 120_000, logger: silentLogger(), now: clock.now })
  t.teardown(() => manager.close())
  return { clock, exchange, manager }
}

const callers = (manager: TokenManager, n = 100) => Promise.all(Array.from({ length: n }, () => manager.accessToken()))

void t.test('absent access token: 100 concurrent callers share one exchange', async (t) => {
  const store = new MemoryTokenStore({ initial: { refreshToken: 'refresh-0', seeds: [] } })
  const { exchange, manager } = setup(t, store)
  await manager.init()
  t.equal(exchange.calls.length, 0, 'init never exchanges')

  const tokens = await callers(manager)
  t.same(exchange.calls, ['refresh-0'], 'one exchange, of the stored refresh token')
  t.equal(new Set(tokens).size, 1, 'every caller got the same token')
  t.equal(tokens[0], store.data?.accessToken, 'the token handed out is the one persisted')
  t.equal(store.data?.refreshToken, 'refresh-1', 'the rotated refresh token is stored')
  t.equal(store.writes, 1, 'one write')
  t.equal(store.locks, 1, 'the store lock was taken once')
  t.equal(manager.status().refreshes, 1)

  const again = await callers(manager)
  t.equal(exchange.calls.length, 1, 'a valid token is served from memory: no further exchange')
  t.ok(again.every((tok) => tok === tokens[0]))
})

void t.test('expired access token: one exchange for 100 callers', async (t) => {
  const clock0 = new Clock()
  const expired = clock0.t - 1000
  const store = new MemoryTokenStore({
    initial: { refreshToken: 'refresh-0', accessToken: fakeJwt(expired), expiresAt: expired, seeds: [] },
  })
  const { exchange, manager } = setup(t, store)
  await manager.init()
  const tokens = await callers(manager)
  t.equal(exchange.calls.length, 1)
  t.not(tokens[0], fakeJwt(expired), 'the expired token is never handed out')
  t.ok(tokens.every((tok) => tok === tokens[0]))
  t.equal(manager.status().state, 'ok')
})

void t.test('first start from a seed: one exchange of the seed for 100 callers', async (t) => {
  const store = new MemoryTokenStore()
  const { exchange, manager } = setup(t, store, 'pat-seed')
  await manager.init()
  const tokens = await callers(manager)
  t.same(exchange.calls, ['pat-seed'])
  t.ok(tokens.every((tok) => tok === tokens[0]))
  t.same(store.data?.seeds, [seedHash('pat-seed')], 'the store remembers the lineage it came from')
})

void t.test('callers arriving while the exchange is in flight join it; later ones after it do not re-exchange', async (t) => {
  const store = new MemoryTokenStore({ initial: { refreshToken: 'refresh-0', seeds: [] } })
  const { exchange, manager } = setup(t, store)
  await manager.init()
  const first = callers(manager, 50)
  await new Promise((resolve) => setTimeout(resolve, 10))
  const second = callers(manager, 50)
  const all = [...(await first), ...(await second)]
  t.equal(exchange.calls.length, 1)
  t.equal(new Set(all).size, 1)
  t.equal(store.mutex.maxHeld, 1)
})
