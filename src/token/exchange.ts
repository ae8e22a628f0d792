import { isGatewayError } from '../errors.js'
import { retryAfterMs } from '../http/retry-after.js'
import type { UpstreamClient } from '../upstream/client.js'
import { jwtExpiry } from './jwt.js'

export interface ExchangeResult {
  readonly accessToken: string
  /** Hubstaff rotates: this is the only refresh token that works from now on. */
  readonly refreshToken: string
  /** Epoch ms. */
  readonly expiresAt: number
}

/**
 * `rejected`: the token endpoint refused the grant (OAuth 4xx such as invalid_grant): retrying the
 * same token cannot help. `transient`: 5xx, 429, 408 or no answer: keep the tokens and retry later.
 */
export class TokenEndpointError extends Error {
  readonly kind: 'rejected' | 'transient'
  readonly status: number | undefined
  readonly oauthError: string | undefined
  readonly retryAfterMs: number | undefined

  constructor(
    kind: 'rejected' | 'transient',
    message: string,
    extra: { status?: number; oauthError?: string; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause })
    this.name = 'TokenEndpointError'
    this.kind = kind
    this.status = extra.status
    this.oauthError = extra.oauthError
    this.retryAfterMs = extra.retryAfterMs
  }
}

const TRANSIENT_STATUS = (status: number) => status >= 500 || status === 429 || status === 408


/**
 * `POST <auth-url>/access_tokens` with the refresh-token grant. A personal access token needs no
 * client; a refresh token that `login` got for the user's OAuth app is bound to that app, so its
 * credentials go along (HTTP Basic, RFC 6749 2.3.1) when they are configured.
 */
export async function exchangeRefreshToken(
  client: UpstreamClient,
  refreshToken: string,
  now: () => number = Date.now,
  app?: { readonly id: string; readonly secret: string },
): Promise<ExchangeResult> {
  const basic = app === undefined ? {} : { authorization: `Basic ${Buffer.from(`${encodeURIComponent(app.id)}:${encodeURIComponent(app.secret)}`).toString('base64')}` }
  let res
  try {
    res = await client.request({
      method: 'POST',
      pathAndQuery: '/access_tokens',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...basic },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
    })
  } catch (err) {
    const reason = isGatewayError(err) ? err.message : String(err)
    throw new TokenEndpointError('transient', `token endpoint unavailable: ${reason}`, { cause: err })
  }

  let body: Record<string, unknown> = {}
  try {
    const parsed = JSON.parse(res.body.toString('utf8')) as unknown
    if (parsed !== null && typeof parsed === 'object') body = parsed as Record<string, unknown>
  } catch {
    // A non-JSON answer is judged by its status alone.
  }

  if (res.status !== 200) {
    const oauthError = typeof body.error === 'string' ? body.error : undefined
    const kind = TRANSIENT_STATUS(res.status) ? 'transient' : 'rejected'
    throw new TokenEndpointError(kind, `token endpoint answered ${res.status}${oauthError ? ` (${oauthError})` : ''}`, {
      status: res.status,
      ...(oauthError === undefined ? {} : { oauthError }),
      ...(kind === 'transient' ? { retryAfterMs: retryAfterMs(res.headers['retry-after']) ?? 0 } : {}),
    })
  }

  const accessToken = body.access_token
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new TokenEndpointError('transient', 'token endpoint answered 200 without an access_token', { status: 200 })
  }
  const newRefresh = typeof body.refresh_token === 'string' && body.refresh_token !== '' ? body.refresh_token : refreshToken
  const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : undefined
  const fromIn = expiresIn === undefined ? undefined : now() + expiresIn
  const fromJwt = jwtExpiry(accessToken)
  // Trust the earlier of the two: refreshing early costs nothing, a 401 costs a replay.
  const expiresAt = Math.min(fromIn ?? Infinity, fromJwt ?? Infinity)
  return {
    accessToken,
    refreshToken: newRefresh,
    expiresAt: Number.isFinite(expiresAt) ? expiresAt : now() + 3600_000,
  }
}
