import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import type { Gateway } from '../src/gateway.js'
import { registerAdmin } from './admin.js'
import { registerProblems, sendProblem } from './problems.js'
import { GatewayError, shuttingDown } from '../src/errors.js'
import { registerProxy } from './proxy.js'
import { registerGuard } from './guard.js'
import { requestLine } from './request-line.js'
import { lazyChildLoggerFactory, logsAt } from './request-logger.js'
import { clientErrorProblem } from './client-errors.js'
import { observeRequest, registerObservation } from './observe.js'
import { capConnections, connectionOptions } from './connection-bounds.js'

/** One line per request, after the answer: what a person reading the log needs, and no more. */
class RequestLineLogger extends LogController {
  readonly #gateway: Gateway

  constructor(gateway: Gateway) {
    super()
    this.#gateway = gateway
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // The journal and the metrics hear of each request where the log line is written.
    observeRequest(this.#gateway, request, reply, reply.statusCode)
    if (error) reply.log.warn({ ...requestLine(request, reply, reply.statusCode), err: error }, 'request')
    else if (logsAt(reply.log, 'info')) reply.log.info(requestLine(request, reply, reply.statusCode), 'request')
  }
}

/** Assembles the HTTP surface around a gateway core. Listening is the server's business. */
export function buildApp(gateway: Gateway, logger: Logger): FastifyInstance {
  // Typed as Fastify's logger so routes and plugins see the usual FastifyInstance.
  const loggerInstance: FastifyBaseLogger = logger
  const app = Fastify({
    loggerInstance,
    logController: new RequestLineLogger(gateway),
    childLoggerFactory: lazyChildLoggerFactory,
    bodyLimit: gateway.config.bodyLimit,
    ...connectionOptions(gateway.config),
    // Requests arriving while draining get the gateway's own problem (see the onRequest hook).
    return503OnClosing: false,
    // Errors Fastify raises before routing (a malformed URL) leave as problems too.
    frameworkErrors: (error, _request, reply) => {
      void sendProblem(reply, new GatewayError('HSG_REQUEST_BAD_PATH', `The request URL is not valid (${error.message}).`))
    },
    // And so do requests whose head cannot even be parsed.
    clientErrorHandler: clientErrorProblem,
  })
  capConnections(app, gateway.config, logger)
  registerProblems(app)
  registerObservation(app)
  registerGuard(app, gateway)
  registerProxy(app, gateway)
  registerAdmin(app, gateway)

  // Closing waits for every connection to end. Answers sent while draining ask the client to
  // close its keep-alive connection, or an idle client would hold the shutdown for a minute.
  let draining = false
  app.addHook('preClose', (done) => {
    draining = true
    // In-flight requests get --shutdown-timeout to finish; then their connections are cut, or one
    // that never completes would hold the close until the keep-alive timeout ends it.
    setTimeout(() => app.server.closeAllConnections(), gateway.config.shutdownTimeout * 1000).unref()
    done()
  })
  app.addHook('onRequest', (_request, _reply, done) => {
    done(draining ? shuttingDown() : undefined)
  })
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) reply.header('connection', 'close')
    done(null, payload)
  })
  app.addHook('onClose', async () => gateway.close())
  return app
}
