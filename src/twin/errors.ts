/**
 * Hubstaff's error envelope, `{"code": ..., "error": ..., "error_code": ...}`, as the twin answers
 * it. The codes and wording are Hubstaff's own (its `/v2/error_codes` list and its API reference's
 * answer descriptions), so an app's error handling meets what it will meet live.
 */

export interface ErrorBody {
  readonly code: string
  readonly error: string
  readonly error_code?: number
}

export class TwinError extends Error {
  readonly status: number
  readonly body: ErrorBody

  constructor(status: number, body: ErrorBody) {
    super(body.error)
    this.status = status
    this.body = body
  }
}

/** 400: a parameter is missing, of the wrong type, or out of range. */
export function invalidParams(error: string): TwinError {
  return new TwinError(400, { code: 'invalid_params', error, error_code: 11000 })
}

/** 404, worded as the API reference words it; an id in another organization reads the same. */
export function notFound(): TwinError {
  return new TwinError(404, { code: 'not_found', error: 'Could not find record' })
}

/**
 * A `lock_version` older than the record's: Hubstaff refuses with 422 and error 11003 (its API
 * reference documents no 409 on any operation).
 */
export function staleRecord(): TwinError {
  return new TwinError(422, { code: 'stale_object', error: 'The record has been modified. Please refresh and try again.', error_code: 11003 })
}

/** 422 with one of Hubstaff's numbered refusals (time entries, activities). */
export function refused(key: string, error: string, errorCode: number): TwinError {
  return new TwinError(422, { code: key, error, error_code: errorCode })
}

export function fail(error: TwinError): never {
  throw error
}

/** 422: the world holds as many new records as it takes (see `MAX_NEW_RECORDS`); a reset empties it. */
export function tooManyRecords(limit: number): TwinError {
  return new TwinError(422, {
    code: 'invalid_params',
    error: `The simulated organization takes at most ${limit} new records between resets; reset it (POST /_gateway/mock/reset) or use a new X-Gateway-Session.`,
    error_code: 11000,
  })
}
