import { isGatewayError } from '../errors.js'
import type { GatewayResponse } from '../pipeline/types.js'

/**
 * Hubstaff cuts every request at 30 seconds and the client gets a "blank response" whose form is
 * not documented. These all count as that one reply: an empty body on a 2xx (JSON was expected);
 * an empty or HTML body on 502, 503, 504 or 524 (a proxy in front gave up); a JSON error with
 * `error_code` 15001 ("Server timeout... decrease the number of items per page"); and the
 * gateway's own upstream timeout. A narrower range may get through where the whole one did not.
 */

const GATEWAY_STATUSES = new Set([502, 503, 504, 524])
export const TIMEOUT_ERROR_CODE = 15001
/** Error envelopes are small; a large body is never the 15001 error, so it is not parsed for it. */
const ENVELOPE_MAX_BYTES = 64 * 1024

/** True for an empty body or one of only spaces and line breaks. */
export function isWhitespace(body: Buffer): boolean {
  for (const byte of body) if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return false
  return true
}

function firstByte(body: Buffer): number | undefined {
  for (const byte of body) if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return byte
  return undefined
}

function contentType(response: GatewayResponse): string {
  const value = response.headers['content-type']
  return (Array.isArray(value) ? value[0] : value) ?? ''
}

function hasTimeoutCode(body: Buffer): boolean {
  if (body.length > ENVELOPE_MAX_BYTES || firstByte(body) !== 0x7b) return false
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown
    return typeof parsed === 'object' && parsed !== null && (parsed as { error_code?: unknown }).error_code === TIMEOUT_ERROR_CODE
  } catch {
    return false
  }
}

/** Which blank form an answer is, or undefined when it is a real answer (good or bad). */
export function blankForm(response: GatewayResponse): string | undefined {
  const { status, body } = response
  if (status >= 200 && status < 300) return isWhitespace(body) ? 'empty 2xx' : hasTimeoutCode(body) ? 'error_code 15001' : undefined
  if (GATEWAY_STATUSES.has(status)) {
    if (isWhitespace(body)) return `empty ${status}`
    if (/html/i.test(contentType(response)) || firstByte(body) === 0x3c) return `HTML ${status}`
  }
  return hasTimeoutCode(body) ? 'error_code 15001' : undefined
}

/** The gateway gave up waiting for Hubstaff: the same reply, seen from this side. */
export function isBlankError(error: unknown): boolean {
  return isGatewayError(error) && error.code === 'HSG_UPSTREAM_TIMEOUT'
}
