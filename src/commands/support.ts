import { loadConfig } from '../config/load.js'
import type { Config } from '../config/settings.js'
import { jwtClaims } from '../token/jwt.js'
import type { CliIo, CommandContext, CommandOption } from './types.js'

/** `--json`, shared by every command whose output a script would parse. */
export const JSON_OPTION: CommandOption = { name: 'json', type: 'boolean', description: 'print one JSON document on stdout instead of text' }

/** The settings as `serve` would resolve them (flags, environment, config file, defaults). */
export function settingsOf(context: CommandContext): Config {
  return loadConfig(context.cli, context.io.env).config
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(JSON.stringify(value, null, 2) + '\n')
}

/** What may be shown of an access token: its claims, never the token. */
export interface TokenFacts {
  readonly subject: string | null
  readonly scopes: string[]
  readonly issuer: string | null
}

export function tokenFacts(accessToken: string | undefined): TokenFacts {
  const claims = accessToken === undefined ? undefined : jwtClaims(accessToken)
  const scope = claims?.scope ?? claims?.scopes ?? claims?.scp
  const scopes = typeof scope === 'string' ? scope.split(/\s+/).filter((s) => s !== '') : Array.isArray(scope) ? scope.filter((s): s is string => typeof s === 'string') : []
  const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null)
  return { subject: text(claims?.sub), scopes, issuer: text(claims?.iss) }
}

/** "in 52 min", "3 h ago": how far `atMs` is from `nowMs`, for people. */
export function relative(atMs: number, nowMs: number): string {
  const diff = atMs - nowMs
  const abs = Math.abs(diff)
  const span =
    abs < 90_000 ? `${Math.round(abs / 1000)} s` : abs < 90 * 60_000 ? `${Math.round(abs / 60_000)} min` : abs < 48 * 3_600_000 ? `${Math.round(abs / 3_600_000)} h` : `${Math.round(abs / 86_400_000)} days`
  return diff >= 0 ? `in ${span}` : `${span} ago`
}

/** Lines of `label: value`, aligned, as the text output of status-like commands. */
export function table(rows: readonly (readonly [string, string])[], indent = 2): string {
  const width = Math.max(...rows.map(([k]) => k.length)) + 1
  return rows.map(([k, v]) => `${' '.repeat(indent)}${`${k}:`.padEnd(width)} ${v}`).join('\n') + '\n'
}
