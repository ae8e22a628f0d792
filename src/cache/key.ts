/**
 * The cache's keys: the request's canonical key (src/api/query.ts) behind the upstream identity,
 * which keeps answers of different upstreams (or of the mock and of Hubstaff) apart.
 */

/** `<identity> <request key>`; the identity may not contain a space. */
export function cacheKey(identity: string, requestKey: string): string {
  return `${identity} ${requestKey}`
}

/** The route (path and canonical query) of a key made by `cacheKey` for a read. */
export function routeOfKey(key: string): string {
  const first = key.indexOf(' ')
  return key.slice(key.indexOf(' ', first + 1) + 1)
}
