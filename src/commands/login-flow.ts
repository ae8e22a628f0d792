import { spawn } from 'node:child_process'
import * as oidc from 'openid-client'
import { ConfigError } from '../errors.js'
import { seedHash, type StoredTokens } from '../token/store.js'
import { startCallbackServer, type Callback } from './login-callback.js'
import { DEFAULT_CALLBACK_PORT, DEFAULT_SCOPE } from './login-scope.js'
import { printJson, relative, settingsOf, tokenFacts } from './support.js'
import { openTokenStore } from './token-access.js'
import type { CommandContext } from './types.js'

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

function wholeNumber(value: string | boolean | undefined, flag: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN
  if (!(n >= min && n <= max)) throw new ConfigError(`invalid --${flag} ${JSON.stringify(value)}: expected a whole number from ${min} to ${max}`)
  return n
}

/** Best effort: the URL is printed anyway, so a machine without a browser loses nothing. */
function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]]
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true })
    child.on('error', () => undefined)
    child.unref()
  } catch {
    // the printed address is the way in
  }
}

/** One line, without the parameters of a URL (they may carry a code). */
function reason(err: unknown): string {
  const e = err as { message?: string; error?: string; error_description?: string; cause?: { error?: string; error_description?: string } }
  const oauth = e.error ?? e.cause?.error
  const description = e.error_description ?? e.cause?.error_description
  // openid-client wraps the precise reason (e.g. 'unexpected JWT "nonce" (nonce) claim value') as the cause.
  const inner = (err as { cause?: unknown }).cause
  const detail = inner instanceof Error && inner.message !== e.message ? `: ${inner.message}` : ''
  const text = oauth === undefined ? `${e.message ?? String(err)}${detail}` : `${oauth}${description === undefined ? '' : `: ${description}`}`
  return text.replace(/\?\S*/g, '')
}

export async function runLogin({ cli, io }: CommandContext): Promise<number> {
  const config = settingsOf({ cli, io, version: '' })
  if (config.clientId === undefined || config.clientSecret === undefined) {
    throw new ConfigError(
      `login needs the client id and secret of your Hubstaff app: set HUBSTAFF_GATEWAY_CLIENT_ID and HUBSTAFF_GATEWAY_CLIENT_SECRET (or --client-id, --client-secret); create the app at https://developer.hubstaff.com with the redirect URI http://localhost:${DEFAULT_CALLBACK_PORT}/callback`,
    )
  }
  const port = wholeNumber(cli.options['callback-port'], 'callback-port', 0, 65535, DEFAULT_CALLBACK_PORT)
  const timeoutMs = wholeNumber(cli.options.timeout, 'timeout', 1, 3600, 300) * 1000
  const scopeOption = cli.options.scope
  const scope = typeof scopeOption === 'string' ? scopeOption.trim() : DEFAULT_SCOPE
  if (!scope.split(/\s+/).includes('openid')) throw new ConfigError(`invalid --scope ${JSON.stringify(scope)}: it must include openid (the ID token proves who signed in)`)
  const issuer = new URL(config.authUrl)
  // Plain http only for a loopback issuer (a local test server); Hubstaff's own is https.
  const insecure = issuer.protocol === 'http:'
  if (insecure && !LOOPBACK.has(issuer.hostname)) throw new ConfigError(`invalid --auth-url ${JSON.stringify(config.authUrl)} for login: expected https (plain http only on localhost)`)

  const server = await startCallbackServer(port)
  let callback: Callback | undefined
  try {
    let discovered: oidc.Configuration
    try {
      discovered = await oidc.discovery(issuer, config.clientId, undefined, oidc.ClientSecretBasic(config.clientSecret), {
        execute: [oidc.enableNonRepudiationChecks, ...(insecure ? [oidc.allowInsecureRequests] : [])],
        timeout: 30,
      })
    } catch (err) {
      throw new Error(`cannot read ${config.authUrl}/.well-known/openid-configuration: ${reason(err)}`)
    }
    const verifier = oidc.randomPKCECodeVerifier()
    const state = oidc.randomState()
    const nonce = oidc.randomNonce()
    const address = oidc.buildAuthorizationUrl(discovered, {
      redirect_uri: server.redirectUri,
      scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    })
    io.stderr(
      `Open this address in a browser and allow access:\n\n  ${address.href}\n\n` +
        `Waiting for the browser to come back to ${server.redirectUri} (register it as a redirect URI of your app); ` +
        `giving up in ${Math.round(timeoutMs / 1000)} s.\n`,
    )
    if (cli.options.open === true) openBrowser(address.href)

    callback = await server.next(timeoutMs)
    const params = callback.url.searchParams
    if (params.get('state') !== state) {
      throw new Error('the answer to the browser does not carry the state of this login (a stale or forged redirect); nothing was stored, run login again')
    }
    const denied = params.get('error')
    if (denied !== null) {
      const description = params.get('error_description')
      throw new Error(
        `Hubstaff did not grant access (${denied}${description === null ? '' : `: ${description}`}); nothing was stored` +
          (denied === 'access_denied' ? ', run login again and allow access' : ''),
      )
    }
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>
    try {
      tokens = await oidc.authorizationCodeGrant(discovered, callback.url, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      })
    } catch (err) {
      throw new Error(`the code exchange or the ID token check failed (${reason(err)}); nothing was stored, run login again`)
    }
    const claims = tokens.claims()
    if (claims === undefined) throw new Error('Hubstaff answered without an ID token; nothing was stored')
    if (tokens.refresh_token === undefined || tokens.refresh_token === '') throw new Error('Hubstaff issued no refresh token; nothing was stored')
    const now = Date.now()
    const expiresIn = tokens.expiresIn()
    const record: Omit<StoredTokens, 'seeds'> = {
      refreshToken: tokens.refresh_token,
      accessToken: tokens.access_token,
      expiresAt: now + (expiresIn ?? 3600) * 1000,
      refreshedAt: now,
    }
    const { store, close } = openTokenStore(config)
    try {
      await store.withLock(async () => {
        let previous: StoredTokens | undefined
        try {
          previous = await store.read()
        } catch {
          await store.quarantine()
        }
        // A configured personal access token would otherwise win over the login at the next
        // start (a seed the store has never seen is taken as new): mark it as seen.
        const seeds = [...new Set([...(previous?.seeds ?? []), ...(config.refreshToken === undefined ? [] : [seedHash(config.refreshToken)])])].slice(-20)
        await store.write({ ...record, seeds })
      })
    } finally {
      await close()
    }
    const facts = tokenFacts(tokens.access_token)
    const who = [typeof claims.name === 'string' ? claims.name : undefined, typeof claims.email === 'string' ? `<${claims.email}>` : undefined].filter(Boolean).join(' ')
    callback.respond(true, `Signed in${who === '' ? '' : ` as ${who}`}. hubstaff-gateway stored the refresh token; you can go back to the terminal.`)
    callback = undefined
    const result = {
      subject: claims.sub,
      name: typeof claims.name === 'string' ? claims.name : null,
      email: typeof claims.email === 'string' ? claims.email : null,
      store: store.location,
      expiresAt: new Date(record.expiresAt ?? now).toISOString(),
      scopes: facts.scopes.length > 0 ? facts.scopes : (tokens.scope ?? scope).split(/\s+/),
    }
    if (cli.options.json === true) printJson(io, result)
    else {
      io.stdout(
        `Logged in${who === '' ? '' : ` as ${who}`} (subject ${result.subject}).\n` +
          `Refresh token stored in ${result.store}; serve uses it from its next start (or next refresh).\n` +
          `Access token valid until ${result.expiresAt} (${relative(Date.parse(result.expiresAt), now)}); scopes ${result.scopes.join(' ')}.\n` +
          'Keep HUBSTAFF_GATEWAY_CLIENT_ID and HUBSTAFF_GATEWAY_CLIENT_SECRET set for serve: refreshing this token needs them.\n',
      )
    }
    return 0
  } catch (err) {
    callback?.respond(false, err instanceof Error ? err.message : String(err))
    throw err
  } finally {
    await server.close()
  }
}
