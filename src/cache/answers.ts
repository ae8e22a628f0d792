// How the cache judges an answer (failed? may it be stored?) and marks it with `Cache-Status`.
import { GatewayError, isGatewayError } from '../errors.js'
import type { GatewayResponse, HeaderMap } from '../pipeline/types.js'

/** The cache's name in `Cache-Status` (RFC 9211 §2). */
export const CACHE_STATUS = 'hubstaff-gateway'

/** Hubstaff failing: a 5xx, its 429, or a blank reply (an empty 2xx body, what its 30 s cut looks like). */
export function failedAnswer(response: GatewayResponse): boolean {
  return response.status >= 500 || response.status === 429 || (response.status < 300 && response.body.length === 0)
}

/** The gateway could not get an answer: upstream timeout or reset, token endpoint down, budget spent. */
export function failedError(error: unknown): error is GatewayError {
  return isGatewayError(error) && (error.status >= 500 || error.status === 429)
}

export function noStore(headers: Readonly<HeaderMap>): boolean {
  const value = headers['cache-control']
  return /(^|,)\s*no-store\s*(,|$)/i.test(Array.isArray(value) ? value.join(',') : (value ?? ''))
}

export function withStatus(response: GatewayResponse, status: string, extra: HeaderMap = {}): GatewayResponse {
  return { ...response, headers: { ...response.headers, ...extra, 'cache-status': `${CACHE_STATUS}; ${status}` } }
}

/** Errors leave as problems; they carry Cache-Status too, like every proxied answer. */
export function errorWithStatus(error: unknown, status: string): unknown {
  if (!isGatewayError(error) || error.constructor !== GatewayError) return error
  return new GatewayError(error.code, error.message, {
    cause: error.cause,
    status: error.status,
    headers: { ...error.headers, 'cache-status': `${CACHE_STATUS}; ${status}` },
    extensions: { ...error.extensions },
  })
}

export function seconds(ms: number): number {
  return Math.floor(ms / 1000)
}
