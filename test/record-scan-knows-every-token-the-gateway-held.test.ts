// What a recording is scanned for: every token the gateway has held, the rotated-away ones too (a
// slow answer may echo the token it was sent with after a rotation), and the seed; and an answer
// echoing any of them is refused end to end.
import { join } from 'node:path'
import { existsSync, readdirSync } from 'node:fs'
import t from 'tap'
import { request } from 'undici'
import { startLiveGateway } from './helpers/gateway.js'

void t.test('known secrets follow the lineage through rotations', async (t) => {
  const root = t.testdir()
  const recordings = join(root, 'recordings')
  const { fake, gw } = await startLiveGateway(t, { mode: 'record', recordings, stateDir: join(root, 'state'), cache: 'off' })
  for (let rotation = 0; rotation < 3; rotation++) {
    const res = await request(`${gw.address}/v2/users/me`)
    t.equal(res.statusCode, 200)
    await res.body.dump()
    fake.expireAccessTokens()
  }
  const known = gw.gateway.tokens.knownSecrets()
  t.ok(fake.issuedTokens.length >= 6, `${fake.issuedTokens.length} tokens issued`)
  t.same(fake.issuedTokens.filter((token) => !known.has(token)), [], 'every token issued is known, current or not')
  t.notMatch(JSON.stringify(await gw.gateway.status()), fake.issuedTokens[0] ?? '-', 'and never shown')

  // An upstream answer that echoes a rotated-away refresh token is not written.
  fake.apiFailure = { status: 200, body: JSON.stringify({ echo: fake.issuedTokens[0] }) }
  const echoed = await request(`${gw.address}/v2/organizations`)
  t.equal(echoed.statusCode, 200, 'the app still gets its answer')
  await echoed.body.dump()
  fake.apiFailure = undefined
  t.notOk(existsSync(recordings) && readdirSync(recordings).some((f) => f.startsWith('get_v2_organizations_')), 'no recording written')
  t.match(await gw.gateway.status(), { recordings: { refused: 1 } })
  t.ok(gw.logRecords().some((r) => r.code === 'HSG_RECORD_REFUSED'), 'the refusal is logged')
  for (const token of fake.issuedTokens) t.notOk(gw.logs.some((line) => line.includes(token)), 'no log line holds a token')
})
