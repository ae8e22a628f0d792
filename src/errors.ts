/**
 * The one registry of errors the gateway itself makes. Every code is `HSG_<AREA>_<DETAIL>`,
 * documented in docs/errors.md (a test keeps the two in step). Errors leave the gateway as
 * `application/problem+json` (RFC 9457) with a stable `code`; tests assert the code, never the text.
 */

export interface ErrorDefinition {
  readonly status: number
  readonly title: string
}

export const ERRORS = {
  // ---- configuration (start-up, exit code 2) ----
  HSG_CONFIG_INVALID: { status: 500, title: 'Invalid configuration' },

  // ---- requests from apps ----
  HSG_REQUEST_BAD_PATH: { status: 400, title: 'Path not allowed' },
  HSG_REQUEST_TOO_LARGE: { status: 413, title: 'Request body too large' },
  HSG_REQUEST_BAD_BODY: { status: 400, title: 'Request body not readable' },
  HSG_REQUEST_BAD_HEADERS: { status: 400, title: 'Request head not readable' },
  HSG_REQUEST_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not used by the Hubstaff API' },
  HSG_REQUEST_BAD_HOST: { status: 403, title: 'Host not served by this gateway' },
  HSG_REQUEST_CROSS_SITE: { status: 403, title: 'Cross-site request refused' },
  HSG_REQUEST_CREDENTIAL_IN_QUERY: { status: 400, title: 'Credential in the query string' },
  HSG_ROUTE_NOT_FOUND: { status: 404, title: 'No such gateway route' },

  // ---- the managed token ----
  HSG_AUTH_NO_TOKEN: { status: 503, title: 'No Hubstaff token configured' },
  HSG_AUTH_REFRESH_REJECTED: { status: 503, title: 'Hubstaff rejected the refresh token' },
  HSG_AUTH_REFRESH_UNAVAILABLE: { status: 503, title: 'Hubstaff token endpoint unavailable' },
  HSG_AUTH_STORE_UNREADABLE: { status: 500, title: 'Token store unreadable' },
  HSG_AUTH_LOCK_TIMEOUT: { status: 503, title: 'Token store lock not acquired' },

  // ---- upstream (Hubstaff API) ----
  HSG_UPSTREAM_TIMEOUT: { status: 504, title: 'Hubstaff did not answer in time' },
  HSG_UPSTREAM_UNREACHABLE: { status: 502, title: 'Hubstaff could not be reached' },
  HSG_UPSTREAM_TOO_LARGE: { status: 502, title: 'Hubstaff answer too large' },

  // ---- budget and team mode ----
  HSG_BUDGET_LEDGER_DAMAGED: { status: 500, title: 'Budget ledger damaged' },
  HSG_BUDGET_LOCK_TIMEOUT: { status: 503, title: 'Budget ledger lock not acquired' },
  HSG_BUDGET_EXHAUSTED: { status: 429, title: 'Hourly budget spent' },
  HSG_BUDGET_QUEUE_FULL: { status: 429, title: 'Too many requests waiting for budget' },
  HSG_APP_KEY_INVALID: { status: 401, title: 'Missing or unknown app key' },
  HSG_BUDGET_REDIS_DOWN: { status: 503, title: 'Shared budget store unreachable' },

  // ---- the GET cache ----
  HSG_CACHE_NOT_CACHED: { status: 504, title: 'Not in the cache' },
  HSG_CACHE_BAD_PREFIX: { status: 400, title: 'Purge prefix not under /v2/' },

  // ---- blank replies: split and merge ----
  HSG_SPLIT_EXHAUSTED: { status: 504, title: 'Blank reply even to the smallest piece' },
  HSG_SPLIT_TOO_LARGE: { status: 422, title: 'Date range needs more requests than the budget allows' },

  // ---- mock mode ----
  HSG_MOCK_NO_ROUTE: { status: 404, title: 'No such operation in the mock spec' },
  HSG_MOCK_BAD_PREFER: { status: 400, title: 'Mock preference cannot be met' },
  HSG_MOCK_REQUEST_INVALID: { status: 422, title: 'Request not valid for the mock spec' },
  HSG_MOCK_FAILED: { status: 500, title: 'Mock could not make an answer' },
  HSG_MOCK_SESSION_INVALID: { status: 400, title: 'Not a mock session name' },
  HSG_MOCK_FIXTURES_INVALID: { status: 400, title: 'Mock fixtures not usable' },
  HSG_MOCK_NOT_ACTIVE: { status: 409, title: 'The mock is not serving' },

  // ---- record and replay ----
  HSG_REPLAY_MISS: { status: 404, title: 'No recording for this request' },
  HSG_REPLAY_CORRUPT: { status: 500, title: 'Recording unreadable' },
  HSG_REPLAY_TOO_LARGE: { status: 500, title: 'Recording file too large' },
  HSG_REPLAY_NOT_JSON: { status: 502, title: 'Recorded answer is not JSON' },
  HSG_RECORD_REFUSED: { status: 500, title: 'Recording refused: it held a secret' },
  HSG_RECORD_FAILED: { status: 500, title: 'Recording not written' },

  // ---- modes ----
  HSG_MODE_UNAVAILABLE: { status: 501, title: 'Mode not available' },
  HSG_MODE_INVALID: { status: 400, title: 'Unknown mode' },

  // ---- admin surface ----
  HSG_ADMIN_FORBIDDEN: { status: 403, title: 'Admin surface is loopback-only' },
  HSG_ADMIN_KEY_INVALID: { status: 401, title: 'Missing or wrong admin key' },

  // ---- the gateway itself ----
  HSG_SHUTTING_DOWN: { status: 503, title: 'Gateway shutting down' },
  HSG_INTERNAL: { status: 500, title: 'Internal gateway error' },
} as const satisfies Record<string, ErrorDefinition>

export type ErrorCode = keyof typeof ERRORS

export interface ProblemDetails {
  type: string
  title: string
  status: number
  detail: string
  code: ErrorCode
  [extension: string]: unknown
}

/** Problem types are URNs: stable names that need no website (each is documented in docs/errors.md). */
const TYPE_BASE = 'urn:hubstaff-gateway:problem:'

/** An error the gateway answers with; `headers` (e.g. Retry-After) travel with the problem. */
export class GatewayError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly extensions: Readonly<Record<string, unknown>>

  constructor(
    code: ErrorCode,
    detail: string,
    options: {
      cause?: unknown
      status?: number
      headers?: Record<string, string>
      extensions?: Record<string, unknown>
    } = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'GatewayError'
    this.code = code
    this.status = options.status ?? ERRORS[code].status
    this.headers = options.headers ?? {}
    this.extensions = options.extensions ?? {}
  }

  toProblem(): ProblemDetails {
    return {
      ...this.extensions,
      type: TYPE_BASE + this.code,
      title: ERRORS[this.code].title,
      status: this.status,
      detail: this.message,
      code: this.code,
    }
  }
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError
}

/** What every request gets once the gateway has begun closing (the HTTP layer, the core, the queue). */
export function shuttingDown(): GatewayError {
  return new GatewayError('HSG_SHUTTING_DOWN', 'The gateway is shutting down; retry shortly.', { headers: { 'retry-after': '1' } })
}

/** Configuration errors are reported as one line and exit code 2, never a stack. */
export class ConfigError extends GatewayError {
  constructor(detail: string) {
    super('HSG_CONFIG_INVALID', detail)
    this.name = 'ConfigError'
  }
}
