// The one upstream request behind coalesced misses belongs to all of them: an app that leaves stops
// waiting, the request goes on for the others, and only when every app has left is it cancelled.
import t from 'tap'
import { ANONYMOUS } from '../src/apps.js'
import { GatewayError } from '../src/errors.js'
import { RequestAborted } from '../src/upstream/client.js'
import { cacheAround, header, req } from './helpers/cache-harness.js'

void t.test('the first app leaving does not cancel the request the others wait for', async (t) => {
  const { handle, stub } = cacheAround()
  stub.delayMs = 50
  const leaving = new AbortController()
  const first = handle(req('GET', '/v2/users/me', { signal: leaving.signal }))
  const second = handle(req('GET', '/v2/users/me'))
  leaving.abort()
  await t.rejects(first, RequestAborted, 'the app that left gets RequestAborted at once')
  const answer = await second
  t.equal(answer.status, 200)
  t.equal(header(answer, 'cache-status'), 'hubstaff-gateway; fwd=miss; collapsed')
  t.equal(stub.calls.length, 1)
  t.notOk(stub.calls[0]?.signal.aborted, 'the shared request was not cancelled')
  t.match(header(await handle(req('GET', '/v2/users/me')), 'cache-status'), /; hit;/, 'and its answer was stored')
})

void t.test('when every app has left, the request is cancelled and the next one starts afresh', async (t) => {
  const { handle, stub } = cacheAround()
  stub.delayMs = 50
  const a = new AbortController()
  const b = new AbortController()
  const pending = [handle(req('GET', '/v2/users/me', { signal: a.signal })), handle(req('GET', '/v2/users/me', { signal: b.signal }))]
  a.abort()
  b.abort()
  for (const p of pending) await t.rejects(p, RequestAborted)
  t.ok(stub.calls[0]?.signal.aborted, 'nobody is left: the upstream request is cancelled')
  const next = await handle(req('GET', '/v2/users/me'))
  t.equal(header(next, 'cache-status'), 'hubstaff-gateway; fwd=miss; stored', 'a new request, not the cancelled one')
  t.equal(stub.calls.length, 2)
})

void t.test('an app already gone is not served', async (t) => {
  const { handle, stub } = cacheAround()
  stub.delayMs = 30
  const gone = new AbortController()
  gone.abort()
  const leader = handle(req('GET', '/v2/users/me'))
  await t.rejects(handle(req('GET', '/v2/users/me', { signal: gone.signal })), RequestAborted)
  await leader
  t.equal(stub.calls.length, 1)
})

void t.test('another app\'s budget refusal is not shared: a waiter asks once on its own', async (t) => {
  const { handle, stub } = cacheAround()
  stub.delayMs = 20
  let refused = false
  stub.answer = () => {
    if (refused) return { body: '{"ok":1}' }
    refused = true
    return new GatewayError('HSG_BUDGET_EXHAUSTED', 'the quota of app "batch-job" is spent')
  }
  const batch = handle({ ...req('GET', '/v2/users/me'), app: { name: 'batch-job', priority: 'batch', quota: 0.1 } })
  const interactive = handle({ ...req('GET', '/v2/users/me'), app: ANONYMOUS })
  await t.rejects(batch, { code: 'HSG_BUDGET_EXHAUSTED' }, 'the app whose quota is spent is refused')
  const answer = await interactive
  t.equal(answer.status, 200, 'the other app gets its answer')
  t.equal(header(answer, 'cache-status'), 'hubstaff-gateway; fwd=miss; stored', 'from the request it sent itself')
  t.equal(stub.calls.length, 2)
})
