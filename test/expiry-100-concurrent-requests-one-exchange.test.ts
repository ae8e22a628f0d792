import t from 'tap'
import { request } from 'undici'
import { sharedClock, startLiveGateway } from './helpers/gateway.js'

async function burst(address: string, n: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const res = await request(`${address}/v2/users/me`)
      await res.body.dump()
      return res.statusCode
    }),
  )
}

void t.test('100 concurrent requests after the access token expired cause one exchange', async (t) => {
  // The fake and the gateway share a clock moved by hand, so the token expires between the bursts
  // and no background refresh gets there first.
  const clock = sharedClock()
  // Each request must go upstream (and need the token): the cache would answer or coalesce them.
  const { fake, gw } = await startLiveGateway(t, { cache: 'off' }, { accessTokenTtl: 3600, now: clock.now }, { now: clock.now })

  t.same(new Set(await burst(gw.address, 100)), new Set([200]))
  t.equal(fake.stats.exchanges, 1, 'the first burst shares one exchange')

  clock.advance(3601_000)
  t.same(new Set(await burst(gw.address, 100)), new Set([200]))
  t.equal(fake.stats.exchanges, 2, 'the burst after expiry shares one exchange')
  t.equal(fake.stats.reuse, 0)
  t.equal(fake.stats.unauthorized, 0, 'no request went out with the expired token')
})

void t.test('100 concurrent 401s (token revoked early) cause one exchange and every request is replayed', async (t) => {
  const { fake, gw } = await startLiveGateway(t, { cache: 'off' })

  await burst(gw.address, 1)
  fake.expireAccessTokens()
  t.same(new Set(await burst(gw.address, 100)), new Set([200]), 'every app request succeeds')
  t.equal(fake.stats.exchanges, 2, 'one exchange at start, one for all the 401s')
  t.equal(fake.stats.reuse, 0)
})
