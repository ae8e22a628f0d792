// A cached 2 KB answer costs at most 1.3 times its size plus 512 bytes of memory, all included: the
// body once, its headers, its key and the LRU's bookkeeping. Measured with the heap, not estimated.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import t from 'tap'
import { cacheAround, req } from './helpers/cache-harness.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

function memory(): number {
  for (let i = 0; i < 4; i++) gc()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

const BODY = 2048
const N = 20_000

void t.test(`${N} entries of a ${BODY}-byte body`, async (t) => {
  const template = Buffer.from(JSON.stringify({ tasks: [{ id: 1, summary: 'x'.repeat(BODY) }] }).slice(0, BODY))
  const { handle, stub, cache } = cacheAround({ maxEntries: N * 2, maxBytes: 1024 * 1024 * 1024 })
  let served = 0
  stub.answer = () => {
    // As the upstream client hands it over: a Buffer over an ArrayBuffer of exactly its size.
    const own = new ArrayBuffer(BODY)
    template.copy(Buffer.from(own))
    served++
    stub.calls.length = 0 // the stand-in's own log of requests is not the cache's cost
    return {
      body: Buffer.from(own),
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-cache',
        etag: `W/"${served.toString(16).padStart(32, '0')}"`,
        date: new Date(Date.UTC(2026, 6, 15, 12, 0, served % 60)).toUTCString(),
        'x-request-id': `req-${served.toString(36).padStart(20, '0')}`,
      },
    }
  }
  // One warm-up batch so that code and lazily built structures are not counted.
  for (let i = 0; i < 100; i++) await handle(req('GET', `/v2/projects/1/tasks?page_start_id=${i}`))
  const before = memory()
  for (let i = 0; i < N; i++) await handle(req('GET', `/v2/projects/${20_000 + (i % 250)}/tasks?page_limit=100&page_start_id=${i}`))
  const after = memory()
  t.equal(cache.stats().entries, N + 100)

  const perEntry = (after - before) / N
  const limit = 1.3 * BODY + 512
  t.comment(`measured ${perEntry.toFixed(0)} bytes per entry (${(perEntry / BODY).toFixed(2)}x the body); limit ${limit}`)
  t.ok(perEntry <= limit, `${perEntry.toFixed(0)} B per entry is within 1.3 x ${BODY} + 512 = ${limit}`)

  const counted = cache.stats().bytes / cache.stats().entries
  t.comment(`counted ${counted.toFixed(0)} bytes per entry in the status`)
  t.ok(counted >= perEntry * 0.8 && counted <= perEntry * 1.25, 'the status\'s byte count tracks real memory within 25 %')
})
