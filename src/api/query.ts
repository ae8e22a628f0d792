import { createHash } from 'node:crypto'
import { defaultRouter, normalisePath, type RoutedOperation, type Router } from './routes.js'

/**
 * One spelling per question asked of Hubstaff: the cache, the split, recordings and the twin all
 * key requests here, so two apps asking the same thing in different words share one answer, and two
 * different questions never do.
 *
 * Hubstaff reads queries with Rack, then coerces them by each operation's declared parameters. A
 * list parameter (`user_ids`, declared `type: array`) reads `user_ids=1,2`, `user_ids[]=1&user_ids[]=2`
 * and `user_ids[]=1,2` alike; a scalar one (`page_limit`) given `page_limit[]=2` gets an array,
 * which is another request (a 400, or the default). So brackets are folded only for the list
 * parameters of the operation the path names.
 *
 * A path no operation describes folds only the names that are lists in every operation declaring
 * them (`user_ids`, `include`; not `status`, a list in some operations and a scalar in others):
 * such a path is most likely a Hubstaff endpoint newer than the description, whose list names
 * follow the same convention. A wrong guess there at worst gives a spelling Hubstaff would refuse
 * the answer of its valid spelling (`x[]=1` that of `x=1`), never the data of another filter.
 */

/** One query parameter after normalisation: a name and its non-empty values, in the order sent. */
export interface QueryParam {
  readonly name: string
  readonly values: readonly string[]
}

/** A request reduced to what decides Hubstaff's answer to it. */
export interface ParsedRequest {
  /** Upper case. */
  readonly method: string
  /** Normalised (see `normalisePath`). */
  readonly path: string
  /** Sorted by name; see `parseQuery`. */
  readonly params: readonly QueryParam[]
}

export interface KeyedRequest {
  readonly method: string
  readonly path: string
  /** The raw query string, without `?`. */
  readonly query: string
  /** Counted for writes only: reads ignore a body. */
  readonly body?: Buffer | string | undefined
  /** Request headers that choose the answer (the twin's `Prefer: code=404`), already normalised; no spaces. */
  readonly variant?: string | undefined
}

/** Form decoding as Rack does it (`+` is a space); text that is not valid percent-encoding stays as sent. */
function decode(text: string): string {
  const spaced = text.includes('+') ? text.replaceAll('+', ' ') : text
  if (!spaced.includes('%')) return spaced
  try {
    return decodeURIComponent(spaced)
  } catch {
    return spaced
  }
}

const UNRESERVED = /^[\w.~-]*$/

/** Percent-encoding that keeps the brackets and colons of `time_slot[stop]=2026-01-01T00:00` readable. */
function encode(text: string): string {
  // Most names and values need no encoding at all; this runs on every request.
  if (UNRESERVED.test(text)) return text
  return encodeURIComponent(text).replace(/%5B/g, '[').replace(/%5D/g, ']').replace(/%3A/g, ':')
}

const NO_LISTS: ReadonlySet<string> = new Set()
const listsOfOperation = new WeakMap<RoutedOperation, ReadonlySet<string>>()
const listsOfUnknown = new WeakMap<Router<RoutedOperation>, ReadonlySet<string>>()

/** The list parameters an operation declares, by their names without brackets. */
export function listParams(operation: RoutedOperation): ReadonlySet<string> {
  let names = listsOfOperation.get(operation)
  if (names === undefined) {
    names = new Set(operation.params.filter((p) => p.in === 'query' && p.schema.type === 'array').map((p) => p.name.replace(/\[\]$/, '')))
    listsOfOperation.set(operation, names)
  }
  return names
}

/** The names that are lists in every operation declaring them: what a path no operation describes folds. */
function listsEverywhere(router: Router<RoutedOperation>): ReadonlySet<string> {
  let names = listsOfUnknown.get(router)
  if (names === undefined) {
    const list = new Set<string>()
    const scalar = new Set<string>()
    for (const operation of router.operations) {
      for (const p of operation.params) if (p.in === 'query') (p.schema.type === 'array' ? list : scalar).add(p.name.replace(/\[\]$/, ''))
    }
    names = new Set([...list].filter((name) => !scalar.has(name)))
    listsOfUnknown.set(router, names)
  }
  return names
}

/** The list parameters of the operation `method` and `path` reach (see the rule for unknown paths above). */
export function listNamesFor(method: string, path: string, router: Router<RoutedOperation> = defaultRouter()): ReadonlySet<string> {
  const operation = router.findOperation(method, path)
  return operation === undefined ? listsEverywhere(router) : listParams(operation)
}

interface Part {
  readonly name: string
  readonly value: string
}

/** Groups sort by their name without a trailing `[]`: `x` and `x[]` keep their relative order, which Rack's answer depends on. */
const sortName = (name: string): string => (name.endsWith('[]') ? name.slice(0, -2) : name)

/**
 * Parses a raw query string into normalised parameters.
 *
 * - A name of `lists` sent in bracket form, comma form or both is one parameter with every
 *   non-empty item, in the order sent. Sent plain more than once, or plain and bracketed, it is
 *   kept as sent: Rack keeps the last plain value, or refuses the mix.
 * - Any other name is taken as sent, brackets included, and its value whole (`page_limit[]=2` is
 *   not `page_limit=2`; `q=1,2` is one value).
 * - Empty values are dropped (`x=`, `flag`, `ids[]=`, a list's `1,,2`): a key must not differ
 *   because a client template left a blank. A blank next to another value of its name stays.
 * - A plain name sent twice (`x=1&x=2`) stays two parameters, never the list `x=1,2`.
 */
export function parseQuery(query: string, lists: ReadonlySet<string> = NO_LISTS): QueryParam[] {
  const parts: Part[] = []
  const sent = new Map<string, number>()
  for (const raw of query.split('&')) {
    if (raw === '') continue
    const eq = raw.indexOf('=')
    const name = decode(eq === -1 ? raw : raw.slice(0, eq))
    const value = decode(eq === -1 ? '' : raw.slice(eq + 1))
    parts.push({ name, value })
    sent.set(sortName(name), (sent.get(sortName(name)) ?? 0) + 1)
  }
  const scalars: QueryParam[] = []
  const listParts = new Map<string, Part[]>()
  for (const part of parts) {
    const base = sortName(part.name)
    const isList = lists.has(base)
    // A blank sent alone is as if not sent; after a value, it replaces it (Rack keeps the last).
    // A scalar's `x[]=` is not blank: it is an array, which the operation refuses.
    const blank = isList ? part.value.split(',').every((item) => item === '') : part.value === '' && part.name === base
    if (blank && (sent.get(base) ?? 0) === 1) continue
    if (!isList) scalars.push({ name: part.name, values: [part.value] })
    else {
      const group = listParts.get(base)
      if (group === undefined) listParts.set(base, [part])
      else group.push(part)
    }
  }
  const params = scalars
  for (const [base, parts] of listParts) {
    const plain = parts.filter((p) => p.name === base).length
    if (plain === 0 || (plain === 1 && parts.length === 1)) {
      const values = parts.flatMap((p) => p.value.split(',').filter((item) => item !== ''))
      if (values.length > 0) params.push({ name: base, values })
    } else {
      for (const p of parts) params.push({ name: p.name, values: [p.value] })
    }
  }
  // Stable: parameters of one name keep the order they were sent in.
  return params.sort((a, b) => {
    const x = sortName(a.name)
    const y = sortName(b.name)
    return x < y ? -1 : x > y ? 1 : 0
  })
}

/**
 * The canonical query text of parsed parameters: sorted names, a list's items comma-joined. A
 * scalar's commas are escaped, so that `q=1%2C2` (one value) never reads as a list.
 */
export function canonicalQuery(params: readonly QueryParam[]): string {
  return params.map((p) => `${encode(p.name)}=${p.values.map(encode).join(',')}`).join('&')
}

/** A parameter's value as Hubstaff reads it: of a name sent more than once, Rack keeps the last. */
export function paramValue(params: readonly QueryParam[], name: string): string | undefined {
  return params.findLast((p) => p.name === name)?.values[0]
}

/** Path and canonical query: what purges, invalidations and recordings' names match on. */
export function routeText(path: string, params: readonly QueryParam[]): string {
  const query = canonicalQuery(params)
  return query === '' ? path : `${path}?${query}`
}

/** The path of a route text. */
export function pathOfRoute(route: string): string {
  const q = route.indexOf('?')
  return q === -1 ? route : route.slice(0, q)
}

/** Method, normalised path and parameters, with the list parameters of the operation the path names. */
export function parseRequest(request: Pick<KeyedRequest, 'method' | 'path' | 'query'>, router: Router<RoutedOperation> = defaultRouter()): ParsedRequest {
  const method = request.method.toUpperCase()
  const path = normalisePath(request.path)
  return { method, path, params: parseQuery(request.query, listNamesFor(method, path, router)) }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key])
  return out
}

/** A short hash of a body: canonical JSON when it parses (key order and spacing do not count), the bytes otherwise; '' when there is none. */
export function bodyHash(body: Buffer | string | undefined): string {
  if (body === undefined || body.length === 0) return ''
  const text = typeof body === 'string' ? body : body.toString('utf8')
  let canonical: string | Buffer = body
  try {
    canonical = JSON.stringify(sortKeys(JSON.parse(text)))
  } catch {
    // not JSON: the bytes as sent
  }
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16)
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The key of a parsed request: `GET /v2/projects?page_limit=2`, `GET;code=404 /v2/x`, `POST /v2/projects/7/tasks #<body hash>`. */
export function parsedKey(request: ParsedRequest, extras: Pick<KeyedRequest, 'body' | 'variant'> = {}): string {
  const head = extras.variant === undefined || extras.variant === '' ? request.method : `${request.method};${extras.variant}`
  const key = `${head} ${routeText(request.path, request.params)}`
  if (READS.has(request.method)) return key
  const hash = bodyHash(extras.body)
  return hash === '' ? key : `${key} #${hash}`
}

/** The canonical key of a request: two requests share it only when Hubstaff answers them alike. */
export function requestKey(request: KeyedRequest, router: Router<RoutedOperation> = defaultRouter()): string {
  return parsedKey(parseRequest(request, router), request)
}
