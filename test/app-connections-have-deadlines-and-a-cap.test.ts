// Issue #12: an app connection that trickles its head (slowloris) or its body is answered 408
// problem+json and closed once --headers-timeout / --request-timeout pass, however steadily it
// trickles; and beyond --max-connections a connection is closed as it arrives, unserved, while
// the ones already open are served, and a new one is once a slot frees.
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { startTestGateway, type TestGateway } from './helpers/gateway.js'

interface Conversation {
  readonly socket: Socket
  /** Everything the gateway sent. */
  readonly received: () => string
  /** Resolves once the gateway (or the network) closed the connection. */
  readonly closed: Promise<void>
}

async function open(gw: TestGateway): Promise<Conversation> {
  const { port } = new URL(gw.address)
  const socket = connect(Number(port), '127.0.0.1')
  let received = ''
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')))
  socket.on('error', () => undefined)
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  return { socket, received: () => received, closed }
}

/** Writes one line every `everyMs` until the connection closes or `max` lines are out; how many were written. */
async function trickle(c: Conversation, line: (i: number) => string, everyMs: number, max: number): Promise<number> {
  let gone = false
  void c.closed.then(() => (gone = true))
  for (let i = 0; i < max; i++) {
    if (gone || c.socket.destroyed) return i
    c.socket.write(line(i))
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
  return max
}

function head(gw: TestGateway, method: string, path: string, extra = ''): string {
  return `${method} ${path} HTTP/1.1\r\nHost: ${new URL(gw.address).host}\r\n${extra}`
}

async function gateway(t: Test, settings: Record<string, string | number>): Promise<TestGateway> {
  const dir = t.testdir()
  const gw = await startTestGateway({ mode: 'replay', recordings: join(dir, 'recordings'), stateDir: join(dir, 'state'), ...settings })
  t.teardown(() => gw.close())
  return gw
}

// 600 lines at 50 ms: 30 s of trickling, far past the half-second deadline, so the connection
// being closed before the trickle ends is the deadline at work, however slow the machine.
const LINES = 600

void t.test('a head trickled in a line at a time is cut at --headers-timeout', async (t) => {
  const gw = await gateway(t, { headersTimeout: 0.5, requestTimeout: 5 })
  const c = await open(gw)
  c.socket.write(head(gw, 'GET', '/_gateway/health'))
  const written = await trickle(c, (i) => `X-Slow-${i}: still here\r\n`, 50, LINES)
  await c.closed
  t.ok(written < LINES, `closed after ${written} of ${LINES} header lines`)
  t.match(c.received(), /^HTTP\/1\.1 408 /, 'answered 408')
  t.match(c.received(), /"code":"HSG_REQUEST_BAD_HEADERS"/)
  t.match(c.received(), /--headers-timeout/, 'naming the setting')
})

void t.test('a body trickled a byte at a time is cut at --request-timeout', async (t) => {
  const gw = await gateway(t, { headersTimeout: 0.5, requestTimeout: 1 })
  const c = await open(gw)
  c.socket.write(head(gw, 'PUT', '/_gateway/mode', `Content-Type: application/json\r\nContent-Length: ${LINES}\r\n\r\n`))
  const written = await trickle(c, () => ' ', 50, LINES)
  await c.closed
  t.ok(written < LINES, `closed after ${written} of ${LINES} body bytes`)
  t.match(c.received(), /^HTTP\/1\.1 408 /, 'answered 408')
  t.match(c.received(), /--request-timeout/)
})

void t.test('beyond --max-connections a connection is closed unserved', async (t) => {
  const gw = await gateway(t, { maxConnections: 2 })
  const health = (gwc: Conversation) => gwc.socket.write(head(gw, 'GET', '/_gateway/health', '\r\n'))
  const answered = (c: Conversation) =>
    new Promise<void>((resolve) => {
      const check = () => (c.received().includes('"status":"ok"') ? resolve() : c.socket.once('data', check))
      check()
    })
  const held = [await open(gw), await open(gw)]
  for (const c of held) health(c)
  await Promise.all(held.map(answered))
  t.pass('two connections are served and kept alive')

  const third = await open(gw)
  health(third)
  await third.closed
  t.equal(third.received(), '', 'the third is closed without an answer')
  const logged = gw.logRecords().find((r) => r.msg === 'connection closed on arrival: --max-connections reached')
  t.match(logged, { maxConnections: 2, dropped: 1 }, 'and the log says why')

  const [first, second] = held as [Conversation, Conversation]
  first.socket.destroy()
  await first.closed
  // The server counts the closed connection out once it has seen the close: poll, bounded.
  let count = 2
  for (let i = 0; i < 500 && count >= 2; i++) {
    count = await new Promise<number>((resolve) => gw.app.server.getConnections((_err, n) => resolve(n)))
    if (count >= 2) await new Promise((resolve) => setTimeout(resolve, 10))
  }
  const fourth = await open(gw)
  health(fourth)
  await answered(fourth)
  t.pass('a slot freed: a new connection is served')
  second.socket.destroy()
  fourth.socket.destroy()
})
