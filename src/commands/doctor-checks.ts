import { randomUUID } from 'node:crypto'
import { constants } from 'node:fs'
import { access, readdir, stat } from 'node:fs/promises'
import { connect, isIP } from 'node:net'
import { join } from 'node:path'
import { ANONYMOUS } from '../apps.js'
import type { Source } from '../config/load.js'
import type { Config, Mode, SettingKey } from '../config/settings.js'
import { isGatewayError } from '../errors.js'
import { Gateway } from '../gateway.js'
import { createRedisClient, whenReady } from '../redis-client.js'
import { chooseRefreshToken } from '../token/manager.js'
import type { StoredTokens } from '../token/store.js'
import { relative, tokenFacts } from './support.js'
import { openTokenStore, quietLogger } from './token-access.js'

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip'

export interface Check {
  readonly name: string
  readonly status: CheckStatus
  readonly message: string
  /** What to do about a warn or fail, as a command to run where there is one. */
  readonly fix?: string
  readonly details?: Record<string, unknown>
}

const check = (name: string, status: CheckStatus, message: string, fix?: string, details?: Record<string, unknown>): Check => ({
  name,
  status,
  message,
  ...(fix === undefined ? {} : { fix }),
  ...(details === undefined ? {} : { details }),
})

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  return host === '::1'
}

/** Settings that are valid but risky: exposure without keys, a token on the command line. */
export function configChecks(config: Config, sources: Readonly<Record<SettingKey, Source>>, mode: Mode): Check[] {
  const checks: Check[] = []
  const why = config.mode !== undefined ? '' : mode === 'mock' ? ': no refresh token is known' : ': a refresh token is known'
  const summary = `settings valid (serve runs in ${mode} mode${why}; upstream ${config.upstream}, budget ${config.budget} per ${config.budgetWindow} s)`
  checks.push(check('config', 'ok', summary))
  if (!isLoopback(config.host) && config.apps.length === 0) {
    checks.push(
      check(
        'exposure',
        'warn',
        `--host ${config.host} serves the network and no app keys are configured: anyone who reaches it spends your budget with your token`,
        'configure "apps" (hubstaff-gateway key new <app>) or listen on --host 127.0.0.1',
      ),
    )
  }
  if (sources.refreshToken === 'flag') {
    checks.push(
      check('token source', 'warn', '--refresh-token on the command line is visible to every user of this machine (ps)', 'set HUBSTAFF_REFRESH_TOKEN instead, or run hubstaff-gateway login'),
    )
  }
  return checks
}

/** The state dir is 0700 and every file holding a secret 0600, owned by this user. */
export async function stateDirChecks(config: Config): Promise<Check[]> {
  const dir = config.stateDir
  let info
  try {
    info = await stat(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return [check('state dir', 'ok', `${dir} does not exist yet; serve creates it (mode 0700) on first start`, undefined, { missing: true })]
    }
    return [check('state dir', 'fail', `cannot read ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, `check the path given with --state-dir`)]
  }
  if (!info.isDirectory()) return [check('state dir', 'fail', `${dir} is not a directory`, 'choose a directory with --state-dir')]
  const checks: Check[] = []
  const uid = process.getuid?.()
  if ((info.mode & 0o077) !== 0) {
    checks.push(check('state dir', 'fail', `${dir} is open to other users (mode ${octal(info.mode)}); it holds the token store`, `chmod 700 ${dir}`, { mode: octal(info.mode) }))
  } else {
    try {
      await access(dir, constants.W_OK | constants.X_OK)
      checks.push(check('state dir', 'ok', `${dir} exists, mode ${octal(info.mode)}`, undefined, { mode: octal(info.mode) }))
    } catch {
      checks.push(check('state dir', 'fail', `${dir} is not writable by this user`, uid === undefined ? `make ${dir} writable` : `chown ${uid} ${dir} && chmod 700 ${dir}`))
    }
  }
  // The token store and what was moved aside from it hold refresh tokens.
  const secrets = (await readdir(dir).catch(() => [] as string[])).filter((name) => /^tokens\.json(\.corrupt-\d+)?$/.test(name))
  for (const name of secrets.sort()) {
    const path = join(dir, name)
    const file = await stat(path).catch(() => undefined)
    if (file === undefined) continue
    if ((file.mode & 0o077) !== 0) {
      checks.push(check('secret file', 'fail', `${path} holds a refresh token and is readable by others (mode ${octal(file.mode)})`, `chmod 600 ${path}`, { path, mode: octal(file.mode) }))
    } else if (uid !== undefined && file.uid !== uid) {
      checks.push(check('secret file', 'warn', `${path} belongs to another user (uid ${file.uid})`, `chown ${uid} ${path}`, { path }))
    } else {
      checks.push(check('secret file', 'ok', `${path} mode ${octal(file.mode)}`, undefined, { path, mode: octal(file.mode) }))
    }
  }
  return checks
}

export async function redisCheck(config: Config): Promise<Check> {
  if (config.redis === undefined) return check('redis', 'skip', 'no --redis configured (budget, token and cache live in the state dir)')
  const shown = config.redis.replace(/\/\/[^@/]*@/, '//***@')
  const client = createRedisClient(config.redis)
  try {
    const started = Date.now()
    const ready = await whenReady(client, 3000)
    if (!ready) throw new Error('no connection within 3 s')
    const pong = await client.ping()
    return check('redis', 'ok', `${shown} answered ${pong} in ${Date.now() - started} ms`)
  } catch (err) {
    return check('redis', 'fail', `${shown} is not reachable: ${(err as Error).message}`, 'start Redis, or fix --redis (redis://[user:password@]host:port/db)')
  } finally {
    client.disconnect()
  }
}

const LOGIN_FIX = 'run `hubstaff-gateway login`, or set HUBSTAFF_REFRESH_TOKEN to a new personal access token (https://developer.hubstaff.com/personal_access_tokens)'

/** What the token store holds (or why it cannot be read), and the mode serve would start in. */
export async function plannedMode(config: Config): Promise<{ mode: Mode; stored: StoredTokens | undefined; unreadable?: Error; location: string }> {
  const { store, close } = openTokenStore(config)
  try {
    const stored = await store.read()
    const known = chooseRefreshToken(stored, config.refreshToken) !== undefined
    return { mode: config.mode ?? (known ? 'live' : 'mock'), stored, location: store.location }
  } catch (err) {
    // serve moves an unreadable store aside and starts from the configured token, if any.
    return { mode: config.mode ?? (config.refreshToken === undefined ? 'mock' : 'live'), stored: undefined, unreadable: err as Error, location: store.location }
  } finally {
    await close()
  }
}

/** Whether serve in `mode` with these settings calls Hubstaff (and so needs a token). */
function needsToken(config: Config, mode: Mode): boolean {
  return mode === 'live' || mode === 'record' || (mode === 'replay' && config.fallback === 'record-missing')
}

/**
 * The token and the upstream, through an in-process gateway in live mode, exactly as serve would
 * use them: the exchange goes through the TokenManager (lock, re-read, rotation persisted) and the
 * request through the pipeline, so it is charged to the budget ledger like any other.
 */
export async function tokenAndUpstreamChecks(config: Config, timeoutMs: number, planned: Awaited<ReturnType<typeof plannedMode>>): Promise<Check[]> {
  const { stored, mode } = planned
  if (planned.unreadable !== undefined) {
    return [
      check('token', 'fail', planned.unreadable.message, `move ${planned.location} away and ${LOGIN_FIX}`),
      check('upstream', 'skip', 'needs a token'),
    ]
  }
  if (chooseRefreshToken(stored, config.refreshToken) === undefined) {
    if (!needsToken(config, mode)) {
      // The documented set-up without a token: the mock answers /v2 and nothing reaches Hubstaff.
      return [
        check('token', 'ok', `none known; serve runs in ${mode} mode, which needs none (for live mode: hubstaff-gateway login, or set HUBSTAFF_REFRESH_TOKEN)`),
        check('upstream', 'skip', `${mode} mode does not call Hubstaff`),
      ]
    }
    return [check('token', 'fail', `no refresh token is known (the store is empty and none is configured), and ${mode} mode needs one`, LOGIN_FIX), check('upstream', 'skip', 'needs a token')]
  }
  const before = stored?.refreshedAt
  let gateway: Gateway
  try {
    gateway = await Gateway.create({ config: { ...config, mode: 'live' }, logger: quietLogger() })
  } catch (err) {
    return [check('token', 'fail', `cannot start the gateway: ${(err as Error).message}`), check('upstream', 'skip', 'needs a token')]
  }
  const checks: Check[] = []
  try {
    let access: string
    try {
      access = await withTimeout(gateway.tokens.accessToken(), timeoutMs, `the token endpoint ${config.authUrl} did not answer within ${timeoutMs / 1000} s`)
    } catch (err) {
      const code = isGatewayError(err) ? err.code : undefined
      const fix = code === 'HSG_AUTH_REFRESH_REJECTED' || code === 'HSG_AUTH_NO_TOKEN' ? LOGIN_FIX : `check the network and --auth-url (${config.authUrl})`
      // The manager's own retry plan means nothing once doctor exits.
      const message = (err as Error).message.replace(/;? retrying in \d+ s\.?$/, '')
      checks.push(check('token', 'fail', message, fix, { code }), check('upstream', 'skip', 'needs a token'))
      return checks
    }
    const status = gateway.tokens.status()
    const facts = tokenFacts(access)
    const now = Date.now()
    const exchanged = status.refreshedAt !== null && Date.parse(status.refreshedAt) !== before
    const expiry = status.expiresAt === null ? 'an unknown time' : `${status.expiresAt} (${relative(Date.parse(status.expiresAt), now)})`
    const details = { expiresAt: status.expiresAt, refreshedAt: status.refreshedAt, exchanged, scopes: facts.scopes, subject: facts.subject }
    const missing = ['hubstaff:read'].filter((s) => facts.scopes.length > 0 && !facts.scopes.includes(s))
    const message = `${exchanged ? 'exchanged now (rotated refresh token stored); ' : ''}valid until ${expiry}; scopes ${facts.scopes.join(' ') || 'unknown'}; subject ${facts.subject ?? 'unknown'}`
    checks.push(
      missing.length > 0
        ? check('token', 'warn', `${message}; missing scope ${missing.join(', ')}`, 'create a token (or an app) with the hubstaff:read scope, then hubstaff-gateway login', details)
        : check('token', 'ok', message, undefined, details),
    )
    checks.push(await upstreamCheck(gateway, config, timeoutMs))
    checks.push(await budgetCheck(gateway))
    return checks
  } finally {
    await gateway.close()
  }
}

/**
 * A TCP connection to the upstream, opened and closed again: when nothing listens there the request
 * is not sent at all, so a refused connection costs no budget.
 */
function reachable(origin: string, timeoutMs: number): Promise<string | undefined> {
  const url = new URL(origin)
  const port = Number(url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : url.port)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = (problem: string | undefined) => {
      socket.destroy()
      resolve(problem)
    }
    socket.setTimeout(timeoutMs, () => done(`no connection within ${timeoutMs / 1000} s`))
    socket.once('connect', () => done(undefined))
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message))
  })
}

async function upstreamCheck(gateway: Gateway, config: Config, timeoutMs: number): Promise<Check> {
  const started = Date.now()
  const unreachable = await reachable(config.upstream, timeoutMs)
  if (unreachable !== undefined) {
    return check('upstream', 'fail', `cannot connect to ${config.upstream} (${unreachable}); nothing was sent, no budget spent`, `check the network, a proxy, and --upstream (${config.upstream})`, { code: unreachable })
  }
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    const answer = await gateway.handle({
      id: `doctor-${randomUUID()}`,
      method: 'GET',
      path: '/v2/users/me',
      query: '',
      // A cached answer would say nothing about Hubstaff now.
      headers: { accept: 'application/json', 'cache-control': 'no-cache' },
      body: undefined,
      signal,
      app: ANONYMOUS,
    })
    const ms = Date.now() - started
    const spent = `${answer.upstreamCalls} request${answer.upstreamCalls === 1 ? '' : 's'} of budget`
    if (answer.status === 200) {
      const user = parseUser(answer.body)
      return check('upstream', 'ok', `GET ${config.upstream}/v2/users/me answered 200 in ${ms} ms${user === undefined ? '' : ` (${user})`}; ${spent}`, undefined, { status: 200, ms })
    }
    const fix =
      answer.status === 401 || answer.status === 403
        ? `the token is not accepted by ${config.upstream}: check --upstream, then ${LOGIN_FIX}`
        : answer.status === 429
          ? 'the hourly budget is spent; wait for the window to roll (see the budget line) or raise --budget if Hubstaff allows it'
          : `Hubstaff answered ${answer.status}; try again later (https://status.hubstaff.com)`
    return check('upstream', answer.status === 429 ? 'warn' : 'fail', `GET ${config.upstream}/v2/users/me answered ${answer.status} in ${ms} ms`, fix, { status: answer.status, ms })
  } catch (err) {
    if (signal.aborted) {
      return check('upstream', 'fail', `GET ${config.upstream}/v2/users/me did not answer within ${timeoutMs / 1000} s (doctor's --timeout)`, `try again, or give it longer with --timeout SECONDS; https://status.hubstaff.com says whether Hubstaff is slow`, { code: 'timeout' })
    }
    const code = isGatewayError(err) ? err.code : undefined
    const fix = code === 'HSG_BUDGET_EXHAUSTED' ? 'the hourly budget is spent; wait for the window to roll' : `check the network, a proxy, and --upstream (${config.upstream})`
    return check('upstream', code === 'HSG_BUDGET_EXHAUSTED' ? 'warn' : 'fail', (err as Error).message, fix, { code })
  }
}

function parseUser(body: Buffer): string | undefined {
  try {
    const user = (JSON.parse(body.toString('utf8')) as { user?: { id?: unknown; name?: unknown } }).user
    if (user === undefined) return undefined
    return `user ${String(user.id)}${typeof user.name === 'string' ? ` ${user.name}` : ''}`
  } catch {
    return undefined
  }
}

async function budgetCheck(gateway: Gateway): Promise<Check> {
  const status = await gateway.budget.status()
  const details = { limit: status.limit, used: status.used, remaining: status.remaining, resetsIn: status.resetsIn }
  const message = `${status.used} of ${status.limit} used in the last ${status.window} s, ${status.remaining} left`
  if (status.remaining < status.limit * 0.1) {
    return check('budget', 'warn', `${message}; resets in ${status.resetsIn} s`, 'wait for the window to roll before large jobs (record, reports)', details)
  }
  return check('budget', 'ok', message, undefined, details)
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
