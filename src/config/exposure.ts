import { ConfigError } from '../errors.js'
import type { Config } from './settings.js'

/** Listen addresses only this machine can reach. */
export function isLoopbackListen(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1')
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
}

type ExposureConfig = Pick<Config, 'host' | 'apps' | 'adminKey' | 'adminKeySha256' | 'allowExposed' | 'allowedHosts'>

/**
 * A gateway listening beyond loopback hands the Hubstaff token to whoever reaches the address.
 * Without app keys and without an admin key nothing asks who that is, so start-up stops unless
 * the user said `--allow-exposed`; the warnings say what stays open when it starts anyway.
 */
export function checkExposure(config: ExposureConfig): string[] {
  if (isLoopbackListen(config.host)) return []
  const appKeys = config.apps.length > 0
  const adminKey = config.adminKey !== undefined || config.adminKeySha256 !== undefined
  if (!appKeys && !adminKey && !config.allowExposed) {
    throw new ConfigError(
      `--host ${JSON.stringify(config.host)} exposes the gateway, and the Hubstaff token with it, to every machine that reaches that address, and neither app keys (--apps) nor an admin key (--admin-key-sha256) is configured; configure keys, listen on 127.0.0.1, or pass --allow-exposed (HUBSTAFF_GATEWAY_ALLOW_EXPOSED=true) to accept the risk`,
    )
  }
  const warnings: string[] = []
  if (!appKeys) {
    warnings.push(`listening on ${config.host} without app keys: anyone who reaches this address can use the Hubstaff token through /v2 (configure --apps to require keys)`)
  }
  if (config.allowedHosts.length === 0 && ['0.0.0.0', '::', '[::]'].includes(config.host.trim())) {
    warnings.push(`listening on ${config.host} answers /v2 requests for loopback host names only (localhost, 127.0.0.1): list the names apps use to reach this gateway in --allowed-hosts`)
  }
  return warnings
}
