// `npm start` runs this first: it compiles TypeScript only when a source is newer than the build,
// so a start after `npm ci` (whose `prepare` builds) or after an unchanged checkout takes no
// compile at all. Comparing modification times costs a few milliseconds; `tsc --incremental`
// with nothing to do still takes seconds, since it loads the whole program to compare hashes.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SOURCES = ['src', 'plugins']
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json']
// Written by every build (tsc rewrites all its outputs); missing means never built.
const BUILT = join(ROOT, 'dist', 'src', 'cli.js')

function newest(path) {
  let info
  try {
    info = statSync(path)
  } catch {
    return 0
  }
  if (!info.isDirectory()) return info.mtimeMs
  let latest = info.mtimeMs
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)))
  return latest
}

// An installed package has dist/ but no sources: nothing to build.
if (!SOURCES.every((dir) => existsSync(join(ROOT, dir)))) process.exit(0)

const builtAt = existsSync(BUILT) ? statSync(BUILT).mtimeMs : 0
const changedAt = Math.max(...SOURCES.map((dir) => newest(join(ROOT, dir))), ...CONFIGS.map((file) => newest(join(ROOT, file))))
if (builtAt >= changedAt) process.exit(0)

process.stderr.write(builtAt === 0 ? 'hubstaff-gateway: building dist/ (first start)\n' : 'hubstaff-gateway: sources changed since the last build; rebuilding dist/\n')
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' })
// tsc writes its output even when it reports errors: date it back so that the next start builds again.
if (result.status !== 0 && existsSync(BUILT)) utimesSync(BUILT, 0, 0)
process.exit(result.status ?? 1)
