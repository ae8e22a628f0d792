import type { FastifyReply, FastifyRequest } from 'fastify'
import { redactQuery } from '../src/http/redact-query.js'

/** The fields of the one line logged per request. */
export function requestLine(request: FastifyRequest, reply: FastifyReply, status: number): Record<string, unknown> {
  const url = request.raw.url ?? ''
  const q = url.indexOf('?')
  return {
    method: request.method,
    path: q === -1 ? url : url.slice(0, q),
    // Values of sensitive-looking parameters replaced: a log outlives the request.
    ...(q === -1 ? {} : { query: request.gatewayPlainQuery ? url.slice(q + 1) : redactQuery(url.slice(q + 1)) }),
    status,
    source: reply.getHeader('x-gateway-source') ?? (request.url.startsWith('/_gateway') ? 'admin' : 'gateway'),
    durationMs: Math.round(reply.elapsedTime * 10) / 10,
    // A date range answered in pieces: `pieces=8; depth=2; upstream=11`.
    ...(reply.hasHeader('x-gateway-split') ? { split: reply.getHeader('x-gateway-split') } : {}),
  }
}
