/**
 * Cache keys: one spelling per question asked of Hubstaff, so that two apps asking the same thing in
 * different words share one upstream request. Pure functions, no state.
 */

/** One query parameter after normalisation: a name and its non-empty values, in the order sent. */
export interface QueryParam {
  readonly name: string
  readonly values: readonly string[]
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

/**
 * Parses a raw query string into normalised parameters.
 *
 * - `user_ids=1,2`, `user_ids[]=1&user_ids[]=2` and `user_ids[]=1,2` are one parameter `user_ids`
 *   with the values `1`, `2`: real clients send both spellings and Hubstaff reads them alike.
 * - Empty values are dropped (`x=`, `flag`, `ids[]=`, the empty items of `1,,2`): Hubstaff ignores
 *   them, and a key must not differ because a client template left a blank.
 * - A plain key sent twice (`x=1&x=2`) stays two parameters: Rack keeps only the last, so it must
 *   not be confused with the list `x=1,2`.
 * - Hash keys (`time_slot[start]`) are ordinary names.
 */
export function parseQuery(query: string): QueryParam[] {
  const params: { name: string; values: string[] }[] = []
  const lists = new Map<string, { name: string; values: string[] }>()
  for (const part of query.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const rawName = decode(eq === -1 ? part : part.slice(0, eq))
    const values = decode(eq === -1 ? '' : part.slice(eq + 1))
      .split(',')
      .filter((v) => v !== '')
    if (values.length === 0) continue
    if (rawName.endsWith('[]')) {
      const name = rawName.slice(0, -2)
      const list = lists.get(name)
      if (list !== undefined) list.values.push(...values)
      else {
        const param = { name, values }
        lists.set(name, param)
        params.push(param)
      }
    } else {
      params.push({ name: rawName, values })
    }
  }
  // Stable: parameters of one name keep the order they were sent in.
  return params.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** The canonical query text of parsed parameters (keys sorted, lists comma-joined). */
export function canonicalQuery(params: readonly QueryParam[]): string {
  return params.map((p) => `${encode(p.name)}=${p.values.map(encode).join(',')}`).join('&')
}

/** The first value of a parameter, if sent. */
export function paramValue(params: readonly QueryParam[], name: string): string | undefined {
  return params.find((p) => p.name === name)?.values[0]
}

/** The route part of a key: path and canonical query, what purges and invalidations match on. */
export function routeText(path: string, params: readonly QueryParam[]): string {
  const query = canonicalQuery(params)
  return query === '' ? path : `${path}?${query}`
}

/**
 * The cache key: upstream identity, method, the request headers that choose the answer (`variant`,
 * e.g. the mock's `Prefer: code=404`) and route. The identity keeps answers of different upstreams
 * (or of the mock and of Hubstaff) apart; neither it nor the variant may contain a space.
 */
export function cacheKey(identity: string, method: string, route: string, variant = ''): string {
  return variant === '' ? `${identity} ${method} ${route}` : `${identity} ${method};${variant} ${route}`
}

/** The route of a key made by `cacheKey`. */
export function routeOfKey(key: string): string {
  const first = key.indexOf(' ')
  return key.slice(key.indexOf(' ', first + 1) + 1)
}

/** The path of a route text. */
export function pathOfRoute(route: string): string {
  const q = route.indexOf('?')
  return q === -1 ? route : route.slice(0, q)
}
