// Issue #14, item 8: If-None-Match never reached Hubstaff and the gateway never answered 304, so a
// client that revalidates downloaded the whole body every time. The cache answers 304 itself to a
// validator that matches what it holds; on a miss the validator goes upstream and Hubstaff's 304
// comes back (and refreshes the entry the cache held).
import t from 'tap'
import { request } from 'undici'
import { sharedClock, startLiveGateway } from './helpers/gateway.js'

async function get(address: string, path: string, headers: Record<string, string> = {}) {
  const res = await request(`${address}${path}`, { headers })
  const body = await res.body.text()
  return { status: res.statusCode, headers: res.headers, body }
}

void t.test('a validator matching the cached answer gets 304 from the cache', async (t) => {
  const { fake, gw } = await startLiveGateway(t)
  const first = await get(gw.address, '/v2/users/me')
  t.equal(first.status, 200)
  const etag = String(first.headers.etag)
  t.match(etag, /^W\/"/, "Hubstaff's own ETag")
  const before = fake.stats.apiRequests

  const revalidated = await get(gw.address, '/v2/users/me', { 'if-none-match': etag })
  t.equal(revalidated.status, 304)
  t.equal(revalidated.body, '', 'no body')
  t.equal(revalidated.headers.etag, etag)
  t.match(String(revalidated.headers['cache-status']), /hit/)
  t.equal(fake.stats.apiRequests, before, 'nothing went upstream')

  const other = await get(gw.address, '/v2/users/me', { 'if-none-match': 'W/"something-else"' })
  t.equal(other.status, 200, 'a validator that does not match gets the whole answer')
  t.equal(other.body, first.body)

  const since = await get(gw.address, '/v2/users/me', { 'if-modified-since': new Date(Date.now() + 60_000).toUTCString() })
  t.equal(since.status, 304, 'not modified since a time after it was fetched')
  const older = await get(gw.address, '/v2/users/me', { 'if-modified-since': new Date(Date.now() - 3600_000).toUTCString() })
  t.equal(older.status, 200, 'modified since an hour ago, as far as the cache can tell')
  t.equal(fake.stats.apiRequests, before)
})

void t.test('an answer Hubstaff sent without an ETag gets a strong one of its body', async (t) => {
  const { fake, gw } = await startLiveGateway(t)
  const first = await get(gw.address, '/v2/organizations')
  t.equal(first.status, 200)
  t.type(first.headers.etag, 'string', 'an ETag')
  const etag = String(first.headers.etag)
  t.match(etag, /^"[^"]+"$/, 'strong')
  const before = fake.stats.apiRequests
  const revalidated = await get(gw.address, '/v2/organizations', { 'if-none-match': etag })
  t.equal(revalidated.status, 304)
  t.equal(fake.stats.apiRequests, before)
})

void t.test("on a miss the validator goes upstream, and Hubstaff's 304 comes back and refreshes the entry", async (t) => {
  const clock = sharedClock()
  const { fake, gw } = await startLiveGateway(t, {}, { now: clock.now }, { now: clock.now })
  const first = await get(gw.address, '/v2/users/me')
  const etag = String(first.headers.etag)

  // Past the entry's freshness (an hour) and its stale-while-revalidate window: a miss.
  clock.advance(3600_000 + 61_000)
  const before = fake.stats.apiRequests
  const miss = await get(gw.address, '/v2/users/me', { 'if-none-match': etag })
  t.equal(miss.status, 304, "Hubstaff's 304")
  t.equal(fake.stats.apiRequests, before + 1)
  t.equal(fake.requests.at(-1)?.headers['if-none-match'], etag, 'the validator reached Hubstaff')

  const plain = await get(gw.address, '/v2/users/me')
  t.equal(plain.status, 200)
  t.equal(plain.body, first.body)
  t.match(String(plain.headers['cache-status']), /hit/, 'the 304 refreshed the entry')
  t.equal(fake.stats.apiRequests, before + 1)

  // Nothing cached at all: the app's validator still reaches Hubstaff.
  await request(`${gw.address}/_gateway/cache`, { method: 'DELETE' }).then((r) => r.body.dump())
  const cold = await get(gw.address, '/v2/users/me', { 'if-none-match': etag })
  t.equal(cold.status, 304)
  t.equal(fake.stats.apiRequests, before + 2)
})
