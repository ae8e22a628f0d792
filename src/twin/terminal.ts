import type { GatewayRequest, GatewayResponse, HeaderMap } from '../pipeline/types.js'
import type { TwinAnswerer } from '../mock/terminal.js'
import type { Engine } from './engine.js'
import { SESSION_HEADER, sessionName, type Sessions } from './sessions.js'
import type { World } from './world.js'

export interface TwinTerminalOptions {
  readonly engine: Engine
  readonly sessions: Sessions<World>
  /** The clock, epoch ms. @default Date.now */
  readonly now?: () => number
}

const NO_BODY = new Set([204, 205, 304])

/**
 * The twin behind the mock terminal: a valid request reads and writes the world of the session it
 * names (`X-Gateway-Session`), or the default world. The session header is the gateway's own: it
 * chooses the world and goes no further.
 */
export function twinAnswerer(options: TwinTerminalOptions): TwinAnswerer {
  const { engine, sessions } = options
  const now = options.now ?? Date.now
  return {
    check(request) {
      sessionName(request.headers[SESSION_HEADER])
    },
    answer(request: GatewayRequest): GatewayResponse | undefined {
      const world = sessions.world(sessionName(request.headers[SESSION_HEADER]))
      // HEAD is GET without the body (RFC 9110 §9.3.2), which the HTTP layer drops.
      const method = request.method === 'HEAD' ? 'GET' : request.method
      const reply = engine.answer(world, { method, path: request.path, query: request.query, headers: request.headers, body: request.body, now: now() })
      if (reply === undefined) return undefined
      const headers: HeaderMap = {}
      for (const [name, value] of Object.entries(reply.headers)) headers[name.toLowerCase()] = value
      if (NO_BODY.has(reply.status)) {
        delete headers['content-type']
        return { status: reply.status, headers, body: Buffer.alloc(0), source: 'mock', upstreamCalls: 0 }
      }
      return { status: reply.status, headers, body: reply.body, source: 'mock', upstreamCalls: 0 }
    },
  }
}
