import type { FastifyInstance } from 'fastify'
import { GatewayError } from '../src/errors.js'
import type { Gateway } from '../src/gateway.js'
import { sendProblem } from './problems.js'
import { AdminKey } from '../src/admin-key.js'
import { registerDashboard } from './dashboard.js'
import { registerMockAdmin } from './mock-admin.js'
import { browserOrigin, hostName, isLoopbackName } from '../src/http/guard.js'

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/

export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && LOOPBACK.test(address)
}

/**
 * The Host a loopback client asked for must be a loopback name too: a web page whose domain was
 * re-pointed at 127.0.0.1 (DNS rebinding) otherwise reaches the admin surface through the browser.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  return host === undefined || isLoopbackName(hostName(host))
}

const NO_ORIGINS: ReadonlySet<string> = new Set()

function queryNumber(value: unknown, fallback: number, max: number): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : fallback
  return Math.max(1, Math.min(max, n))
}

/**
 * `/_gateway/*`: the operator's surface. Without an admin key, and outside team mode, it answers
 * loopback clients only; with one (or in team mode) it answers whoever sends the key, and nobody
 * else (loopback included). Health is the exception, because container and orchestrator probes
 * come from outside and it reveals nothing.
 */
export function registerAdmin(app: FastifyInstance, gateway: Gateway): void {
  const adminKey = new AdminKey(gateway.config)
  app.register((scope, _opts, done) => {
    scope.addHook('onRequest', async (request, reply) => {
      if (request.routeOptions.url === '/_gateway/health') return
      // Only the gateway's own page may drive it from a browser: a cached Basic login would
      // otherwise let any site's form reset or switch it.
      browserOrigin(request.headers, NO_ORIGINS)
      if (adminKey.configured) {
        if (adminKey.accepts(request.headers)) return
        const detail = adminKey.unreachable
          ? 'This gateway is shared by a team (--apps): its admin surface needs an admin key (--admin-key-sha256) or the key of an app marked "admin": true, and neither is configured.'
          : 'This gateway needs an admin key here: send it in X-Gateway-Admin-Key, as "Authorization: Bearer <key>", or as the password of Basic authentication (in team mode, an admin app may send its own X-Gateway-Key).'
        // The Basic challenge makes a browser ask for the key when the dashboard is opened.
        return sendProblem(reply, new GatewayError('HSG_ADMIN_KEY_INVALID', detail, { headers: { 'www-authenticate': 'Basic realm="hubstaff-gateway admin", charset="UTF-8"' } }))
      }
      if (!isLoopback(request.socket.remoteAddress)) {
        return sendProblem(reply, new GatewayError('HSG_ADMIN_FORBIDDEN', 'The admin surface answers loopback clients only (configure --admin-key-sha256 to reach it from elsewhere).'))
      }
      if (!isLoopbackHost(request.headers.host)) {
        return sendProblem(reply, new GatewayError('HSG_ADMIN_FORBIDDEN', 'The admin surface answers requests for a loopback host name only (localhost, 127.0.0.1, [::1]).'))
      }
    })

    scope.get('/_gateway/health', (_request, reply) => {
      const health = gateway.health()
      return reply.code(health.httpStatus).send(health.body)
    })

    scope.get('/_gateway/status', async () => gateway.status())

    scope.put<{ Body: unknown }>('/_gateway/mode', (request, reply) => {
      const body = request.body as { mode?: unknown } | null
      const previous = gateway.mode.current
      const mode = gateway.mode.set(body?.mode)
      request.log.info({ from: previous, to: mode }, 'mode switched')
      return reply.send({ mode, previous })
    })

    scope.delete<{ Querystring: { prefix?: unknown } }>('/_gateway/cache', async (request, reply) => {
      const prefix = request.query.prefix
      const purged = await gateway.purgeCache(prefix)
      request.log.info({ prefix, purged }, 'cache purged')
      return reply.send({ purged, ...(prefix === undefined ? {} : { prefix }) })
    })

    // The request journal, newest first.
    scope.get<{ Querystring: { limit?: unknown } }>('/_gateway/requests', (request) => {
      const journal = gateway.journal
      return { capacity: journal.capacity, recorded: journal.recorded, requests: journal.recent(queryNumber(request.query.limit, 100, journal.capacity)) }
    })

    // Budget use per minute (per app in team mode), the window's length by default.
    scope.get<{ Querystring: { minutes?: unknown } }>('/_gateway/budget/history', (request) => {
      const window = gateway.config.budgetWindow
      return gateway.budgetHistory(queryNumber(request.query.minutes, Math.ceil(window / 60), gateway.history.keepMinutes))
    })

    scope.get('/_gateway/metrics', async (_request, reply) => {
      return reply.type(gateway.metrics.contentType).send(await gateway.metrics.text())
    })

    registerMockAdmin(scope, gateway)
    registerDashboard(scope)
    done()
  })
}
