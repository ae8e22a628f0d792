import { loadConfig, type LoadedConfig } from '../config/load.js'
import { ConfigError } from '../errors.js'
import type { Check, CheckStatus } from './doctor-checks.js'
import { JSON_OPTION, printJson } from './support.js'
import type { CliIo, Command } from './types.js'

const MARK: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' }

function render(io: CliIo, checks: readonly Check[]): void {
  const width = Math.max(...checks.map((c) => c.name.length))
  for (const c of checks) {
    io.stdout(`  ${MARK[c.status]}  ${c.name.padEnd(width)}  ${c.message}\n`)
    if (c.fix !== undefined) io.stdout(`  ${' '.repeat(4)}  ${' '.repeat(width)}  fix: ${c.fix}\n`)
  }
  const failed = checks.filter((c) => c.status === 'fail').length
  const warned = checks.filter((c) => c.status === 'warn').length
  io.stdout(failed === 0 && warned === 0 ? '\nall checks passed\n' : `\n${failed} failed, ${warned} warning${warned === 1 ? '' : 's'}\n`)
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check config, state dir, token, Hubstaff and Redis, and say what to fix',
  usage: '[--json]',
  description:
    'Checks what serve needs, in order: the settings; the state dir (0700) and the files holding tokens (0600); the token ' +
    '(exchanged through the token store when needed, rotation-safe, then its expiry and scopes; never printed); Hubstaff ' +
    '(one GET /v2/users/me, charged to the budget like any request); the budget left; and Redis with --redis. ' +
    'With no token and no --mode, serve runs the mock, and doctor says so without failing. ' +
    'Each check prints ok, warn, FAIL or skip, with the fix. Exit code 1 when a check fails, 2 when the settings are invalid.',
  options: [JSON_OPTION, { name: 'timeout', type: 'string', value: 'SECONDS', description: 'give up on the token endpoint or Hubstaff after this long', defaultText: '15' }],
  settings: ['stateDir', 'refreshToken', 'authUrl', 'upstream', 'redis'],
  examples: ['hubstaff-gateway doctor', 'hubstaff-gateway doctor --json | jq ".checks[] | select(.status != \\"ok\\")"'],
  async run({ cli, io }) {
    const json = cli.options.json === true
    const timeoutText = cli.options.timeout
    const timeout = timeoutText === undefined ? 15 : Number(timeoutText)
    if (typeof timeoutText === 'string' && !(/^\d+(\.\d+)?$/.test(timeoutText) && timeout > 0 && timeout <= 600)) {
      throw new ConfigError(`invalid --timeout ${JSON.stringify(timeoutText)}: expected seconds from 0 to 600`)
    }
    if (!json) io.stdout('hubstaff-gateway doctor\n\n')
    let loaded: LoadedConfig
    try {
      loaded = loadConfig(cli, io.env)
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      const failed: Check = { name: 'config', status: 'fail', message: err.message, fix: 'fix the setting named above (hubstaff-gateway --help lists what is allowed)' }
      if (json) printJson(io, { ok: false, checks: [failed] })
      else render(io, [failed])
      return 2
    }
    const { config, sources } = loaded
    // The checks (and the whole gateway) load only when doctor runs.
    const { configChecks, plannedMode, redisCheck, stateDirChecks, tokenAndUpstreamChecks } = await import('./doctor-checks.js')
    const planned = await plannedMode(config)
    // Before the token checks, which rewrite the token file: its mode is the user's, not theirs.
    let stateDir = await stateDirChecks(config)
    const redis = await redisCheck(config)
    const token = await tokenAndUpstreamChecks(config, timeout * 1000, planned)
    // An exchange creates a missing state dir: say what is there now, not that it is missing.
    if (stateDir.some((c) => c.details?.missing === true)) stateDir = await stateDirChecks(config)
    const checks: Check[] = [...configChecks(config, sources, planned.mode), ...stateDir, ...token, redis]
    const ok = !checks.some((c) => c.status === 'fail')
    if (json) printJson(io, { ok, checks })
    else render(io, checks)
    return ok ? 0 : 1
  },
}
