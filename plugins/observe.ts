import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Gateway } from '../src/gateway.js'
import { journalPath } from '../src/journal.js'
import type { GatewayResponse } from '../src/pipeline/types.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The team-mode app a /v2 request was charged to, once known. */
    gatewayApp: string | null
    /** The pipeline's answer to a /v2 request, once it has one. */
    gatewayAnswer: GatewayResponse | null
  }
}

export function registerObservation(app: FastifyInstance): void {
  app.decorateRequest('gatewayApp', null)
  app.decorateRequest('gatewayAnswer', null)
}

/**
 * Feeds the journal and the metrics with a request that just finished (called once per request,
 * from the same place as the log line). The admin surface's own requests are left out: the
 * dashboard polls it every second and would bury the apps' requests.
 */
export function observeRequest(gateway: Gateway, request: FastifyRequest, reply: FastifyReply, status: number): void {
  const url = request.raw.url ?? ''
  if (url.startsWith('/_gateway')) return
  const source = reply.getHeader('x-gateway-source')
  const answer = request.gatewayAnswer
  const sourceText = typeof source === 'string' ? source : 'gateway'
  gateway.metrics.requestFinished(sourceText, status, answer ?? undefined)
  const cacheStatus = reply.getHeader('cache-status')
  const slot = gateway.journal.claim()
  slot.time = gateway.now()
  slot.app = request.gatewayApp ?? '-'
  slot.method = request.method
  slot.path = journalPath(url, request.gatewayPlainQuery)
  slot.status = status
  slot.source = sourceText
  slot.cacheStatus = typeof cacheStatus === 'string' ? cacheStatus : ''
  slot.upstreamCalls = answer?.upstreamCalls ?? 0
  slot.queueWaitMs = answer?.queueWaitMs ?? 0
  slot.durationMs = Math.round(reply.elapsedTime * 10) / 10
  slot.id = request.id
}
