import type { GatewayRequest, Stage } from './types.js'

/** What the auth stage needs of the token manager. */
export interface AccessTokens {
  accessToken(): Promise<string>
  refreshAfterRejection(rejected: string): Promise<string>
}

function withBearer(request: GatewayRequest, token: string): GatewayRequest {
  return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } }
}

/**
 * Sends the managed access token. On a 401 it refreshes once and replays once, as Hubstaff's own
 * CLI does; a second 401 goes back to the app (the token is fine, the request is not allowed).
 */
export function authStage(tokens: AccessTokens): Stage {
  return (next) => async (request) => {
    const token = await tokens.accessToken()
    const first = await next(withBearer(request, token))
    if (first.status !== 401 || request.signal.aborted) return first
    const fresh = await tokens.refreshAfterRejection(token)
    const second = await next(withBearer(request, fresh))
    return { ...second, upstreamCalls: first.upstreamCalls + second.upstreamCalls }
  }
}
