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
 * Rejects paths that could leave /v2 once a server normalises them (`/v2/../x`, `%2e%2e`,
 * backslashes): with the managed token attached they must never reach anything else.
 */
export function checkPath(path: string): void {
  // Nearly every path: nothing encoded, no dot, no backslash, so nothing to decode or look at.
  if (!/[%.\\\0]/.test(path)) return
  let decoded: string
  try {
    decoded = decodeURIComponent(path)
  } catch {
    throw new GatewayError('HSG_REQUEST_BAD_PATH', `The path ${JSON.stringify(path)} is not valid percent-encoding.`)
  }
  const segments = decoded.split(/[/\\]/)
  if (segments.includes('..') || segments.includes('.') || decoded.includes('\\') || decoded.includes('\0')) {
    throw new GatewayError('HSG_REQUEST_BAD_PATH', `The path ${JSON.stringify(path)} has dot segments or backslashes; send the path as Hubstaff documents it.`)
  }
}

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
    this.headers = headersForUpstream(request.headers)
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
  // Before routing: the router may not match such paths at all, and the app deserves to know why.
  app.addHook('onRequest', (request, _reply, done) => {
    const raw = request.raw.url ?? '/'
    try {
      if (raw.startsWith('/v2')) checkPath(raw.split('?')[0] ?? raw)
      done()
    } catch (err) {
      done(err as Error)
    }
  })
  app.register((scope, _opts, done) => {
    // Bodies pass through byte-for-byte whatever their type; nothing here parses them.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, next) => next(null, body))

    scope.all('/v2/*', async (request, reply) => {
      try {
        const gatewayRequest = new ProxyRequest(request, reply, gateway)
        request.gatewayApp = gatewayRequest.app.name
        const answer = await gateway.handle(gatewayRequest)
        request.gatewayAnswer = answer
        reply.code(answer.status)
        const headers = answer.headers
        for (const name in headers) {
          const value = headers[name]
          if (value !== undefined) reply.header(name, value)
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
