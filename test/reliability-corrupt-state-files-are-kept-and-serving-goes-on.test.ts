// A state dir damaged on disk (a bad copy, a full disk, a hand edit): a garbage token store and a
// budget ledger with garbage among its lines. The gateway starts, says what it found and where it
// put it, keeps every grant it can still read (no fresh budget), loses no byte of the damaged
// files, and serves.
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { startFakeHubstaff } from './helpers/fake-hubstaff.js'
import { startTestGateway } from './helpers/gateway.js'

const TOKEN_GARBAGE = '{"refreshToken":"half a fi\u0000\u0000\u0000'

void t.test('a garbage token store and a damaged ledger: kept, reported, and the gateway serves', async (t) => {
  const fake = await startFakeHubstaff()
  t.teardown(() => fake.close())
  const stateDir = t.testdir()
  const now = Date.now()
  // Three grants of the last minute, among lines no ledger writes: these three must still count.
  const ledger = [`${now - 30_000}`, 'garbage line', `${now - 20_000} dashboard`, '\u0000\u0001\u0002', 'P not-a-time', `${now - 10_000}`, '99999999999999999999', '123'].join('\n')
  await writeFile(join(stateDir, 'tokens.json'), TOKEN_GARBAGE, { mode: 0o600 })
  await writeFile(join(stateDir, 'budget.log'), ledger)

  const gw = await startTestGateway({ upstream: fake.origin, authUrl: fake.origin, refreshToken: fake.issueRefreshToken(), stateDir, budget: 10, budgetWindow: 3600 })
  t.teardown(() => gw.close())

  const res = await request(`${gw.address}/v2/users/me`)
  t.equal(res.statusCode, 200, 'the gateway serves, from a new lineage of the seed')
  await res.body.dump()

  const files = await readdir(stateDir)
  const aside = files.filter((f) => f.startsWith('tokens.json.corrupt-'))
  t.equal(aside.length, 1, 'the damaged token store was moved aside')
  t.equal(await readFile(join(stateDir, aside[0] ?? ''), 'utf8'), TOKEN_GARBAGE, 'byte for byte')
  const said = gw.logRecords().find((r) => r.code === 'HSG_AUTH_STORE_UNREADABLE')
  t.ok(said, 'the log says the token store was unreadable')
  t.equal(said?.movedTo, join(stateDir, aside[0] ?? ''), 'and where it went')

  const status = (await (await request(`${gw.address}/_gateway/status`)).body.json()) as { budget: { used: number } }
  t.equal(status.budget.used, 4, 'the three readable grants still count, with the request just made')
  const skipped = gw.logRecords().find((r) => r.code === 'HSG_BUDGET_LEDGER_DAMAGED')
  t.ok(skipped, 'the log says the ledger had lines it could not read')
  t.match(String(skipped?.msg), /budget\.log/, 'naming the file')

  const again = await request(`${gw.address}/v2/users/me`, { headers: { 'cache-control': 'no-cache' } })
  t.equal(again.statusCode, 200, 'and keeps serving')
  await again.body.dump()
})

void t.test('a ledger that is not a file stops start-up naming it, and touches nothing', async (t) => {
  const fake = await startFakeHubstaff()
  t.teardown(() => fake.close())
  const stateDir = t.testdir({ 'budget.log': { 'inside.txt': 'kept' } })
  await t.rejects(
    startTestGateway({ upstream: fake.origin, authUrl: fake.origin, refreshToken: fake.issueRefreshToken(), stateDir }),
    { message: /budget\.log/ },
    'the error names the ledger',
  )
  t.equal(await readFile(join(stateDir, 'budget.log', 'inside.txt'), 'utf8'), 'kept', 'nothing in its place was touched')
})
