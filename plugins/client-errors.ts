import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import { GatewayError, PROBLEM_CONTENT_TYPE } from '../src/errors.js'

/**
 * Fastify's clientErrorHandler: a request whose head cannot be parsed never reaches a route, yet
 * the app still deserves a problem+json saying why (Fastify's default answers plain JSON).
 */
export function clientErrorProblem(err: Error & { code?: string; rawPacket?: unknown }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const [status, detail] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request headers are larger than the gateway accepts (16 KiB in all).']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request did not arrive in time (its head within --headers-timeout, all of it within --request-timeout).']
        : [400, `The request line or headers are not valid HTTP/1.1 (${err.code ?? err.message}).`]
  const body = JSON.stringify(new GatewayError('HSG_REQUEST_BAD_HEADERS', detail, { status }).toProblem())
  // The answer to a HEAD has no body: a client reading one would take it for the next answer.
  const head = Buffer.isBuffer(err.rawPacket) && err.rawPacket.subarray(0, 5).toString('latin1') === 'HEAD '
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Gateway-Source: gateway\r\nConnection: close\r\n\r\n${head ? '' : body}`,
    )
  }
  socket.destroy(err)
}
