// Drives the cache stage without HTTP: a hand-moved clock, requests built in one line and an
// upstream stand-in that counts what reaches it and answers what the test says.
import { ANONYMOUS } from '../../src/apps.js'
import { cacheStage, type CacheOptions, type CacheStage } from '../../src/cache/stage.js'
import type { GatewayRequest, GatewayResponse, Handler, HeaderMap } from '../../src/pipeline/types.js'

export interface ManualClock {
  now: () => number
  advance: (ms: number) => void
  set: (ms: number) => void
}

/** A clock that moves only when told; starts at 2026-07-15 12:00 UTC (a Wednesday). */
export function manualClock(start = Date.UTC(2026, 6, 15, 12, 0, 0)): ManualClock {
  let t = start
  return { now: () => t, advance: (ms) => void (t += ms), set: (ms) => void (t = ms) }
}

let ids = 0

export function req(method: string, pathAndQuery: string, options: { headers?: HeaderMap; body?: string; signal?: AbortSignal } = {}): GatewayRequest {
  const q = pathAndQuery.indexOf('?')
  return {
    id: `r${++ids}`,
    method,
    path: q === -1 ? pathAndQuery : pathAndQuery.slice(0, q),
    query: q === -1 ? '' : pathAndQuery.slice(q + 1),
    headers: options.headers ?? {},
    body: options.body === undefined ? undefined : Buffer.from(options.body),
    signal: options.signal ?? new AbortController().signal,
    app: ANONYMOUS,
  }
}

export type Reply = Partial<Omit<GatewayResponse, 'body'>> & { body?: string | Buffer }

export interface StubUpstream {
  readonly handler: Handler
  readonly calls: GatewayRequest[]
  /** What the next requests get; a function sees the request, an Error is thrown. */
  answer: Reply | Error | ((request: GatewayRequest) => Reply | Error)
  /** Milliseconds each answer takes (real time). */
  delayMs: number
}

/** An upstream stand-in: a 200 JSON answer naming the request number unless told otherwise. */
export function stubUpstream(): StubUpstream {
  const stub: StubUpstream = {
    calls: [],
    answer: (request) => ({ body: JSON.stringify({ n: stub.calls.length, path: request.path }) }),
    delayMs: 0,
    handler: async (request) => {
      stub.calls.push(request)
      if (stub.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, stub.delayMs))
      const spec = typeof stub.answer === 'function' ? stub.answer(request) : stub.answer
      if (spec instanceof Error) throw spec
      const body = spec.body === undefined ? Buffer.from('{"ok":true}') : Buffer.isBuffer(spec.body) ? spec.body : Buffer.from(spec.body)
      return {
        status: spec.status ?? 200,
        headers: spec.headers ?? { 'content-type': 'application/json; charset=utf-8' },
        body,
        source: spec.source ?? 'upstream',
        upstreamCalls: spec.upstreamCalls ?? 1,
      }
    },
  }
  return stub
}

/** The stage around a stub, with a manual clock. */
export function cacheAround(options: CacheOptions = {}): { cache: CacheStage; stub: StubUpstream; clock: ManualClock; handle: Handler } {
  const clock = manualClock()
  const stub = stubUpstream()
  const cache = cacheStage({ now: clock.now, ...options })
  return { cache, stub, clock, handle: cache(stub.handler) }
}

export function header(response: GatewayResponse, name: string): string | undefined {
  const value = response.headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}
