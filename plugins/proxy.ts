import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { GatewayError } from '../src/errors.js'
import type { Gateway } from '../src/gateway.js'
import { headersForUpstream } from '../src/http/headers.js'
import type { AppIdentity } from '../src/apps.js'
import type { GatewayRequest, HeaderMap } from '../src/pipeline/types.js'
import { RequestAborted } from '../src/upstream/client.js'
import { requestLine } from './request-line.js'
import { observeRequest } from './observe.js'

/**
 * A /v2 request as the pipeline sees it. The abort signal is made when first asked for: a cache hit
 * never asks, and an AbortController plus a close listener per request is a good part of what a hit
 * costs. `signal` is an own enumerable accessor, so a stage that copies the request (`{ ...request }`)
 * still carries it, and its getter is one function shared by every request: with a getter made per
 * request (a closure in an object literal) every request's objects survived young-generation
 * collections into the old generation (about 2.3 MB promoted per collection under load, pauses of
 * 7 to 15 ms; none with the shared getter).
 */
class ProxyRequest implements GatewayRequest {
  readonly id: string
  readonly method: string
  readonly path: string
  readonly query: string
  readonly headers: HeaderMap
  readonly body: Buffer | undefined
  declare readonly signal: AbortSignal
  readonly app: AppIdentity
  readonly #request: FastifyRequest
  readonly #reply: FastifyReply
  #controller: AbortController | undefined

  static readonly #signal: PropertyDescriptor = {
    get(this: ProxyRequest): AbortSignal {
      return this.#lazySignal()
    },
    enumerable: true,
  }

  constructor(request: FastifyRequest, reply: FastifyReply, gateway: Gateway) {
    const raw = request.raw.url ?? '/'
    const q = raw.indexOf('?')
    this.id = request.id
    this.method = request.method
    this.path = q === -1 ? raw : raw.slice(0, q)
    this.query = q === -1 ? '' : raw.slice(q + 1)
    // The mock's session header is kept only where a mock may answer (mock, replay's fallback):
    // elsewhere it would ride along into recordings.
    const mode = gateway.mode.current
    this.headers = headersForUpstream(request.headers, { keepSession: mode === 'mock' || mode === 'replay' })
    this.body = Buffer.isBuffer(request.body) && request.body.length > 0 ? request.body : undefined
    Object.defineProperty(this, 'signal', ProxyRequest.#signal)
    // Team mode: the app key decides who is charged; a missing or unknown key never goes upstream.
    this.app = gateway.apps.identify(request.headers['x-gateway-key'])
    this.#request = request
    this.#reply = reply
  }

  #lazySignal(): AbortSignal {
    if (this.#controller === undefined) {
      const abort = new AbortController()
      this.#controller = abort
      const reply = this.#reply
      const onClose = () => {
        if (!reply.raw.writableFinished) abort.abort()
      }
      // The app may have gone before anything asked.
      if (reply.raw.destroyed || this.#request.raw.socket.destroyed) onClose()
      else reply.raw.on('close', onClose)
    }
    return this.#controller.signal
  }
}

/** `/v2/*`: the Hubstaff API, answered through the gateway's pipeline. */
export function registerProxy(app: FastifyInstance, gateway: Gateway): void {
  // Targets, methods, Host and browsers were checked by the guard (plugins/guard.ts) before routing.
  app.register((scope, _opts, done) => {
    // Bodies pass through byte-for-byte whatever their type; nothing here parses them.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, next) => next(null, body))

    scope.all('/v2/*', async (request, reply) => {
      try {
        // The guard classified this target as /v2; a router that reads targets otherwise must
        // still not forward anything whose raw form is not.
        if (!request.raw.url?.startsWith('/v2/')) throw new GatewayError('HSG_REQUEST_BAD_PATH', 'The request target is not a path under /v2/.')
        const gatewayRequest = new ProxyRequest(request, reply, gateway)
        request.gatewayApp = gatewayRequest.app.name
        const answer = await gateway.handle(gatewayRequest)
        request.gatewayAnswer = answer
        reply.code(answer.status)
        const headers = answer.headers
        for (const name in headers) {
          const value = headers[name]
          // CORS is the gateway's own (plugins/guard.ts), whatever a recording or the mock holds.
          if (value !== undefined && !name.startsWith('access-control-')) reply.header(name, value)
        }
        reply.header('x-gateway-source', answer.source)
        return await reply.send(answer.body)
      } catch (err) {
        if (err instanceof RequestAborted) {
          // No answer will be sent, so Fastify never logs this request: say it here, with the
          // 499 ("client closed request") that nginx uses.
          request.log.info(requestLine(request, reply, 499), 'request')
          observeRequest(gateway, request, reply, 499)
          return reply.hijack()
        }
        throw err
      }
    })
    done()
  })
}
