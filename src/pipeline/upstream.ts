import { headersForApp, withoutGatewayHeaders } from '../http/headers.js'
import type { UpstreamClient } from '../upstream/client.js'
import type { Handler } from './types.js'

/** The live terminal: one request to Hubstaff, answered as Hubstaff answered. */
export function upstreamTerminal(client: UpstreamClient): Handler {
  return async (request) => {
    const res = await client.request({
      method: request.method,
      pathAndQuery: request.query === '' ? request.path : `${request.path}?${request.query}`,
      headers: withoutGatewayHeaders(request.headers),
      body: request.body,
      signal: request.signal,
    })
    return { status: res.status, headers: headersForApp(res.headers), body: res.body, source: 'upstream', upstreamCalls: 1 }
  }
}
