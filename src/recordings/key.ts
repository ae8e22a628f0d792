import { requestKey } from '../api/query.js'

/**
 * The key a recording is matched on is the request's canonical key (src/api/query.ts): method,
 * normalised path and query, and for writes a hash of the body (JSON compared by value, not by
 * spacing or key order). `GET /v2/projects?page_limit=2`, `POST /v2/projects/7/tasks #<body hash>`.
 */

export { normalisePath } from '../api/routes.js'

export function recordingKey(method: string, path: string, query: string, body: Buffer | string | undefined): string {
  return requestKey({ method, path, query, body })
}

/** The key of a recorded request, read back from its absolute URL. */
export function keyOfUrl(method: string, url: string, body: string | undefined): string {
  const parsed = new URL(url)
  return recordingKey(method, parsed.pathname, parsed.search.replace(/^\?/, ''), body)
}
