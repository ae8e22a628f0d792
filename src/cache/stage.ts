import { GatewayError, isGatewayError } from '../errors.js'
import type { GatewayRequest, GatewayResponse, Handler, HeaderMap, Stage } from '../pipeline/types.js'
import { withoutWait } from '../http/prefer.js'
import { answerPreferences } from '../mock/prefer.js'
import { RequestAborted } from '../upstream/client.js'
import { notModified, notModifiedAnswer, revalidated, validatorsOf, withEtag, type Validators } from './conditional.js'
import { CACHE_STATUS, errorWithStatus, failedAnswer, failedError, noStore, seconds, withStatus } from './answers.js'
import { requestDirectives, type RequestDirectives } from './directives.js'
import { checkPurgePrefix, invalidatedBy } from './invalidation.js'
import { normalisePath } from '../api/routes.js'
import { parsedKey, parseRequest, pathOfRoute, type QueryParam } from '../api/query.js'
import { cacheKey, routeOfKey } from './key.js'
import { compilePolicy, type PolicyOverride } from './policy.js'
import { SharedPath } from './shared-path.js'
import type { SharedCacheTier } from './shared-tier.js'
import type { CacheStats } from './stats.js'
import { compactBody, Entry, ResponseStore, unpackHeaders } from './store.js'

export interface CacheOptions {
  /** Entries kept at most. @default 10000 */
  readonly maxEntries?: number
  /** Bytes kept at most (bodies, keys, headers and a measured per-entry overhead). @default 67108864 */
  readonly maxBytes?: number
  /** Seconds past its freshness an entry is still served while one background refresh runs. @default 60 */
  readonly staleWhileRevalidate?: number
  /** Seconds past its freshness an entry is served when Hubstaff fails or the budget is spent. @default 3600 */
  readonly staleIfError?: number
  /** Route overrides of the freshness policy (`--cache-policy`). @default {} */
  readonly policy?: Readonly<Record<string, PolicyOverride>>
  /** Names what answers a request behind the stage (mode, upstream, the mock's session), so answers never mix; no spaces. @default () => 'default' */
  readonly identity?: (request: GatewayRequest) => string
  /** The clock, epoch ms. @default Date.now */
  readonly now?: () => number
  readonly logger?: { debug(obj: object, msg: string): void }
  /**
   * The tier shared with other instances (`--redis`): consulted on a local miss, written after
   * each stored answer, told of writes and purges; its lock makes a miss on one instance wait for
   * another instance's fetch of the same key.
   */
  readonly shared?: SharedCacheTier
  /** How long a miss waits for another instance's fetch of the same key before fetching itself, ms. @default 30000 */
  readonly sharedWaitMs?: number
}

export interface CacheStage extends Stage {
  /** Drops every entry, or those whose route (path and normalised query) starts with `prefix`. */
  purge(prefix?: string): number
  /** Resolves once the shared tier has been told of every purge so far (at once without one). */
  sharedSettled(): Promise<void>
  stats(): CacheStats
}

/** Why a request was forwarded, as RFC 9211's `fwd` says it. */
type Forward = 'miss' | 'stale' | 'request'

type Outcome =
  | { readonly response: GatewayResponse; readonly stored: boolean; readonly shared?: true }
  | { readonly error: unknown }

interface FlightState {
  readonly controller: AbortController
  /** A background refresh: nobody waits, so nobody leaving aborts it. */
  readonly background: boolean
  /** False for a `no-store` request. */
  readonly storable: boolean
  /** Set when a write or purge touches the key while the request is out: its answer predates them. */
  tainted: boolean
  waiters: number
  done: boolean
}

interface Flight extends FlightState {
  readonly promise: Promise<Outcome>
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
// A shared fetch must bring a whole answer: the app's validators are answered by the cache itself
// (conditionalMiss below sends them upstream on a miss, outside the shared fetches).
const CONDITIONAL = new Set(['if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range'])

/**
 * The GET cache, outermost stage: answers repeated GETs from memory (a hit costs no budget),
 * makes identical concurrent misses one upstream request, serves stale answers while refreshing
 * (RFC 5861 stale-while-revalidate) or when Hubstaff fails (stale-if-error), and drops what a write
 * changed. Only 200s with a body are stored.
 */
export function cacheStage(options: CacheOptions = {}): CacheStage {
  const clock = options.now ?? Date.now
  const identity = options.identity ?? (() => 'default')
  const policy = compilePolicy(options.policy)
  const store = new ResponseStore({ maxEntries: options.maxEntries ?? 10_000, maxBytes: options.maxBytes ?? 64 * 1024 * 1024 })
  const swrMs = (options.staleWhileRevalidate ?? 60) * 1000
  const sieMs = (options.staleIfError ?? 3600) * 1000
  const keepMs = Math.max(swrMs, sieMs)
  const flights = new Map<string, Flight>()
  // What a write or purge on another instance dropped from the shared tier, this one drops locally.
  const shared =
    options.shared === undefined
      ? undefined
      : new SharedPath(options.shared, {
          store,
          keepMs,
          clock,
          waitMs: options.sharedWaitMs ?? 30_000,
          onRemoteChange: (event) => {
            if (event.kind === 'write') invalidate(event.path)
            else dropWhere((route) => event.prefix === undefined || route.startsWith(event.prefix))
          },
        })
  const counts = { hits: 0, misses: 0, collapsed: 0, staleIfError: 0, backgroundRefreshes: 0 }

  /** The entry, unless it is past every window it could still be served in. */
  function lookup(key: string, now: number): Entry | undefined {
    const entry = store.get(key)
    if (entry !== undefined && now >= entry.freshUntil + keepMs) {
      store.delete(key)
      return undefined
    }
    return entry
  }

  function fromCache(entry: Entry, now: number, status: string): GatewayResponse {
    const headers = unpackHeaders(entry.headerText)
    headers.age = String(seconds(now - entry.storedAt))
    headers['cache-status'] = `${CACHE_STATUS}; ${status}`
    return {
      status: 200,
      headers,
      body: entry.body,
      source: 'cache',
      upstreamCalls: 0,
    }
  }

  /** Drops stored entries and in-flight answers whose route passes `test`. */
  function dropWhere(test: (route: string) => boolean): number {
    shared?.changed()
    for (const [key, flight] of flights) {
      if (!test(routeOfKey(key))) continue
      flight.tainted = true
      // Requests arriving from now on must not join an answer fetched before the change.
      flights.delete(key)
    }
    return store.deleteWhere((key) => test(routeOfKey(key)))
  }

  function invalidate(path: string): (route: string) => boolean {
    const patterns = invalidatedBy(path)
    const test = (route: string) => {
      const routePath = pathOfRoute(route)
      return patterns.some((p) => p.regex.test(routePath))
    }
    const dropped = dropWhere(test)
    if (dropped > 0) options.logger?.debug({ path, dropped }, 'cache entries dropped after a write')
    return test
  }

  /** Keeps what a finished request brought back (here and in the shared tier); the entry when it was stored. */
  function settle(key: string, path: string, params: readonly QueryParam[], response: GatewayResponse, flight: FlightState): { stored: boolean; shared?: Promise<unknown> } {
    // A failure leaves the old entry alone: it is what stale-if-error serves.
    if (failedAnswer(response)) return { stored: false }
    if (flight.tainted) return { stored: false }
    // Any other definite answer (404 after a delete, 403 after a permission change) replaces it.
    if (response.status !== 200) {
      store.delete(key)
      return { stored: false, shared: shared?.delete(key) }
    }
    if (!flight.storable || noStore(response.headers)) return { stored: false }
    const now = clock()
    const { ttlMs } = policy.freshness(path, params, now)
    if (ttlMs === 0) return { stored: false }
    const entry = new Entry(compactBody(response.body), response.headers, now, now + ttlMs)
    if (!store.set(key, entry)) return { stored: false }
    return { stored: true, shared: shared?.set(key, entry, ttlMs) }
  }

  function startFlight(next: Handler, request: GatewayRequest, key: string, params: readonly QueryParam[], storable: boolean, background: boolean, coordinated = true): Flight {
    const controller = new AbortController()
    const headers: HeaderMap = {}
    for (const [name, value] of Object.entries(request.headers)) if (!CONDITIONAL.has(name)) headers[name] = value
    // The answer is shared, so it must not end with the first app that leaves.
    const forAll: GatewayRequest = { ...request, headers, signal: controller.signal }
    const state: FlightState = { controller, background, storable, tainted: false, waiters: 0, done: false }
    const run = async (): Promise<Outcome> => {
      let token: string | undefined
      let written: Promise<unknown> | undefined
      try {
        if (shared !== undefined && coordinated) {
          const got = await shared.coordinate(key, state)
          if ('entry' in got) {
            const now = clock()
            return { response: fromCache(got.entry, now, `hit; ttl=${seconds(got.entry.freshUntil - now)}; detail=shared`), stored: false, shared: true }
          }
          token = got.token
        }
        const response = withEtag(await next(forAll))
        const settled = settle(key, normalisePath(request.path), params, response, state)
        written = settled.shared
        return { response, stored: settled.stored }
      } catch (error) {
        return { error }
      } finally {
        state.done = true
        if (flights.get(key)?.controller === controller) flights.delete(key)
        if (token !== undefined) shared?.release(key, token, written)
      }
    }
    const flight: Flight = Object.assign(state, { promise: run() })
    flights.set(key, flight)
    return flight
  }

  /** Waits for a flight; an app that leaves stops waiting, and the last one to leave cancels it. */
  async function join(flight: Flight, key: string, signal: AbortSignal): Promise<Outcome> {
    if (signal.aborted) throw new RequestAborted()
    flight.waiters++
    let onAbort: (() => void) | undefined
    try {
      return await new Promise<Outcome>((resolve, reject) => {
        onAbort = () => reject(new RequestAborted())
        signal.addEventListener('abort', onAbort, { once: true })
        void flight.promise.then(resolve)
      })
    } finally {
      if (onAbort !== undefined) signal.removeEventListener('abort', onAbort)
      flight.waiters--
      if (flight.waiters === 0 && !flight.done && !flight.background) {
        flight.controller.abort()
        if (flights.get(key) === flight) flights.delete(key)
      }
    }
  }

  /** One background refresh per key: stale answers keep being served until it lands. */
  function revalidate(next: Handler, request: GatewayRequest, key: string, params: readonly QueryParam[]): void {
    if (flights.has(key)) return
    counts.backgroundRefreshes++
    const headers: HeaderMap = { ...request.headers }
    // Nobody waits for a refresh: it must not queue for budget, nor use the interactive reserve.
    // The preferences that chose the answer stay: the refresh must bring the same kind of answer.
    const prefer = withoutWait(headers.prefer)
    if (prefer === undefined) delete headers.prefer
    else headers.prefer = prefer
    const refresh = { ...request, headers, app: { ...request.app, priority: 'batch' as const } }
    void startFlight(next, refresh, key, params, true, true).promise.then((outcome) => {
      if ('error' in outcome) options.logger?.debug({ key, err: outcome.error }, 'background cache refresh failed; the stale entry stays')
    })
  }

  async function fetchThrough(next: Handler, request: GatewayRequest, key: string, params: readonly QueryParam[], forward: Forward, wants: Pick<RequestDirectives, 'noCache' | 'noStore'>, retried = false): Promise<GatewayResponse> {
    // A no-cache request wants an answer sent for it, not one already on its way.
    let flight = wants.noCache ? undefined : flights.get(key)
    const leader = flight === undefined
    if (flight === undefined) flight = startFlight(next, request, key, params, !wants.noStore, false, forward !== 'request')
    else counts.collapsed++
    const outcome = await join(flight, key, request.signal)
    // Another instance fetched it: a hit on the shared tier.
    if ('shared' in outcome) return { ...outcome.response, headers: { ...outcome.response.headers }, upstreamCalls: 0 }
    const tags = leader ? `fwd=${forward}` : `fwd=${forward}; collapsed`

    const failed = 'error' in outcome ? failedError(outcome.error) : failedAnswer(outcome.response)
    if (failed) {
      const now = clock()
      const stale = lookup(key, now)
      const fwdStatus = 'error' in outcome ? (outcome.error as GatewayError).status : outcome.response.status
      // Not for an app that asked for a fresh answer (no-cache, a max-age the entry exceeds): it
      // gets the failure, as RFC 9111 §5.2.1 has it (and a mock's `Prefer: code=503` stays a 503).
      if (stale !== undefined && forward !== 'request' && now < stale.freshUntil + sieMs) {
        counts.staleIfError++
        const answer = fromCache(stale, now, `fwd=${forward}; fwd-status=${fwdStatus}; ttl=${seconds(stale.freshUntil - now)}; detail=stale-if-error`)
        return { ...answer, upstreamCalls: leader && 'response' in outcome ? outcome.response.upstreamCalls : 0 }
      }
      // Another app's refusal (its quota, its Prefer: wait) is not this app's: it asks once on its own.
      if (!leader && !retried && 'error' in outcome && isGatewayError(outcome.error) && outcome.error.status === 429) {
        return fetchThrough(next, request, key, params, forward, { noCache: true, noStore: wants.noStore }, true)
      }
    }
    if ('error' in outcome) throw errorWithStatus(outcome.error, failed ? `${tags}; fwd-status=${(outcome.error as GatewayError).status}` : tags)
    const { response, stored } = outcome
    const status = failed ? `${tags}; fwd-status=${response.status}` : leader && stored ? `${tags}; stored` : tags
    return withStatus(leader ? response : { ...response, upstreamCalls: 0 }, status)
  }

  /**
   * A conditional GET the cache cannot answer goes upstream with its validators, on its own (a
   * shared fetch must bring a whole answer). Hubstaff's 304 goes back to the app, and when it
   * vouches for the entry the cache held, that entry is fresh again.
   */
  async function conditionalMiss(next: Handler, request: GatewayRequest, key: string, params: readonly QueryParam[], forward: Forward, held: Entry | undefined, validators: Validators): Promise<GatewayResponse> {
    const response = withEtag(
      await next(request).catch((error: unknown) => {
        throw errorWithStatus(error, `fwd=${forward}`)
      }),
    )
    if (response.status !== 304) {
      const state: FlightState = { controller: new AbortController(), background: false, storable: !requestDirectives(request.headers).noStore, tainted: false, waiters: 1, done: false }
      const settled = settle(key, normalisePath(request.path), params, response, state)
      return withStatus(response, settled.stored ? `fwd=${forward}; stored` : `fwd=${forward}`)
    }
    const now = clock()
    if (held === undefined || lookup(key, now) !== held) return withStatus(response, `fwd=${forward}`)
    const { ttlMs } = policy.freshness(normalisePath(request.path), params, now)
    const fresh = revalidated(held, response, validators, now, ttlMs)
    // Else the app's copy is current and the cache's is not.
    if (fresh === undefined) store.delete(key)
    else if (store.set(key, fresh)) void shared?.set(key, fresh, ttlMs)
    return withStatus(response, fresh === undefined ? `fwd=${forward}` : `fwd=${forward}; detail=revalidated`)
  }

  /** Drops here, then in the shared tier and on the other instances, what a write to `path` may have changed. */
  async function dropAfterWrite(written: string): Promise<void> {
    // Keys hold normalised paths: `/v2/projects/7/` is the write to `/v2/projects/7`.
    const path = normalisePath(written)
    const test = invalidate(path)
    await shared?.drop(test, { kind: 'write', path })
  }

  /** Writes are never cached; they drop what they may have changed. */
  async function write(next: Handler, request: GatewayRequest): Promise<GatewayResponse> {
    let response: GatewayResponse
    try {
      response = await next(request)
    } catch (error) {
      // Refused before it left (budget, app key): nothing changed. Otherwise (timeout, reset,
      // client gone) the write may have happened, so the cache behaves as if it had.
      if (!(isGatewayError(error) && error.status < 500)) await dropAfterWrite(request.path)
      throw errorWithStatus(error, 'fwd=bypass')
    }
    // Even a refused write says something: a 422 stale_object means the cached record is behind.
    await dropAfterWrite(request.path)
    return withStatus(response, 'fwd=bypass')
  }

  const stage = (next: Handler): Handler => {
    return async (request) => {
      if (request.method !== 'GET') {
        if (WRITES.has(request.method)) return write(next, request)
        return withStatus(await next(request), 'fwd=bypass')
      }
      let now = clock()
      const parsed = parseRequest(request)
      const { params } = parsed
      if (request.body !== undefined || policy.freshness(parsed.path, params, now).ttlMs === 0) {
        return withStatus(await next(request), 'fwd=bypass')
      }
      // Answers the mock shapes by preference (`Prefer: code=404`) are kept apart from the plain ones.
      const key = cacheKey(identity(request), parsedKey(parsed, { variant: answerPreferences(request.headers.prefer) }))
      const wants = requestDirectives(request.headers)
      const validators = validatorsOf(request.headers)
      // A hit answers the app's validators itself: 304 when they match what it would send.
      const answer = (hit: Entry, status: string): GatewayResponse => {
        const response = fromCache(hit, now, status)
        return validators !== undefined && notModified(validators, response.headers, hit.body, hit.storedAt) ? notModifiedAnswer(response) : response
      }
      let entry = lookup(key, now)
      let adopted = false
      // A local miss (or a local entry past its freshness) asks the shared tier before Hubstaff.
      if (shared !== undefined && !wants.noCache && (entry === undefined || now >= entry.freshUntil) && !flights.has(key)) {
        adopted = await shared.peek(key)
        now = clock()
        entry = lookup(key, now)
      }
      let forward: Forward = entry === undefined ? 'miss' : 'stale'
      if (entry !== undefined) {
        const young = wants.maxAge === undefined || now - entry.storedAt <= wants.maxAge * 1000
        if (wants.noCache || !young) forward = 'request'
        else if (now < entry.freshUntil) {
          counts.hits++
          return answer(entry, `hit; ttl=${seconds(entry.freshUntil - now)}${adopted ? '; detail=shared' : ''}`)
        } else if (now < entry.freshUntil + swrMs) {
          counts.hits++
          // RFC 5861 §3: serve the stale answer now, refresh in the background.
          if (!wants.onlyIfCached) revalidate(next, request, key, params)
          return answer(entry, `hit; ttl=${seconds(entry.freshUntil - now)}; detail=stale-while-revalidate`)
        }
      }
      if (wants.onlyIfCached) {
        throw new GatewayError('HSG_CACHE_NOT_CACHED', `No usable cached answer for GET ${request.path}, and the request asked for only-if-cached.`, {
          headers: { 'cache-status': `${CACHE_STATUS}; detail=only-if-cached` },
        })
      }
      counts.misses++
      if (validators !== undefined) return conditionalMiss(next, request, key, params, forward, entry, validators)
      return fetchThrough(next, request, key, params, forward, wants)
    }
  }

  return Object.assign(stage, {
    purge(prefix?: string): number {
      const checked = checkPurgePrefix(prefix)
      const test = (route: string) => checked === undefined || route.startsWith(checked)
      void shared?.drop(test, { kind: 'purge', prefix: checked })
      return dropWhere(test)
    },
    async sharedSettled(): Promise<void> {
      await shared?.settled()
    },
    stats(): CacheStats {
      const now = clock()
      store.deleteWhere((_key, entry) => now >= entry.freshUntil + keepMs)
      const asked = counts.hits + counts.misses
      return {
        enabled: true,
        entries: store.entries,
        bytes: store.bytes,
        maxEntries: store.maxEntries,
        maxBytes: store.maxBytes,
        ...counts,
        hitRatio: asked === 0 ? 0 : Math.round((counts.hits / asked) * 10_000) / 10_000,
      }
    },
  })
}
