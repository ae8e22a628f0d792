import t from 'tap'
import { request } from 'undici'
import { startFakeHubstaff } from './helpers/fake-hubstaff.js'
import { sharedClock, startLiveGateway, startTestGateway } from './helpers/gateway.js'

interface Outcome {
  status: number
  retryAfter: number | undefined
  code: string | undefined
}

let n = 0
// These tests check the ledger's exact arithmetic, so they set --budget-margin 0; what the margin
// is for is shown by test/reliability-200-clients-never-push-hubstaff-over-budget.test.ts.

/** Every call is a distinct query: the budget is under test, and a cache hit would cost nothing. */
async function call(address: string, path: string, headers: Record<string, string> = {}): Promise<Outcome & { headers: Record<string, unknown> }> {
  const res = await request(`${address}${path}${path.includes('?') ? '&' : '?'}n=${n++}`, { headers })
  const text = await res.body.text()
  const code = res.statusCode === 429 ? (JSON.parse(text) as { code: string }).code : undefined
  const retry = res.headers['retry-after']
  return { status: res.statusCode, retryAfter: retry === undefined ? undefined : Number(retry), code, headers: res.headers }
}

void t.test('six apps, 120 distinct requests, a budget of 30 per 20 s: Hubstaff never says 429', async (t) => {
  const clock = sharedClock()
  const { fake, gw } = await startLiveGateway(t, { budget: 30, budgetWindow: 20, budgetMargin: 0 }, { rateLimit: { limit: 30, windowMs: 20_000 }, now: clock.now }, { now: clock.now })

  const outcomes: Outcome[] = []
  let next = 0
  const client = async () => {
    while (next < 120) {
      const id = 20001 + next++
      outcomes.push(await call(gw.address, `/v2/projects/${id}`))
    }
  }
  await Promise.all(Array.from({ length: 6 }, client))

  t.equal(outcomes.length, 120, 'every request was answered')
  t.equal(fake.stats.rateLimited, 0, 'Hubstaff never had to refuse')
  t.equal(fake.stats.apiRequests, 30, 'exactly the budget went upstream')
  const ok = outcomes.filter((o) => o.status === 200)
  const refused = outcomes.filter((o) => o.status === 429)
  t.equal(ok.length, 30)
  t.equal(refused.length, 90)
  t.ok(refused.every((o) => o.code === 'HSG_BUDGET_EXHAUSTED'), 'refusals are the gateway problem')
  t.ok(refused.every((o) => o.retryAfter !== undefined && o.retryAfter >= 19 && o.retryAfter <= 20), 'Retry-After is when the first slot frees')

  void t.test('the slot frees exactly when the ledger said', async (t) => {
    // The shared clock runs with real time too: leave the check a margin for a loaded machine.
    clock.advance(17_000)
    t.equal((await call(gw.address, '/v2/projects/20100')).status, 429, 'early: still refused')
    clock.advance(3_100)
    t.equal((await call(gw.address, '/v2/projects/20101')).status, 200, 'on time: served')
    t.equal(fake.stats.rateLimited, 0)
  })

  void t.test('status shows the budget as the contract says', async (t) => {
    const res = await request(`${gw.address}/_gateway/status`)
    const status = (await res.body.json()) as { budget: Record<string, unknown> }
    t.match(status.budget, { limit: 30, window: 20, used: Number, remaining: Number, resetsIn: Number, store: 'file' })
    t.equal((status.budget.used as number) + (status.budget.remaining as number), 30)
  })
})

void t.test('every proxied answer carries the RateLimit headers', async (t) => {
  const { gw } = await startLiveGateway(t, { budget: 5, budgetWindow: 60, budgetMargin: 0 })
  const first = await call(gw.address, '/v2/users/me')
  t.equal(first.headers['ratelimit-policy'], '"60s";q=5;w=60')
  t.equal(first.headers.ratelimit, '"60s";r=4;t=60')
  const second = await call(gw.address, '/v2/users/me')
  t.match(second.headers.ratelimit, /^"60s";r=3;t=(59|60)$/)
  for (let i = 0; i < 3; i++) await call(gw.address, '/v2/users/me')
  const refused = await call(gw.address, '/v2/users/me')
  t.equal(refused.status, 429)
  t.equal(refused.headers['ratelimit-policy'], '"60s";q=5;w=60')
  t.match(refused.headers.ratelimit, /^"60s";r=0;t=(59|60)$/)
  const notFound = await call(gw.address, '/v2/tasks/999999999')
  t.equal(notFound.status, 429, 'errors from Hubstaff cost budget too, so this one is refused')
})

void t.test('Prefer: wait queues a request until its slot frees, or refuses it at once', async (t) => {
  const clock = sharedClock()
  const { fake, gw } = await startLiveGateway(t, { budget: 2, budgetWindow: 20, budgetMargin: 0 }, { now: clock.now }, { now: clock.now })
  await call(gw.address, '/v2/users/me')
  await call(gw.address, '/v2/users/me')

  const started = Date.now()
  const hopeless = await call(gw.address, '/v2/users/me', { prefer: 'wait=5' })
  t.equal(hopeless.status, 429, 'a slot 20 s away cannot be had within 5 s')
  t.ok(Date.now() - started < 2000, 'refused at once, not after waiting in vain')
  t.ok(hopeless.retryAfter !== undefined && hopeless.retryAfter >= 19)

  const patient = call(gw.address, '/v2/users/me', { prefer: 'wait=30' })
  const behind = call(gw.address, '/v2/organizations', { prefer: 'wait=60' })
  await new Promise((r) => setTimeout(r, 200))
  t.equal(fake.stats.apiRequests, 2, 'both wait: nothing went upstream yet')
  clock.advance(20_500)
  const [a, b] = await Promise.all([patient, behind])
  t.equal(a.status, 200, 'the first waiter is served once the slot frees')
  t.equal(b.status, 200, 'and the second, in arrival order')
  t.equal(fake.stats.apiRequests, 4)
  t.equal(fake.requests.at(-2)?.path, '/v2/users/me')
  t.equal(fake.requests.at(-1)?.path, '/v2/organizations')
})

void t.test('a restart mid-window keeps the count', async (t) => {
  const fake = await startFakeHubstaff()
  t.teardown(() => fake.close())
  const stateDir = t.testdir()
  const settings = { upstream: fake.origin, authUrl: fake.origin, refreshToken: fake.issueRefreshToken(), stateDir, budget: 30, budgetWindow: 600 }
  const first = await startTestGateway(settings)
  for (let i = 0; i < 10; i++) await call(first.address, '/v2/users/me')
  await first.close()

  const second = await startTestGateway(settings)
  t.teardown(() => second.close())
  const status = (await (await request(`${second.address}/_gateway/status`)).body.json()) as { budget: { used: number; remaining: number } }
  t.equal(status.budget.used, 10, 'the ten requests before the restart still count')
  t.equal(status.budget.remaining, 20)
  for (let i = 0; i < 20; i++) t.equal((await call(second.address, '/v2/users/me')).status, 200)
  t.equal((await call(second.address, '/v2/users/me')).status, 429, 'no fresh budget after a restart')
})

void t.test('an upstream 429 pauses all traffic until its Retry-After and never reaches the app', async (t) => {
  const clock = sharedClock()
  // Hubstaff allows fewer than the gateway thinks (another tool shares the application).
  const { fake, gw } = await startLiveGateway(t, { budget: 100, budgetWindow: 3600 }, { rateLimit: { limit: 3, windowMs: 60_000 }, now: clock.now }, { now: clock.now })
  for (let i = 0; i < 3; i++) t.equal((await call(gw.address, '/v2/users/me')).status, 200)
  const fourth = await call(gw.address, '/v2/users/me')
  t.equal(fourth.status, 429)
  t.equal(fourth.code, 'HSG_BUDGET_EXHAUSTED', 'the app sees the gateway problem, not Hubstaff 429')
  t.ok(fourth.retryAfter !== undefined && fourth.retryAfter >= 59 && fourth.retryAfter <= 60, `Retry-After ${fourth.retryAfter} follows Hubstaff`)
  for (let i = 0; i < 5; i++) t.equal((await call(gw.address, '/v2/users/me')).status, 429)
  t.equal(fake.stats.rateLimited, 1, 'no retry storm: one 429 upstream, then silence')
  const status = (await (await request(`${gw.address}/_gateway/status`)).body.json()) as { budget: { pausedUntil: string | null; remaining: number } }
  t.ok(status.budget.pausedUntil !== null, 'status shows the pause')
  t.equal(status.budget.remaining, 0, 'the window counts as full')
  clock.advance(61_000)
  t.equal((await call(gw.address, '/v2/users/me')).status, 200, 'traffic resumes after the pause')
})
