import type { FastifyReply, FastifyRequest } from 'fastify'

/** The fields of the one line logged per request. */
export function requestLine(request: FastifyRequest, reply: FastifyReply, status: number): Record<string, unknown> {
  return {
    method: request.method,
    path: (request.raw.url ?? '').split('?')[0],
    status,
    source: reply.getHeader('x-gateway-source') ?? (request.url.startsWith('/_gateway') ? 'admin' : 'gateway'),
    durationMs: Math.round(reply.elapsedTime * 10) / 10,
    // A date range answered in pieces: `pieces=8; depth=2; upstream=11`.
    ...(reply.hasHeader('x-gateway-split') ? { split: reply.getHeader('x-gateway-split') } : {}),
  }
}
