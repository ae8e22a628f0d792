// The terminal conformance suite against replay mode's terminal, over recordings the record
// terminal made of the same requests (the read and the write; the missing task was never recorded).
import { pino } from 'pino'
import t from 'tap'
import { upstreamTerminal } from '../src/pipeline/upstream.js'
import { Recordings } from '../src/recordings/recordings.js'
import { UpstreamClient } from '../src/upstream/client.js'
import { tempDir } from './helpers/memory-token-store.js'
import { READ, startHubstaffLike, terminalConformance, WRITE } from './helpers/terminal-conformance.js'

terminalConformance(t, 'replay', async (t) => {
  const hubstaff = await startHubstaffLike(t)
  const client = new UpstreamClient({ origin: hubstaff.origin, timeoutMs: 30_000 })
  t.teardown(() => client.destroy())
  const dir = tempDir(t, 'hsg-replay-')
  const options = { dir, redactPaths: [], secrets: () => [], origin: hubstaff.origin, logger: pino({ level: 'silent' }) }
  const recorder = new Recordings(options)
  const record = recorder.recording(upstreamTerminal(client))
  await record(READ())
  await record(WRITE(1))
  await recorder.flush()
  return { handler: new Recordings(options).replaying(undefined), source: 'replay', organization: 1 }
})
