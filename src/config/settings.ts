import type { z } from 'zod'
import { ConfigError } from '../errors.js'
import { defaultStateDir, defaultStateDirText } from './state-dir.js'
import { appsSchema, bool, cachePolicySchema, FALLBACKS, hostNames, httpUrl, json, jsonPaths, LOG_LEVELS, MOCK_SIZES, MODES, msRange, oneOf, redisUrl, seconds, span, text, webOrigins, wholeNumber } from './values.js'

/**
 * The one configuration schema. Each setting is declared once here: its flag, its environment
 * variable (`HUBSTAFF_GATEWAY_<FLAG>`), its config-file key, its default, what values are allowed
 * (the text start-up errors and `--help` show) and its parser (from `values.ts`). `Config` is
 * derived from it.
 */

export { FALLBACKS, LOG_LEVELS, MODES, PRIORITIES, type AppConfig, type Fallback, type Mode, type Priority } from './values.js'

interface SettingSpec<S extends z.ZodType> {
  /** Long flag without dashes, kebab-case. Also the env suffix (upper snake) and a config-file key. */
  readonly flag: string
  readonly schema: S
  readonly default: z.output<S> | undefined
  /** Shown in `--help` when the default is computed rather than fixed. */
  readonly defaultText?: string
  /** What is allowed, as the start-up error and `--help` say it. */
  readonly allowed: string
  readonly description: string
  /** Extra environment variables read after `HUBSTAFF_GATEWAY_<FLAG>`. */
  readonly extraEnv?: readonly string[]
  /** Never printed (help shows whether it is set, never its value). */
  readonly secret?: boolean
  /** The default depends on the environment (read from the env given to loadConfig, not process.env). */
  readonly envDefault?: (env: Readonly<Record<string, string | undefined>>) => z.output<S>
  /** A file or folder path: relative in a config file, it is taken from the file's own folder. */
  readonly path?: boolean
}

function setting<S extends z.ZodType>(spec: SettingSpec<S>): SettingSpec<S> {
  return spec
}

export const SETTINGS = {
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
    description: 'Answer repeated GETs from memory: a hit costs no budget (README, "Cache").',
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
    defaultText: 'none (the built-in table, README "Cache")',
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

  // ---- record, replay and the mock's simulated limits ----
  fallback: setting({
    flag: 'fallback',
    schema: oneOf(FALLBACKS),
    default: 'none',
    allowed: FALLBACKS.join(', '),
    description: 'Replay mode, a request with no recording: 404 HSG_REPLAY_MISS (none), the mock, or Hubstaff, recorded (record-missing; needs the token).',
  }),
  recordRedact: setting({
    flag: 'record-redact',
    schema: jsonPaths(),
    default: [],
    defaultText: 'none (credentials are always scrubbed)',
    allowed: 'JSON field names or dotted paths (email, user.email, users.*.email), as a JSON array or separated by commas',
    description: 'Extra JSON fields scrubbed from recorded bodies, besides tokens and credentials.',
  }),
  mockBudget: setting({
    flag: 'mock-budget',
    schema: bool(),
    default: false,
    allowed: 'true or false',
    description: 'Mock mode spends the budget too: after --budget requests in --budget-window it answers 429 as live mode would.',
  }),
  mockBlankAfter: setting({
    flag: 'mock-blank-after',
    schema: span(),
    default: undefined,
    defaultText: 'off',
    allowed: 'a span such as 7d, 36h, 90m or seconds, at least 60 s and at most 3 years',
    description: "Mock mode answers Hubstaff's blank reply (504, empty body) to a date range longer than this.",
  }),
  mockSeed: setting({
    flag: 'mock-seed',
    schema: text.regex(/^[\x20-\x7e]{1,200}$/, 'printable characters, at most 200'),
    default: 'hubstaff-gateway',
    allowed: 'text of 1 to 200 printable characters',
    description: 'Seed of the simulated organization: the same seed and size give the same organization on every run and machine.',
  }),
  mockSize: setting({
    flag: 'mock-size',
    schema: oneOf(MOCK_SIZES),
    default: 'small',
    allowed: MOCK_SIZES.join(', '),
    description: 'Size of the simulated organization (README, "Mock mode", gives the records and memory of each).',
  }),
  mockFixtures: setting({
    flag: 'mock-fixtures',
    schema: text,
    default: undefined,
    defaultText: 'none (the seeded organization)',
    path: true,
    allowed: 'a path to a JSON fixtures file',
    description: 'The simulated organization is exactly the records of this file instead of a generated one.',
  }),
  mockLatency: setting({
    flag: 'mock-latency',
    schema: msRange(0, 60_000),
    default: undefined,
    defaultText: 'none',
    allowed: 'milliseconds from 0 to 60000, fixed (250) or a range (100-800)',
    description: 'Every mock answer is delayed this long (a range: a random time within it), as a network and Hubstaff would.',
  }),
  mockSessionIdle: setting({
    flag: 'mock-session-idle',
    schema: span(),
    default: 1800,
    defaultText: '30m',
    allowed: 'a span such as 30m, 2h, 1d or seconds, at least 60 s',
    description: 'A mock session (X-Gateway-Session) unused this long is dropped with its writes.',
  }),
  mockSessionsMax: setting({
    flag: 'mock-sessions-max',
    schema: wholeNumber(1, 100_000),
    default: 1000,
    allowed: 'a whole number from 1 to 100000',
    description: 'Mock sessions held at most; a new one beyond it drops the session unused longest.',
  }),
  mockFixturesMaxBytes: setting({
    flag: 'mock-fixtures-max-bytes',
    schema: wholeNumber(1024, 1_073_741_824),
    default: 33_554_432,
    allowed: 'bytes, a whole number from 1024 to 1073741824',
    description: 'Largest body PUT /_gateway/mock/fixtures accepts.',
  }),

  // ---- blank replies: split and merge ----
  split: setting({
    flag: 'split',
    schema: bool(),
    default: true,
    defaultText: 'on',
    allowed: 'on or off (also true, false, yes, no, 1, 0)',
    description: "A date-ranged query that gets Hubstaff's blank reply (its 30 s cut) is split into smaller ranges and merged (README, \"Blank replies\").",
  }),
  splitConcurrency: setting({
    flag: 'split-concurrency',
    schema: wholeNumber(1, 16),
    default: 2,
    allowed: 'a whole number from 1 to 16',
    description: 'Upstream requests one split sends at once.',
  }),
  splitUpFront: setting({
    flag: 'split-up-front',
    schema: bool(),
    default: true,
    defaultText: 'on',
    allowed: 'on or off (also true, false, yes, no, 1, 0)',
    description: "A range longer than the endpoint allows (activities 7 days, daily 31, ...) is cut into pieces before it is sent, instead of getting Hubstaff's 400.",
  }),
  splitReuse: setting({
    flag: 'split-reuse',
    schema: bool(),
    default: true,
    defaultText: 'on',
    allowed: 'on or off (also true, false, yes, no, 1, 0)',
    description: 'A blank range is cut at midnights and its whole days are kept, so that an overlapping later query fetches only the days it lacks.',
  }),
  splitKeepBytes: setting({
    flag: 'split-keep-bytes',
    schema: wholeNumber(0, 17_179_869_184),
    default: 67_108_864,
    allowed: 'bytes, a whole number from 0 to 17179869184 (0: keep nothing)',
    description: "Memory for merged results kept so that an app's next pages cost nothing; each is kept as long as the cache would keep its route.",
  }),

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

  // ---- budget margin: Hubstaff counts arrivals, the ledger departures ----
  budgetMargin: setting({
    flag: 'budget-margin',
    schema: seconds(0, 60),
    default: 1,
    allowed: 'seconds, from 0 to 60',
    description: 'How long a slot stays taken after its window ends: Hubstaff counts a request when it arrives, the gateway when it leaves (README, "The hourly budget").',
  }),

  // ---- bounds: what one app, one answer or one recording may make the gateway hold ----
  headersTimeout: setting({
    flag: 'headers-timeout',
    schema: seconds(0.1, 600),
    default: 10,
    allowed: 'seconds, from 0.1 to 600',
    description: 'How long an app may take to send a request line and headers; then it gets 408 and the connection is closed.',
  }),
  requestTimeout: setting({
    flag: 'request-timeout',
    schema: seconds(0.1, 3600),
    default: 60,
    allowed: 'seconds, from 0.1 to 3600 (at least --headers-timeout)',
    description: 'How long an app may take to send a whole request, body included; then it gets 408 and the connection is closed.',
  }),
  keepAliveTimeout: setting({
    flag: 'keep-alive-timeout',
    schema: seconds(0.1, 600),
    default: 5,
    allowed: 'seconds, from 0.1 to 600',
    description: 'How long an idle keep-alive connection from an app stays open.',
  }),
  maxConnections: setting({
    flag: 'max-connections',
    schema: wholeNumber(1, 1_000_000),
    default: 1000,
    allowed: 'a whole number from 1 to 1000000',
    description: 'App connections held open at once; further ones are closed as they arrive.',
  }),
  upstreamMaxBytes: setting({
    flag: 'upstream-max-bytes',
    schema: wholeNumber(1024, 4_294_967_296),
    default: 67_108_864,
    allowed: 'bytes, a whole number from 1024 to 4294967296',
    description: 'Largest answer body read from Hubstaff; a larger one is cut off while it streams and the app gets 502 HSG_UPSTREAM_TOO_LARGE.',
  }),
  replayMaxBytes: setting({
    flag: 'replay-max-bytes',
    schema: wholeNumber(1024, 4_294_967_296),
    default: 67_108_864,
    allowed: 'bytes, a whole number from 1024 to 4294967296',
    description: 'Largest recording file replay reads (checked before reading it); a larger one answers HSG_REPLAY_TOO_LARGE.',
  }),
  splitMaxPieces: setting({
    flag: 'split-max-pieces',
    schema: wholeNumber(1, 100_000),
    default: 1000,
    allowed: 'a whole number from 1 to 100000',
    description: 'Most pieces one date range is cut into; a range needing more is refused with HSG_SPLIT_TOO_LARGE before any cutting.',
  }),
  budgetMaxQueue: setting({
    flag: 'budget-max-queue',
    schema: wholeNumber(0, 1_000_000),
    default: 1000,
    allowed: 'a whole number from 0 to 1000000',
    description: 'Requests that may wait for budget with `Prefer: wait` at once; beyond it a request gets 429 HSG_BUDGET_QUEUE_FULL at once.',
  }),

  // ---- who may reach the gateway: host names, browsers, exposure (README, "Security") ----
  allowedHosts: setting({
    flag: 'allowed-hosts',
    schema: hostNames(),
    default: [],
    defaultText: 'none (loopback names, and --host when it names one address)',
    allowed: 'host names or IP addresses without port, separated by commas (or a JSON array)',
    description: 'Host names /v2 requests may ask for besides loopback ones (localhost, 127.0.0.1, [::1]): the names apps use to reach a gateway on another address. Others get 403 (DNS rebinding).',
  }),
  corsOrigins: setting({
    flag: 'cors-origins',
    schema: webOrigins(),
    default: [],
    defaultText: 'none (no web page of another origin may call /v2)',
    allowed: 'origins such as http://localhost:3000, separated by commas (or a JSON array); matched exactly',
    description: 'Web origins whose pages may call /v2 from a browser: the gateway answers their CORS preflights itself. Other cross-site requests get 403.',
  }),
  allowExposed: setting({
    flag: 'allow-exposed',
    schema: bool(),
    default: false,
    allowed: 'true or false',
    description: 'Start on a --host other than loopback even without app keys (--apps) or an admin key: anyone who reaches the address then uses the Hubstaff token.',
  }),

  // Settings of later features are added above this line, one block per feature.
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
