// The terminal conformance suite against mock mode's terminal: the twin's simulated organization
// (one loaded mock for the file: loading it takes a while).
import { pino } from 'pino'
import t from 'tap'
import { MockMode } from '../src/mock/mock-mode.js'
import { tempDir } from './helpers/memory-token-store.js'
import { gatewayRequest, terminalConformance, type TerminalUnderTest } from './helpers/terminal-conformance.js'

let loaded: Promise<TerminalUnderTest> | undefined
terminalConformance(t, 'mock', () => {
  loaded ??= (async () => {
    const mock = new MockMode({ stateDir: tempDir(t, 'hsg-mock-'), logger: pino({ level: 'silent' }) })
    const orgs = await mock.terminal(gatewayRequest('GET', '/v2/organizations'))
    const { organizations } = JSON.parse(orgs.body.toString('utf8')) as { organizations: { id: number }[] }
    return { handler: mock.terminal, source: 'mock' as const, organization: organizations[0]?.id ?? 0 }
  })()
  return loaded
})
