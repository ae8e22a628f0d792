#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through `prepare`).
import { existsSync } from 'node:fs'

const entry = new URL('../dist/src/cli.js', import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write('hubstaff-gateway: dist/ is missing; run `npm run build` in the checkout first\n')
  process.exit(1)
}
const { main } = await import(entry.href)
const code = await main({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stderr.isTTY === true,
  readStdin: async () => {
    const chunks = []
    for await (const chunk of process.stdin) chunks.push(chunk)
    return Buffer.concat(chunks).toString('utf8')
  },
})
if (code !== 0) process.exit(code)
