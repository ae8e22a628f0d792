import type { FastifyInstance, FastifyRequest } from 'fastify'
import { GatewayError } from '../src/errors.js'
import type { Gateway } from '../src/gateway.js'
import { SESSION_HEADER, sessionName } from '../src/twin/sessions.js'
import { sendProblem } from './problems.js'

/**
 * `/_gateway/mock/*`: the simulated organization, for tests that set it up and inspect it. Each
 * route works on the session `X-Gateway-Session` names, or on the default world (reset: on
 * everything). They answer only while the mock serves requests: in live mode a reset or fixtures
 * would otherwise change a world nobody is looking at, and a test that forgot to switch would pass
 * against Hubstaff's data unawares.
 */
export function registerMockAdmin(scope: FastifyInstance, gateway: Gateway): void {
  const session = (request: FastifyRequest) => {
    const mode = gateway.mode.current
    if (mode !== 'mock' && !(mode === 'replay' && gateway.config.fallback === 'mock')) {
      throw new GatewayError('HSG_MOCK_NOT_ACTIVE', `The gateway is in ${mode} mode and the mock answers no request; switch with PUT /_gateway/mode {"mode":"mock"} first.`)
    }
    return sessionName(request.headers[SESSION_HEADER])
  }

  scope.get('/_gateway/mock/state', async (request) => gateway.mock.state(session(request)))

  scope.post('/_gateway/mock/reset', async (request) => {
    const name = session(request)
    await gateway.mock.reset(name)
    request.log.info({ session: name ?? 'all' }, 'mock reset')
    return { reset: name ?? 'all', ...(await gateway.mock.state(name)) }
  })

  const fixturesLimit = gateway.config.mockFixturesMaxBytes
  scope.put<{ Body: unknown }>('/_gateway/mock/fixtures', {
    bodyLimit: fixturesLimit,
    // The gateway's own handler would name --body-limit, which this route does not read.
    errorHandler: (error, _request, reply) => {
      if ((error as { code?: string }).code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw error
      void sendProblem(reply, new GatewayError('HSG_REQUEST_TOO_LARGE', `The fixtures are larger than ${fixturesLimit} bytes (--mock-fixtures-max-bytes).`))
    },
  }, async (request) => {
    const name = session(request)
    const state = await gateway.mock.loadFixtures(request.body, name)
    request.log.info({ session: name ?? null, counts: state.counts }, 'mock fixtures loaded')
    return state
  })
}
