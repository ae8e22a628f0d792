import { spawn, type ChildProcess } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Writable } from 'node:stream'
import { loadConfig } from '../../src/config/load.js'
import type { Config, SettingKey } from '../../src/config/settings.js'
import { createLogger } from '../../src/logger.js'
import { startServer, type RunningServer } from '../../plugins/server.js'
import { startFakeHubstaff, type FakeHubstaff, type FakeHubstaffOptions } from './fake-hubstaff.js'
import { withTestStateHome } from './state-home.js'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const BIN = fileURLToPath(new URL('../../bin/hubstaff-gateway.js', import.meta.url))
export const BUILT = existsSync(new URL('../../dist/src/cli.js', import.meta.url))
export const NOT_BUILT = 'dist/ is missing: run `npm run build` (npm test does) to run process-level tests'

/** Settings as a user would give them on the command line. */
export type Settings = Partial<Record<SettingKey, string | number>>

export function testConfig(settings: Settings): Config {
  const flags: Partial<Record<SettingKey, string>> = {}
  for (const [key, value] of Object.entries(settings)) flags[key as SettingKey] = String(value)
  return loadConfig({ flags, configFile: undefined }, withTestStateHome({})).config
}

export interface TestGateway extends RunningServer {
  /** Every log line the gateway wrote, as raw text. */
  readonly logs: string[]
  /** Parsed log lines. */
  readonly logRecords: () => Record<string, unknown>[]
}

/** Starts a gateway in this process on port 0, capturing its log. */
export async function startTestGateway(settings: Settings, options: { now?: () => number } = {}): Promise<TestGateway> {
  const logs: string[] = []
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(line)
      done()
    },
  })
  const config = testConfig({ port: 0, logLevel: 'trace', ...settings })
  const server = await startServer(config, createLogger(config.logLevel, sink), options)
  return Object.assign(server, {
    logs,
    logRecords: () => logs.map((l) => JSON.parse(l) as Record<string, unknown>),
  })
}

/** What startLiveGateway needs of a tap test: somewhere to register teardowns, and a fresh dir. */
export interface LiveGatewayTest {
  teardown(fn: () => unknown): void
  testdir(): string
}

/**
 * Starts a fake Hubstaff and a test gateway in live mode against it, with a fresh refresh token
 * and state dir (`settings` override those), and closes both at the end of `t`.
 */
export async function startLiveGateway(
  t: LiveGatewayTest,
  settings: Settings = {},
  fakeOptions: FakeHubstaffOptions = {},
  options: { now?: () => number } = {},
): Promise<{ fake: FakeHubstaff; gw: TestGateway }> {
  const fake = await startFakeHubstaff(fakeOptions)
  t.teardown(() => fake.close())
  const gw = await startTestGateway(
    {
      upstream: fake.origin,
      authUrl: fake.origin,
      refreshToken: settings.refreshToken ?? fake.issueRefreshToken(),
      stateDir: settings.stateDir ?? t.testdir(),
      ...settings,
    },
    options,
  )
  t.teardown(() => gw.close())
  return { fake, gw }
}

export interface GatewayProcess {
  readonly child: ChildProcess
  readonly address: string
  readonly stdout: string[]
  readonly stderr: string[]
  /** Resolves with the exit code (or signal name) once the process ended. */
  readonly exited: Promise<number | string>
  kill(signal?: NodeJS.Signals): Promise<number | string>
}

/** Env for a child gateway: nothing from the developer's HUBSTAFF_* environment leaks in. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('HUBSTAFF')) env[k] = v
  return withTestStateHome({ ...env, ...extra })
}

/** Spawns the built gateway and waits for its `gateway listening` line. */
export async function spawnGateway(args: string[], env: Record<string, string> = {}, timeoutMs = 15_000): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
  const stdout: string[] = []
  const stderr: string[] = []
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)))
  let pending = ''
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not listen within ${timeoutMs} ms:\n${stdout.join('\n')}\n${stderr.join('')}`)), timeoutMs)
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8')
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        stdout.push(line)
        try {
          const rec = JSON.parse(line) as { msg?: string; address?: string }
          if (rec.msg === 'gateway listening' && rec.address !== undefined) {
            clearTimeout(timer)
            resolve(rec.address)
          }
        } catch {
          // not a log line
        }
      }
    })
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')))
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`gateway exited (${code}) before listening:\n${stdout.join('\n')}\n${stderr.join('')}`))
    })
  })
  return {
    child,
    address,
    stdout,
    stderr,
    exited,
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}

export interface RawAnswer {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
}

/**
 * A request whose path and headers go on the wire exactly as given (undici resolves dot segments
 * and replaces Connection headers, which the tests of those very things cannot have).
 */
export function rawRequest(address: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  const url = new URL(address)
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers: options.headers ?? {} })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

/** A clock shared by the fake and the gateway, moved by hand: token expiry without waiting. */
export function sharedClock(): { now: () => number; advance: (ms: number) => void } {
  let offset = 0
  return { now: () => Date.now() + offset, advance: (ms) => void (offset += ms) }
}
