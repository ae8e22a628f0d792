// The terminal conformance suite against live mode's terminal: one request to Hubstaff, answered
// as Hubstaff answered.
import t from 'tap'
import { upstreamTerminal } from '../src/pipeline/upstream.js'
import { UpstreamClient } from '../src/upstream/client.js'
import { startHubstaffLike, terminalConformance } from './helpers/terminal-conformance.js'

terminalConformance(t, 'live', async (t) => {
  const hubstaff = await startHubstaffLike(t)
  const client = new UpstreamClient({ origin: hubstaff.origin, timeoutMs: 30_000 })
  t.teardown(() => client.destroy())
  return { handler: upstreamTerminal(client), source: 'upstream', organization: 1, held: hubstaff.held }
})
