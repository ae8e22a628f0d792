// Recording fails closed: when what would be written holds a live token (or anything shaped like a
// credential) after redaction, nothing is written, the log says so without the secret, and the app
// still gets its answer. Credentials and the configured fields are scrubbed before that check.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { ANONYMOUS } from '../src/apps.js'
import type { GatewayRequest, GatewayResponse } from '../src/pipeline/types.js'
import { Recorder } from '../src/recordings/recorder.js'
import { Redactor } from '../src/recordings/redact.js'
import { RecordingStore } from '../src/recordings/store.js'
import { capturingLogger } from './helpers/memory-token-store.js'

const LIVE_REFRESH = 'rt_' + 'q'.repeat(40)
const LIVE_ACCESS = 'at_' + 'z'.repeat(40)

function ask(path: string, body?: string): GatewayRequest {
  return {
    id: 'r1',
    method: body === undefined ? 'GET' : 'POST',
    path,
    query: '',
    headers: { authorization: `Bearer ${LIVE_ACCESS}`, 'content-type': 'application/json', cookie: 'session=abc' },
    body: body === undefined ? undefined : Buffer.from(body),
    signal: new AbortController().signal,
    app: ANONYMOUS,
  }
}

function answer(body: unknown): GatewayResponse {
  return { status: 200, headers: { 'content-type': 'application/json', 'set-cookie': 'a=b', date: 'Mon, 05 Jan 2026 10:00:00 GMT' }, body: Buffer.from(JSON.stringify(body)), source: 'upstream', upstreamCalls: 1 }
}

void t.test('an answer echoing a live token is not written', async (t) => {
  const dir = join(t.testdir(), 'recordings')
  const { logger, lines } = capturingLogger()
  const recorder = new Recorder({ store: new RecordingStore(dir), redactor: new Redactor({ paths: ['email'] }), secrets: () => [LIVE_REFRESH], origin: 'https://api.hubstaff.com', logger })
  const echoes: Record<string, unknown> = {
    '/v2/echo/refresh': { note: `your token is ${LIVE_REFRESH}` },
    '/v2/echo/access': { seen: LIVE_ACCESS },
    '/v2/echo/jwt': { id: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiI1MDAxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ' },
  }
  for (const [path, body] of Object.entries(echoes)) {
    const got = await recorder.wrap(() => Promise.resolve(answer(body)))(ask(path))
    t.equal(got.status, 200, `${path}: the app still gets its answer`)
    t.same(JSON.parse(got.body.toString()), body)
  }
  t.notOk(existsSync(dir) && readdirSync(dir).length > 0, 'nothing written')
  t.match(recorder.status(), { written: 0, refused: 3, failed: 0 })
  const refused = lines.filter((l) => l.code === 'HSG_RECORD_REFUSED')
  t.equal(refused.length, 3, 'each refusal logged')
  t.match(refused[0], { file: String, request: 'GET /v2/echo/refresh', found: /known-token on line \d+/ })
  const text = JSON.stringify(lines)
  t.notOk(text.includes(LIVE_REFRESH) || text.includes(LIVE_ACCESS), 'the log holds neither token')
})

void t.test('credentials and configured fields are scrubbed, and the rest is written', async (t) => {
  const dir = join(t.testdir(), 'recordings')
  const { logger } = capturingLogger()
  const recorder = new Recorder({ store: new RecordingStore(dir), redactor: new Redactor({ paths: ['email', 'owner.phone'] }), secrets: () => [LIVE_REFRESH], origin: 'https://api.hubstaff.com', logger })
  const body = { user: { id: 1, email: 'ada@example.com', access_token: 'abcdefghijkl' }, owner: { phone: '555', email: 'x@example.com' }, members: [{ email: 'b@example.com' }] }
  await recorder.wrap(() => Promise.resolve(answer(body)))(ask('/v2/users/me'))
  await recorder.wrap(() => Promise.resolve(answer({ ok: true })))(ask('/v2/tasks', JSON.stringify({ summary: 's', email: 'me@example.com' })))
  // Words are not credentials: an ordinary text that mentions them is written.
  await recorder.wrap(() => Promise.resolve(answer({ summary: 'Bearer information for the password reset page', token_count: 3 })))(ask('/v2/tasks/7'))
  t.match(recorder.status(), { written: 3, refused: 0 })
  const files = readdirSync(dir)
  t.equal(files.length, 3)
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8')
    t.notMatch(text, /example\.com|abcdefghijkl|"555"|session=abc|a=b|authorization|set-cookie|"date"|Mon, 05 Jan/i, `${file}: scrubbed`)
    t.notOk(text.includes(LIVE_ACCESS), `${file}: no bearer token`)
  }
  const me = JSON.parse(readFileSync(join(dir, files.find((f) => f.startsWith('get_v2_users_me')) ?? ''), 'utf8')) as { log: { entries: { response: { content: { text: string } } }[] } }
  t.same(JSON.parse(me.log.entries[0]?.response.content.text ?? ''), {
    user: { id: 1, email: '[REDACTED]', access_token: '[REDACTED]' },
    owner: { phone: '[REDACTED]', email: '[REDACTED]' },
    members: [{ email: '[REDACTED]' }],
  })
})
