// The terminal conformance suite against record mode's terminal (live's, each exchange written
// down), and what only it can get wrong: an exchange the app left before its answer is not recorded.
import { readdir } from 'node:fs/promises'
import { pino } from 'pino'
import t, { type Test } from 'tap'
import { upstreamTerminal } from '../src/pipeline/upstream.js'
import { Recordings } from '../src/recordings/recordings.js'
import { UpstreamClient } from '../src/upstream/client.js'
import { tempDir } from './helpers/memory-token-store.js'
import { gatewayRequest, HELD_PATH, READ, startHubstaffLike, terminalConformance } from './helpers/terminal-conformance.js'

async function recordingTerminal(t: Test) {
  const hubstaff = await startHubstaffLike(t)
  const client = new UpstreamClient({ origin: hubstaff.origin, timeoutMs: 30_000 })
  t.teardown(() => client.destroy())
  const dir = tempDir(t, 'hsg-record-')
  const recordings = new Recordings({ dir, redactPaths: [], secrets: () => [], origin: hubstaff.origin, logger: pino({ level: 'silent' }) })
  return { hubstaff, recordings, dir, handler: recordings.recording(upstreamTerminal(client)) }
}

terminalConformance(t, 'record', async (t) => {
  const { hubstaff, handler } = await recordingTerminal(t)
  return { handler, source: 'upstream', organization: 1, held: hubstaff.held }
})

void t.test('record: what was answered is on disk; what the app left is not', async (t) => {
  const { hubstaff, recordings, dir, handler } = await recordingTerminal(t)
  await handler(READ())
  const controller = new AbortController()
  const left = handler(gatewayRequest('GET', HELD_PATH, { signal: controller.signal }))
  await hubstaff.held()
  controller.abort()
  await t.rejects(left, { name: 'RequestAborted' })
  await recordings.flush()
  t.match(recordings.recorder.status(), { written: 1, refused: 0, failed: 0 })
  t.equal((await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.har')).length, 1, 'one recording file')
})
