// The real binary starts, logs the `gateway listening` line the contract promises, answers
// /_gateway/health, and stops cleanly on SIGTERM. `--mode live` without a token is a usage error.
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import type { Readable } from 'node:stream'
import t, { type Test } from 'tap'
import { skip } from './helpers/cli.js'
import { BIN, cleanEnv, ROOT } from './helpers/gateway.js'

interface Gateway {
  readonly child: ChildProcessByStdio<null, Readable, Readable>
  readonly stdout: () => string
  readonly stderr: () => string
  /** Resolves with the first JSON log line that matches, or rejects after `ms`. */
  readonly line: (match: (entry: Record<string, unknown>) => boolean, ms: number) => Promise<Record<string, unknown>>
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts the binary; it is killed at teardown if it is still running. */
function start(t: Test, args: string[]): Gateway {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  let out = ''
  let err = ''
  const waiters = new Set<() => void>()
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
    for (const wake of waiters) wake()
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      for (const wake of waiters) wake()
      resolve({ code, signal })
    })
  })

  const entries = () =>
    out
      .split('\n')
      .filter((l) => l.trim() !== '')
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>]
        } catch {
          return []
        }
      })

  const line = (match: (entry: Record<string, unknown>) => boolean, ms: number) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = entries().find(match)
        if (found !== undefined) return done(() => resolve(found))
        if (child.exitCode !== null || child.signalCode !== null) {
          done(() => reject(new Error(`the gateway exited (${child.exitCode ?? child.signalCode}) first; stdout: ${out} stderr: ${err}`)))
        }
      }
      const timer = setTimeout(() => done(() => reject(new Error(`no such log line within ${ms} ms; stdout: ${out} stderr: ${err}`))), ms)
      const done = (settle: () => void) => {
        clearTimeout(timer)
        waiters.delete(check)
        settle()
      }
      waiters.add(check)
      check()
    })

  return { child, stdout: () => out, stderr: () => err, line, exited }
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

void t.test('starts, logs "gateway listening" with its address, answers health, stops on SIGTERM', { skip }, async (t) => {
  const stateDir = t.testdir()
  const gw = start(t, ['--port', '0', '--state-dir', stateDir])

  const listening = await gw.line((e) => e.msg === 'gateway listening', 10_000)
  t.type(listening.address, 'string', 'the line has an address field')
  const address = String(listening.address)
  const m = /^http:\/\/127\.0\.0\.1:(\d+)$/.exec(address)
  t.ok(m, `address ${address} is http://127.0.0.1:<port>`)
  const port = Number(m?.[1])
  t.ok(port > 0 && port < 65536, 'a real port was picked for --port 0')
  t.equal(listening.mode, 'mock', 'no token known: it serves the mock')

  const res = await fetch(`${address}/_gateway/health`)
  t.equal(res.status, 200, 'health answers 200')
  t.match(res.headers.get('content-type') ?? '', /^application\/json/)
  const body = (await res.json()) as Record<string, unknown>
  t.equal(body.status, 'ok', 'health says {"status":"ok",...}')

  t.ok(gw.child.kill('SIGTERM'), 'SIGTERM sent')
  const exit = await within(gw.exited, 10_000, 'exit after SIGTERM')
  t.same(exit, { code: 0, signal: null }, 'exits with code 0 by itself')
  t.ok(
    gw
      .stdout()
      .split('\n')
      .some((l) => l.includes('"msg":"stopped"')),
    'logs "stopped"',
  )
  for (const l of gw.stdout().split('\n').filter((x) => x.trim() !== '')) {
    t.doesNotThrow(() => JSON.parse(l), `stdout is JSON lines: ${l.slice(0, 60)}`)
  }
  t.notMatch(gw.stderr(), /^\s+at /m, 'no stack on stderr')
})

void t.test('--mode live with no token exits 2 with one line', { skip }, async (t) => {
  const stateDir = t.testdir()
  const gw = start(t, ['--mode', 'live', '--port', '0', '--state-dir', stateDir])
  const exit = await within(gw.exited, 10_000, 'exit')
  t.same(exit, { code: 2, signal: null }, 'exit code 2')
  t.match(gw.stderr(), /^hubstaff-gateway: [^\n]+\n$/, 'stderr is exactly one line')
  t.match(gw.stderr(), 'invalid --mode "live"', 'names the setting and the value')
  t.match(gw.stderr(), /HUBSTAFF_REFRESH_TOKEN|--refresh-token/, 'says how to give a token')
  t.notMatch(gw.stderr(), /^\s+at /m, 'no stack frames')
  t.notMatch(gw.stdout(), 'gateway listening', 'it never listened')
})
