// --mock-latency: every answer of the mock waits a fixed time or a random time in a range, as a
// network and Hubstaff would make it wait; an app that goes away stops the wait. Answers the cache
// serves in front of the mock come at once, as cached answers of Hubstaff do.
import t from 'tap'
import { pino } from 'pino'
import { ANONYMOUS } from '../src/apps.js'
import { MockMode } from '../src/mock/mock-mode.js'
import { startTestGateway } from './helpers/gateway.js'

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await fn()
  return performance.now() - started
}

void t.test('a fixed latency delays every mock answer, and a cached answer comes at once', async (t) => {
  const gw = await startTestGateway({ mode: 'mock', stateDir: t.testdir(), mockLatency: 150 })
  t.teardown(() => gw.close())
  const get = (path: string) => fetch(gw.address + path).then((r) => r.text())
  t.ok((await timed(() => get('/v2/users/me'))) >= 145, 'the first answer waited')
  t.ok((await timed(() => get('/v2/organizations?page_limit=1'))) >= 145, 'every mock answer waits')
  t.ok((await timed(() => get('/v2/users/me'))) < 100, 'the cache answered the repeat at once')
})

void t.test('a range waits a time inside it; an app that goes away stops the wait', async (t) => {
  const mode = new MockMode({ stateDir: t.testdir(), logger: pino({ level: 'silent' }), latency: { min: 60, max: 120 } })
  await mode.load()
  const ask = (signal: AbortSignal) => mode.terminal({ id: '1', method: 'GET', path: '/v2/users/me', query: '', headers: {}, body: undefined, signal, app: ANONYMOUS })
  for (let i = 0; i < 3; i++) {
    const ms = await timed(() => ask(new AbortController().signal))
    t.ok(ms >= 55 && ms < 400, `${Math.round(ms)} ms, inside 60-120 (with some slack)`)
  }
  const gone = new AbortController()
  gone.abort()
  t.ok((await timed(() => ask(gone.signal))) < 50, 'no wait for an app that has gone')
})
