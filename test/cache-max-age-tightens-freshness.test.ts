// An app's `Cache-Control: max-age=N` asks for an answer at most N seconds old: it can tighten the
// route's freshness, never stretch it.
import t from 'tap'
import { cacheAround, header, req } from './helpers/cache-harness.js'

const maxAge = (n: number | string) => ({ headers: { 'cache-control': `max-age=${n}` } })

void t.test('max-age below the answer\'s age sends the request upstream and refreshes the entry', async (t) => {
  const { handle, stub, clock } = cacheAround()
  await handle(req('GET', '/v2/users/me')) // fresh for an hour
  clock.advance(10 * 60_000)

  t.match(header(await handle(req('GET', '/v2/users/me', maxAge(900))), 'cache-status'), /; hit;/, '10 min old, 15 allowed: a hit')
  t.equal(stub.calls.length, 1)

  const tight = await handle(req('GET', '/v2/users/me', maxAge(300)))
  t.equal(header(tight, 'cache-status'), 'hubstaff-gateway; fwd=request; stored', '10 min old, 5 allowed: upstream')
  t.equal(stub.calls.length, 2)

  clock.advance(60_000)
  const again = await handle(req('GET', '/v2/users/me', maxAge(300)))
  t.equal(header(again, 'cache-status'), 'hubstaff-gateway; hit; ttl=3540', 'the refreshed entry is a minute old')
  t.equal(header(again, 'age'), '60')

  t.equal(header(await handle(req('GET', '/v2/users/me', maxAge(0))), 'cache-status'), 'hubstaff-gateway; fwd=request; stored', 'max-age=0 always revalidates')
  t.equal(stub.calls.length, 3)
})

void t.test('max-age never stretches the route\'s freshness', async (t) => {
  const { handle, stub, clock } = cacheAround({ staleWhileRevalidate: 0 })
  await handle(req('GET', '/v2/tasks/1')) // fresh for a minute
  clock.advance(2 * 60_000)
  const res = await handle(req('GET', '/v2/tasks/1', maxAge(86_400)))
  t.equal(header(res, 'cache-status'), 'hubstaff-gateway; fwd=stale; stored')
  t.equal(stub.calls.length, 2)
})

void t.test('max-age also rules out serving stale while revalidating', async (t) => {
  const { handle, stub, clock } = cacheAround({ staleWhileRevalidate: 600 })
  await handle(req('GET', '/v2/tasks/1'))
  clock.advance(90_000) // 30 s into the stale-while-revalidate window
  t.equal(header(await handle(req('GET', '/v2/tasks/1', maxAge(60))), 'cache-status'), 'hubstaff-gateway; fwd=request; stored')
  t.equal(stub.calls.length, 2)
})

void t.test('an unreadable max-age is ignored; several keep the tightest', async (t) => {
  const { handle, stub, clock } = cacheAround()
  await handle(req('GET', '/v2/users/me'))
  clock.advance(120_000)
  t.match(header(await handle(req('GET', '/v2/users/me', maxAge('soon'))), 'cache-status'), /; hit;/)
  t.match(header(await handle(req('GET', '/v2/users/me', maxAge('"600"'))), 'cache-status'), /; hit;/, 'a quoted value is read (RFC 9111 §5.2)')
  t.equal(header(await handle(req('GET', '/v2/users/me', { headers: { 'cache-control': 'max-age=600, max-age=60' } })), 'cache-status'), 'hubstaff-gateway; fwd=request; stored')
  t.equal(stub.calls.length, 2)
})
