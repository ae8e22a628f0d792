// A fake OpenID Connect provider in the shape of account.hubstaff.com, with real RS256 signing:
// discovery, JWKS, an authorize endpoint that "consents" at once by redirecting to the callback
// with code and state, and a token endpoint that checks the client, the redirect URI and the PKCE
// verifier and issues an ID token carrying the nonce. Knobs play the unhappy paths.
import { createHash, createSign, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeOidcOptions {
  readonly clientId?: string
  readonly clientSecret?: string
  readonly subject?: string
}

export interface FakeOidc {
  readonly origin: string
  readonly clientId: string
  readonly clientSecret: string
  /** 'approve' redirects with a code; 'deny' with error=access_denied. */
  consent: 'approve' | 'deny'
  /** Sends back this state instead of the one received (a forged or stale redirect). */
  forgeState: string | undefined
  /** Puts this nonce in the ID token instead of the one received. */
  forgeNonce: string | undefined
  /** Signs ID tokens with a key that is not in the JWKS. */
  signWithUnknownKey: boolean
  /** Every authorize request's query, as received. */
  readonly authorizeRequests: URLSearchParams[]
  readonly tokenRequests: { grant: string | null; clientAuth: 'basic' | 'post' | 'none'; ok: boolean; error?: string }[]
  readonly issuedRefreshTokens: string[]
  readonly issuedAccessTokens: string[]
  close(): Promise<void>
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

function sign(claims: Record<string, unknown>, key: KeyObject, kid: string): string {
  const input = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64(claims)}`
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers })
  res.end(JSON.stringify(body))
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export async function startFakeOidc(options: FakeOidcOptions = {}): Promise<FakeOidc> {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const rogue = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const kid = randomUUID()
  const codes = new Map<string, { redirectUri: string; challenge: string; nonce: string; scope: string }>()
  const subject = options.subject ?? '4242'

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => send(res, 500, { error: 'server_error', error_description: String(err) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const fake: FakeOidc = {
    origin,
    clientId: options.clientId ?? 'fake-client-id',
    clientSecret: options.clientSecret ?? 'fake-client-secret-0123456789',
    consent: 'approve',
    forgeState: undefined,
    forgeNonce: undefined,
    signWithUnknownKey: false,
    authorizeRequests: [],
    tokenRequests: [],
    issuedRefreshTokens: [],
    issuedAccessTokens: [],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }

  function authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams
    fake.authorizeRequests.push(q)
    const redirectUri = q.get('redirect_uri') ?? ''
    const missing = ['client_id', 'redirect_uri', 'response_type', 'state', 'nonce', 'code_challenge', 'code_challenge_method'].filter((p) => !q.get(p))
    if (missing.length > 0 || q.get('client_id') !== fake.clientId || q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256') {
      // Like Doorkeeper: a bad request is shown to the user, not redirected.
      send(res, 400, { error: 'invalid_request', error_description: `missing or wrong: ${missing.join(', ') || 'client_id, response_type or code_challenge_method'}` })
      return
    }
    const back = new URL(redirectUri)
    back.searchParams.set('state', fake.forgeState ?? q.get('state') ?? '')
    if (fake.consent === 'deny') {
      back.searchParams.set('error', 'access_denied')
      back.searchParams.set('error_description', 'The resource owner or authorization server denied the request.')
    } else {
      const code = randomBytes(16).toString('base64url')
      codes.set(code, { redirectUri, challenge: q.get('code_challenge') ?? '', nonce: q.get('nonce') ?? '', scope: q.get('scope') ?? 'openid' })
      back.searchParams.set('code', code)
    }
    res.writeHead(302, { location: back.href }).end()
  }

  function clientOf(req: IncomingMessage, form: URLSearchParams): { auth: 'basic' | 'post' | 'none'; ok: boolean } {
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
    if (basic !== undefined) {
      const [id = '', secret = ''] = Buffer.from(basic, 'base64').toString('utf8').split(':').map((p) => decodeURIComponent(p))
      return { auth: 'basic', ok: id === fake.clientId && secret === fake.clientSecret }
    }
    if (form.has('client_secret')) return { auth: 'post', ok: form.get('client_id') === fake.clientId && form.get('client_secret') === fake.clientSecret }
    return { auth: 'none', ok: false }
  }

  function issue(res: ServerResponse, scope: string, nonce: string | undefined): void {
    const now = Math.floor(Date.now() / 1000)
    const accessToken = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ iss: origin, sub: subject, iat: now, exp: now + 7200, scope })}.${randomBytes(32).toString('base64url')}`
    const refreshToken = randomBytes(32).toString('base64url')
    fake.issuedAccessTokens.push(accessToken)
    fake.issuedRefreshTokens.push(refreshToken)
    const body: Record<string, unknown> = { access_token: accessToken, refresh_token: refreshToken, token_type: 'Bearer', expires_in: 7200, scope }
    if (nonce !== undefined) {
      const claims = { iss: origin, sub: subject, aud: fake.clientId, iat: now, exp: now + 600, nonce: fake.forgeNonce ?? nonce, name: 'Ada Lovelace', email: 'ada@example.test' }
      body.id_token = sign(claims, fake.signWithUnknownKey ? rogue.privateKey : keys.privateKey, kid)
    }
    send(res, 200, body)
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req))
    const grant = form.get('grant_type')
    const client = clientOf(req, form)
    const fail = (status: number, error: string) => {
      fake.tokenRequests.push({ grant, clientAuth: client.auth, ok: false, error })
      send(res, status, { error })
    }
    if (!client.ok) return fail(401, 'invalid_client')
    if (grant === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '')
      codes.delete(form.get('code') ?? '') // a code works once
      if (code === undefined || code.redirectUri !== form.get('redirect_uri')) return fail(400, 'invalid_grant')
      const verifier = form.get('code_verifier') ?? ''
      if (createHash('sha256').update(verifier).digest('base64url') !== code.challenge) return fail(400, 'invalid_grant')
      fake.tokenRequests.push({ grant, clientAuth: client.auth, ok: true })
      return issue(res, code.scope, code.nonce)
    }
    if (grant === 'refresh_token') {
      const presented = form.get('refresh_token') ?? ''
      const index = fake.issuedRefreshTokens.indexOf(presented)
      if (index === -1 || index !== fake.issuedRefreshTokens.length - 1) return fail(400, 'invalid_grant')
      fake.tokenRequests.push({ grant, clientAuth: client.auth, ok: true })
      return issue(res, 'openid hubstaff:read hubstaff:write', undefined)
    }
    return fail(400, 'unsupported_grant_type')
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin)
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return send(res, 200, {
        issuer: origin,
        authorization_endpoint: `${origin}/authorizations/new`,
        token_endpoint: `${origin}/access_tokens`,
        jwks_uri: `${origin}/jwks.json`,
        userinfo_endpoint: `${origin}/user_info`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'profile', 'email', 'hubstaff:read', 'hubstaff:write'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        code_challenge_methods_supported: ['S256'],
        claims_supported: ['sub', 'iss', 'name', 'email'],
      })
    }
    if (req.method === 'GET' && url.pathname === '/jwks.json') {
      return send(res, 200, { keys: [{ ...keys.publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] })
    }
    if (req.method === 'GET' && url.pathname === '/authorizations/new') return authorize(url, res)
    if (req.method === 'POST' && url.pathname === '/access_tokens') return token(req, res)
    send(res, 404, { error: 'not_found' })
  }

  return fake
}
