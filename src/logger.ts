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

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { name: 'hubstaff-gateway' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  }
  return destination === undefined ? pino(options) : pino(options, destination)
}
