import { createRequire } from 'node:module'
import { pino, type DestinationStream, type Logger } from 'pino'

/**
 * Paths pino blanks out wherever they appear in a log object. Tokens never reach a log line on
 * purpose; these are the net under that rule (a test greps all output for every token issued).
 */
export const REDACT_PATHS = [
  'authorization',
  'cookie',
  '*.authorization',
  '*.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-gateway-key"]',
  '*.headers["x-gateway-admin-key"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-gateway-key"]',
  'headers["x-gateway-admin-key"]',
  'access_token',
  'refresh_token',
  'accessToken',
  'refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.accessToken',
  '*.refreshToken',
]

export type LogFormat = 'auto' | 'json' | 'pretty'

/**
 * `auto` is pretty on a terminal and JSON otherwise: people read a terminal, while a pipe, a file or
 * a log collector (and every test that reads the `gateway listening` line) wants one object a line.
 */
export function prettyLogs(format: LogFormat, stdoutIsTTY: boolean = process.stdout.isTTY === true): boolean {
  return format === 'pretty' || (format === 'auto' && stdoutIsTTY)
}

/** pino-pretty, loaded only when wanted; synchronous, so no line is lost when the process exits. */
function prettyStream(colorize: boolean): DestinationStream {
  const build = createRequire(import.meta.url)('pino-pretty') as (options: Record<string, unknown>) => DestinationStream
  // The address on the message's own line: it is what a person starting the gateway looks for.
  const messageFormat = (log: Record<string, unknown>, key: string) => `${typeof log[key] === 'string' ? log[key] : ''}${typeof log.address === 'string' ? ` at ${log.address}` : ''}`
  return build({ colorize, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name', messageFormat })
}

export function createLogger(level: string, destination?: DestinationStream, format: LogFormat = 'json'): Logger {
  const options = {
    level,
    base: { name: 'hubstaff-gateway' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  }
  if (destination === undefined && prettyLogs(format)) return pino(options, prettyStream(process.stdout.isTTY === true))
  return destination === undefined ? pino(options) : pino(options, destination)
}

const ABOVE_INFO = ['warn', 'error', 'fatal'] as const

/**
 * The level the `gateway listening` line is logged at: info, or the configured level when that is
 * higher, so that the address (the only way to learn the port of `--port 0`) is always printed,
 * except at `silent`.
 */
export function listeningLevel(logger: Pick<Logger, 'level'>): 'info' | 'warn' | 'error' | 'fatal' | undefined {
  const level = logger.level
  if (level === 'silent') return undefined
  return ABOVE_INFO.find((l) => l === level) ?? 'info'
}
