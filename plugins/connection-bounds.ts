import type { ServerOptions } from 'node:http'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { Config } from '../src/config/settings.js'

type Bounds = Pick<Config, 'headersTimeout' | 'requestTimeout' | 'keepAliveTimeout' | 'maxConnections'>

/**
 * Deadlines for app connections, as Fastify options. An app that trickles its head or its body is
 * cut at `--headers-timeout` / `--request-timeout` (408, then closed), however slowly it sends.
 * There is no idle deadline on a connection with a request in hand: a request may rightly wait
 * minutes for budget (`Prefer: wait`) or for a split plan with no byte moving either way.
 */
export function connectionOptions(bounds: Bounds): { http: ServerOptions; requestTimeout: number; keepAliveTimeout: number; connectionTimeout: number } {
  const requestMs = Math.round(bounds.requestTimeout * 1000)
  // Node refuses a head deadline past the whole request's.
  const headersMs = Math.min(Math.round(bounds.headersTimeout * 1000), requestMs)
  return {
    http: {
      headersTimeout: headersMs,
      requestTimeout: requestMs,
      // Node enforces both deadlines only when it sweeps its connections (every 30 s by default),
      // which would let a slow head run up to 30 s past its deadline.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersMs / 4))),
    },
    requestTimeout: requestMs,
    keepAliveTimeout: Math.round(bounds.keepAliveTimeout * 1000),
    connectionTimeout: 0,
  }
}

/**
 * Connections beyond `--max-connections` are closed as they arrive, before a byte is read: each
 * one held costs a socket and memory whatever it sends. The log says so at most once a minute.
 */
export function capConnections(app: FastifyInstance, bounds: Bounds, logger: Logger): void {
  app.server.maxConnections = bounds.maxConnections
  let dropped = 0
  let saidAt = -Infinity
  app.server.on('drop', () => {
    dropped++
    const now = Date.now()
    if (now - saidAt < 60_000) return
    saidAt = now
    logger.warn({ maxConnections: bounds.maxConnections, dropped }, 'connection closed on arrival: --max-connections reached')
  })
}
