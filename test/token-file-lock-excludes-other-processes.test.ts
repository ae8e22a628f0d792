// Two gateway processes on one state dir must never exchange at the same time (rotation would lock
// one out), so FileTokenStore.withLock must exclude other processes, and a lock left behind by a
// killed process must not block the others forever. Real child processes, real lock file.
import { spawn, type ChildProcess } from 'node:child_process'
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import t from 'tap'
import { FileTokenStore } from '../src/token/store.js'
import { sleep, tempDir, until } from './helpers/memory-token-store.js'

const DIST_STORE = fileURLToPath(new URL('../dist/src/token/store.js', import.meta.url))

// The children import the compiled store: node cannot load TypeScript by itself.
const WORKER = `
import { appendFileSync, writeFileSync } from 'node:fs'
const { FileTokenStore } = await import(process.env.STORE_URL)
const env = process.env
const store = new FileTokenStore({ stateDir: env.STATE_DIR, lockWaitMs: 20000, staleMs: Number(env.STALE_MS) })
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
if (env.MODE === 'hold') {
  setInterval(() => undefined, 1000)
  await store.withLock(async () => {
    process.stdout.write('locked\\n')
    await new Promise(() => undefined)
  })
} else {
  writeFileSync(env.READY, '')
  for (let i = 0; i < Number(env.ROUNDS); i++) {
    await store.withLock(async () => {
      appendFileSync(env.LOG, 'start ' + env.ID + ' ' + i + '\\n')
      await sleep(Number(env.HOLD_MS))
      appendFileSync(env.LOG, 'end ' + env.ID + ' ' + i + '\\n')
    })
  }
}
`

interface Child {
  readonly proc: ChildProcess
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>
  stdout: string
}

function worker(env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', WORKER], {
    env: { ...process.env, STORE_URL: pathToFileURL(DIST_STORE).href, STALE_MS: '5000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const child: Child = {
    proc,
    stdout: '',
    exited: new Promise((resolve) => {
      let stderr = ''
      proc.stderr?.on('data', (c: Buffer) => (stderr += c.toString()))
      proc.on('exit', (code, signal) => resolve({ code, signal, stderr }))
    }),
  }
  proc.stdout?.on('data', (c: Buffer) => (child.stdout += c.toString()))
  return child
}

if (!existsSync(DIST_STORE)) {
  t.plan(0, 'dist/src/token/store.js is absent: run `npm run build` first (the child processes load the compiled store)')
} else {
  void t.test('two processes and this one: lock intervals never overlap', { timeout: 60_000 }, async (t) => {
    const dir = tempDir(t)
    const stateDir = join(dir, 'state')
    const log = join(dir, 'intervals.log')
    const rounds = 4
    const mine = new FileTokenStore({ stateDir })
    const children: Child[] = []
    t.teardown(() => children.forEach((c) => c.proc.kill('SIGKILL')))

    // Hold the lock while the children start, so that they must wait for it.
    await mine.withLock(async () => {
      appendFileSync(log, 'start parent 0\n')
      for (const id of ['a', 'b']) {
        children.push(worker({ MODE: 'contend', ID: id, STATE_DIR: stateDir, LOG: log, READY: join(dir, `ready-${id}`), ROUNDS: String(rounds), HOLD_MS: '40' }))
      }
      await until(() => existsSync(join(dir, 'ready-a')) && existsSync(join(dir, 'ready-b')), 20_000, 'both children to start')
      await sleep(300)
      appendFileSync(log, 'end parent 0\n')
    })

    for (const child of children) {
      const { code, stderr } = await child.exited
      t.equal(code, 0, stderr || 'child exited cleanly')
    }

    const lines = readFileSync(log, 'utf8').trim().split('\n')
    t.equal(lines.length, 2 * (1 + 2 * rounds), 'every interval was logged')
    t.equal(lines[0], 'start parent 0')
    t.equal(lines[1], 'end parent 0', 'the children waited for the lock this process held')
    let overlaps = 0
    for (let i = 0; i < lines.length; i += 2) {
      const start = lines[i]?.split(' ')
      const end = lines[i + 1]?.split(' ')
      if (start?.[0] !== 'start' || end?.[0] !== 'end' || start[1] !== end[1] || start[2] !== end[2]) overlaps++
    }
    t.equal(overlaps, 0, 'each start is followed by its own end')
    t.equal(existsSync(join(stateDir, 'tokens.lock')), false, 'the lock is released at the end')
  })

  void t.test('a lock left by a killed process is taken over after staleMs', { timeout: 60_000 }, async (t) => {
    const stateDir = join(tempDir(t), 'state')
    const holder = worker({ MODE: 'hold', STATE_DIR: stateDir, STALE_MS: '2000' })
    t.teardown(() => holder.proc.kill('SIGKILL'))
    await until(() => holder.stdout.includes('locked'), 20_000, 'the child to take the lock')

    const impatient = new FileTokenStore({ stateDir, lockWaitMs: 0 })
    let ran = false
    await t.rejects(
      impatient.withLock(() => {
        ran = true
        return Promise.resolve()
      }),
      { name: 'GatewayError', code: 'HSG_AUTH_LOCK_TIMEOUT' },
      'held by a live process: not taken',
    )
    t.notOk(ran)

    holder.proc.kill('SIGKILL')
    const { signal } = await holder.exited
    t.equal(signal, 'SIGKILL')
    t.ok(existsSync(join(stateDir, 'tokens.lock')), 'the dead process left its lock behind')

    const patient = new FileTokenStore({ stateDir, staleMs: 2000, lockWaitMs: 20_000 })
    const started = Date.now()
    t.equal(await patient.withLock(() => Promise.resolve('took over')), 'took over')
    t.ok(Date.now() - started < 20_000, 'within the wait')
    t.equal(existsSync(join(stateDir, 'tokens.lock')), false, 'released afterwards')
  })
}
