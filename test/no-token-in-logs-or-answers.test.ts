import t from 'tap'
import { request } from 'undici'
import { sharedClock, startLiveGateway } from './helpers/gateway.js'

void t.test('after a full rotation, no issued token appears in any log line, answer or admin view', async (t) => {
  const clock = sharedClock()
  const { fake, gw } = await startLiveGateway(t, { logLevel: 'trace' }, { accessTokenTtl: 600, now: clock.now }, { now: clock.now })

  const answers: string[] = []
  const call = async (path: string, init: Parameters<typeof request>[1] = {}) => {
    const res = await request(`${gw.address}${path}`, init)
    answers.push(JSON.stringify(res.headers), await res.body.text())
    return res.statusCode
  }
  const everything = async () => {
    await call('/v2/users/me', { headers: { authorization: 'Bearer app-token' } })
    await call('/v2/organizations/1001/projects?page_limit=5')
    await call('/v2/projects/20001/tasks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"summary":"s"}' })
    await call('/_gateway/status')
    await call('/_gateway/health')
    // The operator's views show token state and the last requests: never a token.
    for (const view of ['/_gateway/requests', '/_gateway/budget/history', '/_gateway/metrics', '/_gateway/']) {
      t.equal(await call(view), 200, `${view} answers`)
    }
  }

  await everything() // first exchange
  clock.advance(601_000) // expiry: second exchange
  await everything()
  fake.expireAccessTokens() // 401: third exchange and replays
  await everything()
  fake.tokenEndpointFailure = { status: 500 }
  clock.advance(601_000) // transient failure while expired
  await everything()
  fake.tokenEndpointFailure = undefined
  fake.revokeAll() // invalid_grant
  clock.advance(601_000)
  await everything()

  t.ok(fake.stats.exchanges >= 3, `rotated ${fake.stats.exchanges} times`)
  t.ok(fake.stats.rejectedExchanges >= 1, 'and was refused once')
  t.ok(fake.issuedTokens.length >= 7, `${fake.issuedTokens.length} tokens issued`)
  const logText = gw.logs.join('\n')
  const answerText = answers.join('\n')
  t.ok(gw.logs.length > 20, `${gw.logs.length} log lines checked`)
  let hits = 0
  for (const token of fake.issuedTokens) {
    if (logText.includes(token)) hits++
    if (answerText.includes(token)) hits++
  }
  t.equal(hits, 0, 'no access or refresh token in logs or answers')
  t.notMatch(logText, /app-token/, 'nor the app own Authorization header')
})
