import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { GatewayError } from '../src/errors.js'
import type { Gateway } from '../src/gateway.js'
import { headersForUpstream } from '../src/http/headers.js'
import type { GatewayRequest } from '../src/pipeline/types.js'
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
 * The request's abort signal, made when first asked for: a cache hit never asks, and an
 * AbortController plus a close listener per request is a good part of what a hit costs.
 */
function lazySignal(request: FastifyRequest, reply: FastifyReply): () => AbortSignal {
  let controller: AbortController | undefined
  return () => {
    if (controller === undefined) {
      const abort = new AbortController()
      controller = abort
      const onClose = () => {
        if (!reply.raw.writableFinished) abort.abort()
      }
      // The app may have gone before anything asked.
      if (reply.raw.destroyed || request.raw.socket.destroyed) onClose()
      else reply.raw.on('close', onClose)
    }
    return controller.signal
  }
}

function toGatewayRequest(request: FastifyRequest, signal: () => AbortSignal, gateway: Gateway): GatewayRequest {
  const raw = request.raw.url ?? '/'
  const q = raw.indexOf('?')
  const path = q === -1 ? raw : raw.slice(0, q)
  return {
    id: request.id,
    method: request.method,
    path,
    query: q === -1 ? '' : raw.slice(q + 1),
    headers: headersForUpstream(request.headers),
    body: Buffer.isBuffer(request.body) && request.body.length > 0 ? request.body : undefined,
    get signal() {
      return signal()
    },
    // Team mode: the app key decides who is charged; a missing or unknown key never goes upstream.
    app: gateway.apps.identify(request.headers['x-gateway-key']),
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
        const gatewayRequest = toGatewayRequest(request, lazySignal(request, reply), gateway)
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
