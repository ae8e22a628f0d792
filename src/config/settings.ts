import type { z } from 'zod'
import { setting } from './setting.js'
import { LIMIT_SETTINGS } from './settings-limits.js'
import { MOCK_SETTINGS } from './settings-mock.js'
import { ConfigError } from '../errors.js'
import { defaultStateDir, defaultStateDirText } from './state-dir.js'
import { appsSchema, bool, cachePolicySchema, httpUrl, json, LOG_LEVELS, MODES, oneOf, redisUrl, seconds, text, wholeNumber } from './values.js'

/**
 * The one configuration schema. Each setting is declared once here: its flag, its environment
 * variable (`HUBSTAFF_GATEWAY_<FLAG>`), its config-file key, its default, what values are allowed
 * (the text start-up errors and `--help` show) and its parser (from `values.ts`). `Config` is
 * derived from it. The blocks of the mock and of the bounds live in settings-mock.ts and
 * settings-limits.ts; the order here is the order of `--help`.
 */

export { FALLBACKS, LOG_LEVELS, MODES, PRIORITIES, type AppConfig, type Fallback, type Mode, type Priority } from './values.js'

const CORE_SETTINGS = {
  mode: setting({
    flag: 'mode',
    schema: oneOf(MODES),
    default: undefined,
    defaultText: 'live when a refresh token is known, else mock',
    allowed: MODES.join(', '),
    description: 'What answers /v2 requests: Hubstaff (live, record), recordings (replay) or the mock.',
  }),
  host: setting({
    flag: 'host',
    schema: text,
    default: '127.0.0.1',
    allowed: 'an IP address or host name to listen on',
    description: 'Listen address. Loopback by default; 0.0.0.0 exposes the gateway to the network (it then needs app keys, an admin key or --allow-exposed to start).',
  }),
  port: setting({
    flag: 'port',
    schema: wholeNumber(0, 65535),
    default: 8787,
    allowed: 'a whole number from 0 to 65535 (0 picks a free port)',
    description: 'Listen port.',
  }),
  upstream: setting({
    flag: 'upstream',
    schema: httpUrl(),
    default: 'https://api.hubstaff.com',
    allowed: 'an http(s) URL',
    description: 'API origin: /v2/... is forwarded to <upstream>/v2/...',
  }),
  authUrl: setting({
    flag: 'auth-url',
    schema: httpUrl(),
    default: 'https://account.hubstaff.com',
    allowed: 'an http(s) URL',
    description: 'Account origin; the token endpoint is <auth-url>/access_tokens.',
  }),
  refreshToken: setting({
    flag: 'refresh-token',
    schema: text.regex(/^[\x21-\x7e]+$/, 'printable characters only'),
    default: undefined,
    defaultText: 'env HUBSTAFF_REFRESH_TOKEN',
    allowed: 'a Hubstaff personal access token (printable characters, no spaces)',
    description: 'Personal access token (a refresh token) that seeds the token store; once the store holds a rotated token, the store wins.',
    extraEnv: ['HUBSTAFF_REFRESH_TOKEN'],
    secret: true,
  }),
  stateDir: setting({
    flag: 'state-dir',
    schema: text,
    default: defaultStateDir(process.env),
    defaultText: defaultStateDirText(),
    envDefault: (env) => defaultStateDir(env),
    path: true,
    allowed: 'a directory path',
    description: "Token store, budget ledger and spec cache (created with mode 0700); by default the user's state folder, whatever the current folder.",
  }),
  recordings: setting({
    flag: 'recordings',
    schema: text,
    default: './recordings',
    path: true,
    allowed: 'a directory path',
    description: 'Where record mode writes and replay mode reads.',
  }),
  budget: setting({
    flag: 'budget',
    schema: wholeNumber(1, 1_000_000),
    default: 1000,
    allowed: 'a whole number from 1 to 1000000',
    description: 'Upstream API requests allowed per window.',
  }),
  budgetWindow: setting({
    flag: 'budget-window',
    schema: wholeNumber(1, 86_400),
    default: 3600,
    allowed: 'a whole number of seconds from 1 to 86400',
    description: 'The rolling budget window, in seconds.',
  }),
  redis: setting({
    flag: 'redis',
    schema: redisUrl(),
    default: undefined,
    defaultText: 'none',
    allowed: 'a redis:// or rediss:// URL',
    description: 'Redis shared by several gateway instances (budget, token lock, cache).',
  }),
  spec: setting({
    flag: 'spec',
    schema: text,
    default: undefined,
    defaultText: 'the bundled spec',
    path: true,
    allowed: 'an OpenAPI/Swagger file path or http(s) URL',
    description: 'API description used by mock mode.',
  }),
  upstreamTimeout: setting({
    flag: 'upstream-timeout',
    schema: seconds(0.05, 600),
    default: 40,
    allowed: 'seconds, from 0.05 to 600',
    description: 'How long an upstream request may take before the app gets 504 (Hubstaff cuts at 30 s).',
  }),
  upstreamConnections: setting({
    flag: 'upstream-connections',
    schema: wholeNumber(1, 1024),
    default: 16,
    allowed: 'a whole number from 1 to 1024',
    description: 'Keep-alive connections kept open to the upstream.',
  }),
  refreshMargin: setting({
    flag: 'refresh-margin',
    schema: seconds(0, 3600),
    default: 120,
    allowed: 'seconds, from 0 to 3600',
    description: 'Refresh the access token this long before it expires.',
  }),
  tokenTimeout: setting({
    flag: 'token-timeout',
    schema: seconds(0.05, 120),
    default: 15,
    allowed: 'seconds, from 0.05 to 120',
    description: 'How long one token exchange may take.',
  }),
  bodyLimit: setting({
    flag: 'body-limit',
    schema: wholeNumber(1024, 100 * 1024 * 1024),
    default: 10 * 1024 * 1024,
    allowed: 'bytes, a whole number from 1024 to 104857600',
    description: 'Largest request body accepted from an app.',
  }),
  shutdownTimeout: setting({
    flag: 'shutdown-timeout',
    schema: seconds(0, 600),
    default: 30,
    allowed: 'seconds, from 0 to 600',
    description: 'On SIGTERM/SIGINT, how long in-flight requests may take to finish.',
  }),
  // ---- budget and team mode ----
  budgetReserve: setting({
    flag: 'budget-reserve',
    schema: wholeNumber(0, 1_000_000),
    default: 0,
    allowed: 'a whole number of requests, from 0 to 1000000 (less than --budget)',
    description: 'Requests of each window kept for interactive apps: batch apps stop this far below the budget.',
  }),
  budgetMaxWait: setting({
    flag: 'budget-max-wait',
    schema: seconds(0, 3600),
    default: 300,
    allowed: 'seconds, from 0 to 3600',
    description: 'The longest `Prefer: wait=N` honoured; longer waits are cut to this.',
  }),
  budgetPause: setting({
    flag: 'budget-pause',
    schema: seconds(1, 3600),
    default: 60,
    allowed: 'seconds, from 1 to 3600',
    description: 'How long all upstream traffic pauses after a Hubstaff 429 that has no usable Retry-After.',
  }),
  budgetMaxPause: setting({
    flag: 'budget-max-pause',
    schema: seconds(1, 86_400),
    default: undefined,
    defaultText: 'one --budget-window',
    allowed: 'seconds, from 1 to 86400',
    description: "The longest pause a Retry-After of Hubstaff (or of its token endpoint) can impose; a longer one is cut to this, and so is one found in the ledger at start-up.",
  }),
  budgetChargeTokenExchanges: setting({
    flag: 'budget-charge-token-exchanges',
    schema: bool(),
    default: false,
    allowed: 'true or false',
    description: 'Also charge token exchanges to the budget (they go to the account host, which Hubstaff does not count).',
  }),
  redisInstances: setting({
    flag: 'redis-instances',
    schema: wholeNumber(1, 1000),
    default: 2,
    allowed: 'a whole number from 1 to 1000',
    description: 'Gateway instances expected to share --redis; while Redis is unreachable each keeps to budget / instances.',
  }),
  apps: setting({
    flag: 'apps',
    schema: json(appsSchema),
    default: [],
    defaultText: 'none (no team mode)',
    allowed: 'a JSON array of {"name", "keySha256", "quota" (0 to 1), "priority" ("interactive" or "batch"), "admin" (true: its key also opens /_gateway/)} with unique names and keys',
    description: 'Team mode: apps that must send X-Gateway-Key; each key is stored only as its SHA-256 (hubstaff-gateway key hash).',
  }),

  // ---- the GET cache ----
  cache: setting({
    flag: 'cache',
    schema: bool(),
    default: true,
    defaultText: 'on',
    allowed: 'on or off (also true, false, yes, no, 1, 0)',
    description: 'Answer repeated GETs from memory: a hit costs no budget (docs/cache.md).',
  }),
  cacheMaxEntries: setting({
    flag: 'cache-max-entries',
    schema: wholeNumber(1, 10_000_000),
    default: 10_000,
    allowed: 'a whole number from 1 to 10000000',
    description: 'Cached answers kept at most; the least recently used go first.',
  }),
  cacheMaxBytes: setting({
    flag: 'cache-max-bytes',
    schema: wholeNumber(65_536, 17_179_869_184),
    default: 67_108_864,
    allowed: 'bytes, a whole number from 65536 to 17179869184',
    description: 'Memory the cache may hold: bodies, keys, headers and about 600 bytes of bookkeeping per answer.',
  }),
  cacheStaleWhileRevalidate: setting({
    flag: 'cache-stale-while-revalidate',
    schema: seconds(0, 86_400),
    default: 60,
    allowed: 'seconds, from 0 to 86400',
    description: 'An answer this far past its freshness is still served while one background request refreshes it.',
  }),
  cacheStaleIfError: setting({
    flag: 'cache-stale-if-error',
    schema: seconds(0, 604_800),
    default: 3600,
    allowed: 'seconds, from 0 to 604800',
    description: 'When Hubstaff fails or the budget is spent, an answer up to this far past its freshness is served instead of the error, marked in Cache-Status.',
  }),
  cachePolicy: setting({
    flag: 'cache-policy',
    schema: json(cachePolicySchema),
    default: {},
    defaultText: 'none (the built-in table, docs/cache.md)',
    allowed: 'a JSON object of route pattern (e.g. "/v2/projects/*/tasks") to seconds up to 2592000 (0: never cached), or to {"ttl", "settledTtl", "range"} for date-ranged routes',
    description: 'Freshness per route on top of the built-in table; the most specific pattern wins.',
  }),

  // ---- the operator's side (admin key, request journal) ----
  adminKeySha256: setting({
    flag: 'admin-key-sha256',
    schema: text.regex(/^[0-9a-f]{64}$/, 'a SHA-256 digest in lowercase hex'),
    default: undefined,
    defaultText: 'none (the admin surface answers loopback clients only)',
    allowed: 'a SHA-256 digest, 64 lowercase hex digits (hubstaff-gateway key hash)',
    description: 'Admin key, stored as its SHA-256: when set, every /_gateway/ request but health must send the key (X-Gateway-Admin-Key, or Authorization Bearer or Basic), from any address.',
  }),
  adminKey: setting({
    flag: 'admin-key',
    schema: text.regex(/^[\x21-\x7e]{16,}$/, 'at least 16 printable characters'),
    default: undefined,
    defaultText: 'none',
    allowed: 'at least 16 printable characters, no spaces',
    description: 'The admin key itself (prefer --admin-key-sha256, or this setting from the environment): same effect as its digest.',
    secret: true,
  }),
  journalSize: setting({
    flag: 'journal-size',
    schema: wholeNumber(1, 100_000),
    default: 1000,
    allowed: 'a whole number from 1 to 100000',
    description: 'Requests kept in the journal of GET /_gateway/requests (the newest; older ones drop out).',
  }),
} as const

const LOGIN_SETTINGS = {
  // ---- `login`: the user's own Hubstaff OAuth app ----
  clientId: setting({
    flag: 'client-id',
    schema: text.regex(/^[\x21-\x7e]+$/, 'printable characters only'),
    default: undefined,
    defaultText: 'none',
    allowed: 'the client id of your Hubstaff app (printable characters, no spaces)',
    description: 'Client id of your Hubstaff OAuth app (developer.hubstaff.com): `login` signs in with it, and refreshing a token that `login` stored sends it.',
  }),
  clientSecret: setting({
    flag: 'client-secret',
    schema: text.regex(/^[\x21-\x7e]+$/, 'printable characters only'),
    default: undefined,
    defaultText: 'none',
    allowed: 'the client secret of your Hubstaff app (printable characters, no spaces)',
    description: 'Client secret of that app; prefer the environment variable (a flag shows in the process list). Never printed.',
    secret: true,
  }),
} as const

// Settings of later features go into one of the blocks above, one block per feature.
const LOG_SETTINGS = {
  logLevel: setting({
    flag: 'log-level',
    schema: oneOf(LOG_LEVELS),
    default: 'info',
    allowed: LOG_LEVELS.join(', '),
    description: 'pino log level. The `gateway listening` line is written at every level but silent.',
  }),
  logFormat: setting({
    flag: 'log-format',
    schema: oneOf(['auto', 'json', 'pretty'] as const),
    default: 'auto',
    allowed: 'auto, json, pretty',
    description: 'Log lines as JSON (one object a line, for machines) or pretty (for people); auto: pretty when stdout is a terminal, else JSON.',
  }),
} as const

export const SETTINGS = { ...CORE_SETTINGS, ...MOCK_SETTINGS, ...LOGIN_SETTINGS, ...LIMIT_SETTINGS, ...LOG_SETTINGS } as const

export type SettingKey = keyof typeof SETTINGS

type Defaulted<K extends SettingKey> = (typeof SETTINGS)[K]['default'] extends undefined
  ? z.output<(typeof SETTINGS)[K]['schema']> | undefined
  : z.output<(typeof SETTINGS)[K]['schema']>

/** The resolved, frozen configuration. */
export type Config = { readonly [K in SettingKey]: Defaulted<K> }

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[]

/**
 * The rules between settings that no one setting's schema can state. A broken one stops start-up
 * with one line and exit code 2, like a bad value.
 */
export function checkSettingRelations(config: Pick<Config, 'budget' | 'budgetReserve'>): void {
  if (config.budgetReserve >= config.budget) {
    throw new ConfigError(
      `invalid --budget-reserve ${config.budgetReserve}: expected fewer than --budget ${config.budget} (the reserve is the part of each window only interactive apps may use)`,
    )
  }
}

export function envName(flag: string): string {
  return 'HUBSTAFF_GATEWAY_' + flag.toUpperCase().replaceAll('-', '_')
}
