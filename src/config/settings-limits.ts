import { setting } from './setting.js'
import { bool, hostNames, seconds, webOrigins, wholeNumber } from './values.js'

/** What one app, one answer or one recording may make the gateway hold, and who may reach it. */
export const LIMIT_SETTINGS = {
  // ---- budget margin: Hubstaff counts arrivals, the ledger departures ----
  budgetMargin: setting({
    flag: 'budget-margin',
    schema: seconds(0, 60),
    default: 1,
    allowed: 'seconds, from 0 to 60',
    description: 'How long a slot stays taken after its window ends: Hubstaff counts a request when it arrives, the gateway when it leaves (docs/budget.md).',
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

  // ---- who may reach the gateway: host names, browsers, exposure (docs/security.md) ----
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
} as const
