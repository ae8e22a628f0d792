import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { Config } from '../src/config/settings.js'
import { Gateway } from '../src/gateway.js'
import { buildApp } from './app.js'
import { checkExposure } from '../src/config/exposure.js'
import { listeningLevel } from '../src/logger.js'

export interface RunningServer {
  readonly app: FastifyInstance
  readonly gateway: Gateway
  /** The URL it serves, e.g. `http://127.0.0.1:8787`. */
  readonly address: string
  close(): Promise<void>
}

function urlFor(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}

/** Creates the gateway, listens, and logs the `gateway listening` line the contract promises. */
export async function startServer(config: Config, logger: Logger, options: { now?: () => number } = {}): Promise<RunningServer> {
  // Before anything is opened: an exposed gateway without keys does not start at all.
  const exposure = checkExposure(config)
  const gateway = await Gateway.create({ config, logger, ...options })
  const app = buildApp(gateway, logger)
  try {
    await app.listen({ host: config.host, port: config.port })
  } catch (err) {
    await app.close()
    throw err
  }
  const bound = app.server.address()
  const port = typeof bound === 'object' && bound !== null ? bound.port : config.port
  const address = urlFor(config.host, port)
  const level = listeningLevel(logger)
  if (level !== undefined) logger[level]({ address, mode: gateway.mode.current, upstream: config.upstream }, 'gateway listening')
  for (const warning of exposure) logger.warn({ host: config.host }, warning)
  if (gateway.mode.current === 'mock' && config.mode === undefined) {
    logger.info('no Hubstaff refresh token known: serving the mock (set HUBSTAFF_REFRESH_TOKEN for live mode)')
  }
  gateway.mock.announce()
  return { app, gateway, address, close: () => app.close() }
}

/** SIGTERM/SIGINT: stop taking requests, let in-flight ones finish, close the pools, exit. */
export function closeOnSignals(server: RunningServer, logger: Logger): void {
  let closing = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn({ signal }, 'second signal: exiting now')
      process.exit(1)
    }
    closing = true
    logger.info({ signal }, 'shutting down')
    const force = setTimeout(() => {
      logger.error('shutdown timed out: exiting with requests still open')
      process.exit(1)
    }, (server.gateway.config.shutdownTimeout + 5) * 1000)
    force.unref()
    server.close().then(
      () => {
        logger.info('stopped')
        process.exitCode = 0
      },
      (err: unknown) => {
        logger.error({ err }, 'error while shutting down')
        process.exitCode = 1
      },
    )
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
}
