import type { FastifyInstance, FastifyReply } from 'fastify'
import { GatewayError, isGatewayError, PROBLEM_CONTENT_TYPE } from '../src/errors.js'

/** Fastify's own errors, said in the gateway's words. */
function fromFastify(err: { code?: string; statusCode?: number; message: string }): GatewayError | undefined {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new GatewayError('HSG_REQUEST_TOO_LARGE', `${err.message} (--body-limit).`, { cause: err })
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new GatewayError('HSG_REQUEST_BAD_BODY', err.message, { cause: err, status: err.statusCode })
  }
  return undefined
}

export function sendProblem(reply: FastifyReply, err: GatewayError): FastifyReply {
  return reply
    .code(err.status)
    .headers({ ...err.headers, 'x-gateway-source': 'gateway' })
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(err.toProblem()))
}

/** The one error handler: every error leaves as problem+json with a stable HSG_* code. */
export function registerProblems(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const err = error as { code?: string; statusCode?: number; message: string }
    const known = isGatewayError(error) ? error : fromFastify(err)
    if (known !== undefined) {
      if (known.status >= 500) request.log.warn({ code: known.code, cause: (known.cause as Error | undefined)?.message }, known.message)
      return sendProblem(reply, known)
    }
    request.log.error({ err: error }, 'unexpected error')
    return sendProblem(reply, new GatewayError('HSG_INTERNAL', 'The gateway failed to handle this request; see its log.'))
  })
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      new GatewayError('HSG_ROUTE_NOT_FOUND', `No gateway route for ${request.method} ${request.url.split('?')[0] ?? ''}; the Hubstaff API is under /v2/, the gateway's own under /_gateway/.`),
    ),
  )
}
