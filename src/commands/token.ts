import { chooseRefreshToken } from '../token/manager.js'
import type { StoredTokens } from '../token/store.js'
import { JSON_OPTION, printJson, relative, settingsOf, table, tokenFacts } from './support.js'
import type { Command } from './types.js'

/**
 * - `none`: no refresh token anywhere (store empty, no --refresh-token / HUBSTAFF_REFRESH_TOKEN);
 * - `seeded`: a personal access token is configured that the store has not exchanged yet;
 * - `ok`: the store holds an access token that is still valid;
 * - `expired`: the store's access token has expired (the next request or `doctor` exchanges the refresh token).
 */
export type TokenCommandState = 'none' | 'seeded' | 'ok' | 'expired'

export interface TokenReport {
  readonly state: TokenCommandState
  readonly store: string
  readonly expiresAt: string | null
  readonly refreshedAt: string | null
  readonly scopes: string[]
  readonly subject: string | null
  readonly issuer: string | null
}

export function tokenReport(stored: StoredTokens | undefined, seed: string | undefined, location: string, now: number): TokenReport {
  const choice = chooseRefreshToken(stored, seed)
  const fromStore = stored !== undefined && choice?.token === stored.refreshToken
  const held = fromStore ? stored : undefined
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString())
  const state: TokenCommandState =
    choice === undefined ? 'none' : !fromStore ? 'seeded' : held?.accessToken !== undefined && (held.expiresAt ?? 0) > now ? 'ok' : 'expired'
  return { state, store: location, expiresAt: iso(held?.expiresAt), refreshedAt: iso(held?.refreshedAt), ...tokenFacts(held?.accessToken) }
}

const SAY: Record<TokenCommandState, string> = {
  none: 'no refresh token known: run `hubstaff-gateway login`, or set HUBSTAFF_REFRESH_TOKEN to a personal access token',
  seeded: 'a personal access token is configured and not exchanged yet (the first request, or `hubstaff-gateway doctor`, exchanges it)',
  ok: 'access token valid',
  expired: 'access token expired; the next request (or `hubstaff-gateway doctor`) exchanges the stored refresh token',
}

export const tokenCommand: Command = {
  name: 'token',
  summary: 'show the token status (never the token)',
  usage: '[--json]',
  description:
    'Reads the token store that serve uses (the state dir, or Redis with --redis) and shows whether a refresh token is known, ' +
    'when the access token expires, when it was last refreshed, and its scopes and subject from the JWT claims. ' +
    'It never prints a token and never exchanges one (doctor does). Exit code 1 when no refresh token is known.',
  options: [JSON_OPTION],
  settings: ['stateDir', 'redis', 'refreshToken'],
  examples: ['hubstaff-gateway token', 'hubstaff-gateway token --json | jq -r .expiresAt'],
  async run(context) {
    const config = settingsOf(context)
    const { readStoredTokens } = await import('./token-access.js')
    const { stored, location } = await readStoredTokens(config)
    const now = Date.now()
    const report = tokenReport(stored, config.refreshToken, location, now)
    if (context.cli.options.json === true) printJson(context.io, report)
    else {
      const when = (iso: string | null) => (iso === null ? '-' : `${iso} (${relative(Date.parse(iso), now)})`)
      context.io.stdout(
        `token: ${report.state} - ${SAY[report.state]}\n` +
          table([
            ['store', report.store],
            ['expiresAt', when(report.expiresAt)],
            ['refreshedAt', when(report.refreshedAt)],
            ['scopes', report.scopes.length === 0 ? '-' : report.scopes.join(' ')],
            ['subject', report.subject ?? '-'],
          ]),
      )
    }
    return report.state === 'none' ? 1 : 0
  },
}
