// `hubstaff-gateway login` against a fake OpenID provider with real RS256 signing: PKCE, state and
// nonce are checked end to end, the refresh token lands in the token store (0600) where serve
// finds it, and every unhappy path (forged state, wrong nonce, unknown signing key, denied consent,
// no answer) fails with one line, exit 1, and stores nothing.
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { main } from '../src/cli.js'
import { FileTokenStore } from '../src/token/store.js'
import { startFakeOidc, type FakeOidc } from './helpers/fake-oidc.js'
import { until } from './helpers/memory-token-store.js'

interface Browser {
  /** Status and text of the page the callback server showed. */
  page?: { status: number; text: string }
  /** Where the authorize endpoint sent the browser. */
  redirect?: URL
}

/** Runs login; plays the browser as soon as the address is printed, unless `browse` is false. */
async function login(t: Test, fake: FakeOidc, dir: string, extra: string[] = [], browse = true, env: Record<string, string> = {}) {
  let stdout = ''
  let stderr = ''
  const browser: Browser = {}
  let visiting: Promise<void> | undefined
  const visit = async (address: string) => {
    const authorize = await fetch(address, { redirect: 'manual' })
    const location = authorize.headers.get('location')
    if (location === null) {
      browser.page = { status: authorize.status, text: await authorize.text() }
      return
    }
    browser.redirect = new URL(location)
    // The redirect URI says localhost; the tests talk to 127.0.0.1 only.
    const back = new URL(location)
    back.hostname = '127.0.0.1'
    const page = await fetch(back)
    browser.page = { status: page.status, text: await page.text() }
  }
  const code = await main({
    argv: ['login', '--auth-url', fake.origin, '--state-dir', dir, '--callback-port', '0', ...extra],
    env: { HUBSTAFF_GATEWAY_CLIENT_ID: fake.clientId, HUBSTAFF_GATEWAY_CLIENT_SECRET: fake.clientSecret, ...env },
    stdout: (text) => (stdout += text),
    stderr: (text) => {
      stderr += text
      const address = /^\s+(http:\/\/127\.0\.0\.1:\d+\/authorizations\/new\?\S+)$/m.exec(text)?.[1]
      if (browse && address !== undefined) visiting = visit(address)
    },
  })
  await visiting
  t.notOk(stdout.includes(fake.clientSecret) || stderr.includes(fake.clientSecret), 'the client secret is never printed')
  for (const token of [...fake.issuedRefreshTokens, ...fake.issuedAccessTokens]) t.notOk(stdout.includes(token) || stderr.includes(token), 'no token is printed')
  return { code, stdout, stderr, browser }
}

/** A login that must fail: exit code 1, `says` on stderr, and no token file in the state dir. */
async function failedLogin(t: Test, fake: FakeOidc, says: RegExp, options: { name?: string; extra?: string[]; browse?: boolean } = {}) {
  const name = options.name ?? 'state'
  const dir = join(t.testdir(), name)
  const result = await login(t, fake, dir, options.extra, options.browse)
  t.equal(result.code, 1, `${name}: exit code 1`)
  t.match(result.stderr, says, `${name}: says why`)
  t.notOk(existsSync(join(dir, 'tokens.json')), `${name}: nothing stored`)
  return result
}

async function fakeOidc(t: Test): Promise<FakeOidc> {
  const fake = await startFakeOidc()
  t.teardown(() => fake.close())
  return fake
}

void t.test('a completed login stores the refresh token where serve finds it', async (t) => {
  const fake = await fakeOidc(t)
  const dir = join(t.testdir(), 'state')
  const result = await login(t, fake, dir)
  t.equal(result.code, 0, 'exit code 0')
  t.match(result.stdout, /^Logged in as Ada Lovelace <ada@example\.test> \(subject 4242\)/)
  t.match(result.browser.page, { status: 200, text: /Logged in/ }, 'the browser is told it worked')

  const sent = fake.authorizeRequests[0]
  t.equal(sent?.get('code_challenge_method'), 'S256', 'PKCE S256')
  t.ok((sent?.get('state') ?? '').length >= 20, 'a random state')
  t.ok((sent?.get('nonce') ?? '').length >= 20, 'a random nonce')
  t.equal(sent?.get('scope'), 'openid hubstaff:read hubstaff:write')
  t.match(sent?.get('redirect_uri'), /^http:\/\/localhost:\d+\/callback$/)
  t.match(fake.tokenRequests, [{ grant: 'authorization_code', clientAuth: 'basic', ok: true }], 'the code was exchanged once, with the verifier')

  const stored = await new FileTokenStore({ stateDir: dir }).read()
  t.equal(stored?.refreshToken, fake.issuedRefreshTokens[0], 'the refresh token is in the store')
  t.equal(statSync(join(dir, 'tokens.json')).mode & 0o777, 0o600, 'tokens.json is 0600')
  t.equal(statSync(dir).mode & 0o777, 0o700, 'the state dir is 0700')

  // A configured personal access token does not win over the login at the next start.
  const again = await login(t, fake, dir, ['--json'], true, { HUBSTAFF_REFRESH_TOKEN: 'old-personal-access-token' })
  t.equal(again.code, 0)
  t.match(JSON.parse(again.stdout), { subject: '4242', email: 'ada@example.test', scopes: ['openid', 'hubstaff:read', 'hubstaff:write'] })
  const token = await main({ argv: ['token', '--json', '--state-dir', dir], env: { HUBSTAFF_REFRESH_TOKEN: 'old-personal-access-token' }, stdout: (s) => (tokenOut += s), stderr: () => undefined })
  t.equal(token, 0)
  t.match(JSON.parse(tokenOut), { state: 'ok', subject: '4242' }, 'token shows the login, not the old seed')
})
let tokenOut = ''

void t.test('a forged state is refused and nothing is stored', async (t) => {
  const fake = await fakeOidc(t)
  fake.forgeState = 'state-of-another-login'
  const result = await failedLogin(t, fake, /\nhubstaff-gateway: the answer to the browser does not carry the state of this login[^\n]*nothing was stored[^\n]*\n$/)
  t.match(result.browser.page, { status: 400, text: /Login failed/ })
  t.equal(fake.tokenRequests.length, 0, 'the code is never exchanged')
})

void t.test('an ID token with the wrong nonce, or signed by an unknown key, is refused', async (t) => {
  for (const knob of ['nonce', 'key'] as const) {
    const fake = await fakeOidc(t)
    if (knob === 'nonce') fake.forgeNonce = 'nonce-of-another-login'
    else fake.signWithUnknownKey = true
    const result = await failedLogin(t, fake, /\nhubstaff-gateway: the code exchange or the ID token check failed \([^\n]+\); nothing was stored, run login again\n$/, { name: `state-${knob}` })
    t.match(result.stderr, knob === 'nonce' ? /nonce/ : /signature verification failed/, `${knob}: names what failed`)
  }
})

void t.test('denied consent says so and stores nothing', async (t) => {
  const fake = await fakeOidc(t)
  fake.consent = 'deny'
  const result = await failedLogin(t, fake, /hubstaff-gateway: Hubstaff did not grant access \(access_denied: [^)]*\); nothing was stored, run login again and allow access\n$/)
  t.equal(result.browser.redirect?.searchParams.get('error'), 'access_denied')
})

void t.test('no answer from the browser times out, and the callback port is free again', async (t) => {
  const fake = await fakeOidc(t)
  const result = await failedLogin(t, fake, /hubstaff-gateway: no answer from the browser within 1 s; nothing was stored/, { extra: ['--timeout', '1'], browse: false })
  const port = /localhost:(\d+)\/callback/.exec(result.stderr)?.[1]
  t.ok(port !== undefined, 'the redirect URI was printed')
  await t.rejects(fetch(`http://127.0.0.1:${port}/callback`), 'the callback server is closed')
})

void t.test('without client id and secret, or with a plain-http remote issuer, it is a usage error', async (t) => {
  let stderr = ''
  const io = { stdout: () => undefined, stderr: (s: string) => (stderr += s) }
  t.equal(await main({ argv: ['login'], env: {}, ...io }), 2)
  t.match(stderr, /^hubstaff-gateway: login needs the client id and secret of your Hubstaff app: set HUBSTAFF_GATEWAY_CLIENT_ID/)
  stderr = ''
  const env = { HUBSTAFF_GATEWAY_CLIENT_ID: 'id', HUBSTAFF_GATEWAY_CLIENT_SECRET: 'secret-value' }
  t.equal(await main({ argv: ['login', '--auth-url', 'http://account.example.test'], env, ...io }), 2)
  t.match(stderr, /expected https \(plain http only on localhost\)/)
  t.notOk(stderr.includes('secret-value'))
  await until(() => true)
})
