// Runs the built binary as a user would, for the CLI tests.
import { spawn } from 'node:child_process'
import type { Test } from 'tap'
import { BIN, BUILT, cleanEnv, NOT_BUILT, ROOT } from './gateway.js'

/** The `skip` option for a test that needs the built binary. */
export const skip = BUILT ? false : NOT_BUILT

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs the binary to its end; a child still running at teardown is killed. */
export function run(t: Test, args: string[], env: Record<string, string> = {}, timeoutMs = 15_000): Promise<Exit> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`hubstaff-gateway ${args.join(' ')} did not exit within ${timeoutMs} ms; stderr: ${stderr}`))
    }, timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}
