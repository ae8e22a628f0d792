// A private redis-server per test file: a free loopback port, no persistence, its own directory.
// Tests stop it (SIGKILL, as a crash would) and start it again on the same port. CI installs the
// Debian package (.ci/run); where it is absent the Redis tests skip with REDIS_SKIP.
import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

/** HSG_REDIS_SERVER names another binary, or `none` to run the suite as a machine without Redis would. */
function findRedisServer(): string | undefined {
  const chosen = process.env.HSG_REDIS_SERVER
  if (chosen === 'none') return undefined
  const candidates = [...(chosen === undefined || chosen === '' ? [] : [chosen]), '/usr/bin/redis-server', ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'redis-server'))]
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK)
      return path
    } catch {
      // not here
    }
  }
  return undefined
}

export const REDIS_SERVER_BIN: string | undefined = findRedisServer()
export const REDIS_AVAILABLE = REDIS_SERVER_BIN !== undefined
export const REDIS_SKIP =
  'redis-server is not installed (neither /usr/bin/redis-server nor on PATH): the Redis tests are skipped. Install it with `apt-get install redis-server` (.ci/run does).'

const running = new Set<ChildProcess>()
// A test file that crashes must not leave servers behind.
process.once('exit', () => running.forEach((p) => p.kill('SIGKILL')))

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** True when something on the port answers PING with PONG. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    let reply = ''
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString()
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'))
    })
  })
}

export class RedisServer {
  readonly port: number
  readonly #dir: string
  #proc: ChildProcess | undefined

  private constructor(port: number, dir: string) {
    this.port = port
    this.#dir = dir
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  /** Starts a server on a free port (another one if that port is taken meanwhile). */
  static async launch(): Promise<RedisServer> {
    let lastError: unknown
    for (let attempt = 0; attempt < 5; attempt++) {
      const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'hsg-redis-')))
      try {
        await server.start()
        return server
      } catch (err) {
        lastError = err
        server.#removeDir()
      }
    }
    throw lastError
  }

  /** Starts (again) on the same port and resolves once it answers PING. */
  async start(): Promise<void> {
    if (REDIS_SERVER_BIN === undefined) throw new Error(REDIS_SKIP)
    if (this.#proc !== undefined) return
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.#dir]
    const proc = spawn(REDIS_SERVER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    running.add(proc)
    this.#proc = proc
    let output = ''
    proc.stdout?.on('data', (c: Buffer) => (output += c.toString()))
    proc.stderr?.on('data', (c: Buffer) => (output += c.toString()))
    let exited = false
    proc.once('exit', () => {
      exited = true
      running.delete(proc)
    })
    const deadline = Date.now() + 10_000
    while (!(await pings(this.port))) {
      if (exited || Date.now() > deadline) {
        proc.kill('SIGKILL')
        this.#proc = undefined
        throw new Error(`redis-server did not start on port ${this.port}: ${output.trim().split('\n').slice(-3).join(' | ')}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  /** Kills the server (SIGKILL: no goodbye to the clients) and waits until it is gone. */
  async stop(): Promise<void> {
    const proc = this.#proc
    if (proc === undefined) return
    this.#proc = undefined
    if (proc.exitCode === null && proc.signalCode === null) {
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve())
        proc.kill('SIGKILL')
      })
    }
  }

  /** Stops the server for good and removes its directory. */
  async destroy(): Promise<void> {
    await this.stop()
    this.#removeDir()
  }

  #removeDir(): void {
    rmSync(this.#dir, { recursive: true, force: true })
  }
}

/** A server for this test (file), destroyed at its teardown. */
export async function startRedis(t: { teardown(fn: () => Promise<void> | void): void }): Promise<RedisServer> {
  const server = await RedisServer.launch()
  t.teardown(() => server.destroy())
  return server
}

let prefixes = 0
/** A key prefix no other test (or run) shares, so tests can share one server. */
export function uniquePrefix(name = 'test'): string {
  return `hsg-test:${process.pid}:${Date.now()}:${++prefixes}:${name}:`
}
