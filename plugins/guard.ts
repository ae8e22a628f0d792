import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { GatewayError } from '../src/errors.js'
import type { Gateway } from '../src/gateway.js'
import { answerHeaders, preflightHeaders, varyWithOrigin } from '../src/http/cors.js'
import { browserOrigin, classifyTarget, HostNames, V2_ALLOW, V2_METHODS } from '../src/http/guard.js'
import { credentialParam, mayBeSensitive } from '../src/http/redact-query.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** A /v2 request's CORS: the allowed Origin it came from, '' for none, null off /v2. */
    gatewayCors: string | null
    /** The guard found nothing sensitive-looking in the query: the journal and the log need not redact it. */
    gatewayPlainQuery: boolean
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** OPTIONS on /v2: a CORS preflight, or a plain question about methods; never Hubstaff's business. */
function answerOptions(request: FastifyRequest, reply: FastifyReply, origin: string | undefined): void {
  void reply.header('x-gateway-source', 'gateway')
  if (origin === undefined) {
    void reply.code(204).header('allow', V2_ALLOW).send()
    return
  }
  const headers = preflightHeaders(
    origin,
    single(request.headers['access-control-request-headers']),
    single(request.headers['access-control-request-private-network']) === 'true',
  )
  void reply.code(204).headers(headers).send()
}

/**
 * The request guard: one onRequest hook in front of every route, run before any handler and
 * before anything is spent. It refuses targets that are not a plain path or that
 * leave /v2 once decoded, methods Hubstaff does not use, a Host that does not name the gateway,
 * cross-site browser requests and credentials in the query string, and answers CORS for the
 * origins the user allowed. The admin surface keeps its own rules (plugins/admin.ts).
 */
export function registerGuard(app: FastifyInstance, gateway: Gateway): void {
  const config = gateway.config
  const hosts = new HostNames({ listenHost: config.host, allowedHosts: config.allowedHosts })
  const origins: ReadonlySet<string> = new Set(config.corsOrigins)
  const cors = origins.size > 0
  app.decorateRequest('gatewayCors', null)
  app.decorateRequest('gatewayPlainQuery', false)

  app.addHook('onRequest', (request, reply, done) => {
    try {
      const raw = request.raw.url ?? '/'
      if (classifyTarget(raw) !== 'v2') {
        done()
        return
      }
      const method = request.method
      const options = method === 'OPTIONS'
      if (!options && !V2_METHODS.has(method)) {
        throw new GatewayError('HSG_REQUEST_METHOD_NOT_ALLOWED', `The Hubstaff API takes ${V2_ALLOW}; ${method} is not forwarded.`, { headers: { allow: V2_ALLOW } })
      }
      const headers = request.headers
      if (!hosts.allows(headers.host)) {
        throw new GatewayError(
          'HSG_REQUEST_BAD_HOST',
          'This gateway answers requests for its own names only (localhost, 127.0.0.1, [::1] and --allowed-hosts); another Host is what a web page re-pointed at it would send.',
        )
      }
      // Most requests come from no browser: no Origin, no Sec-Fetch-Site, nothing more to look at.
      const origin = headers.origin === undefined && headers['sec-fetch-site'] === undefined ? undefined : browserOrigin(headers, origins)
      if (options) {
        answerOptions(request, reply, origin)
        return
      }
      // Set before the query is looked at, so that an allowed page can read why it was refused.
      if (cors) request.gatewayCors = origin ?? ''
      const q = raw.indexOf('?')
      const query = q === -1 ? '' : raw.slice(q + 1)
      if (mayBeSensitive(query)) {
        const name = credentialParam(query)
        if (name !== undefined) {
          throw new GatewayError(
            'HSG_REQUEST_CREDENTIAL_IN_QUERY',
            `The query string holds a credential (${JSON.stringify(name)}); it was not forwarded. The gateway sends its own token: drop the parameter (and treat its value as exposed).`,
          )
        }
      } else request.gatewayPlainQuery = true
      done()
    } catch (err) {
      done(err as Error)
    }
  })

  if (cors) {
    app.addHook('onSend', (request, reply, payload, done) => {
      const origin = request.gatewayCors
      if (origin !== null) {
        if (origin !== '') void reply.headers(answerHeaders(origin))
        void reply.header('vary', varyWithOrigin(reply.getHeader('vary')))
      }
      done(null, payload)
    })
  }
}
