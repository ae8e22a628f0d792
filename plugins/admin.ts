import type { FastifyInstance } from 'fastify'
import { GatewayError } from '../src/errors.js'
import type { Gateway } from '../src/gateway.js'
import { sendProblem } from './problems.js'

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/

export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && LOOPBACK.test(address)
}

/**
 * `/_gateway/*`: the operator's surface. It answers loopback clients only; health is the exception,
 * because container and orchestrator probes come from outside and it reveals nothing.
 */
export function registerAdmin(app: FastifyInstance, gateway: Gateway): void {
  app.register((scope, _opts, done) => {
    scope.addHook('onRequest', async (request, reply) => {
      if (request.routeOptions.url === '/_gateway/health') return
      if (!isLoopback(request.socket.remoteAddress)) {
        return sendProblem(reply, new GatewayError('HSG_ADMIN_FORBIDDEN', 'The admin surface answers loopback clients only.'))
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
    done()
  })
}
