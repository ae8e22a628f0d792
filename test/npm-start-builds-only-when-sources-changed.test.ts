// `npm start` compiles only when a source is newer than the build (scripts/build-if-stale.mjs), run
// here in a folder of its own with a stand-in for tsc that records each build.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { ROOT } from './helpers/gateway.js'

function project(dir: string): { start: (env?: Record<string, string>) => { status: number | null; stderr: string }; builds: () => number } {
  for (const sub of ['scripts', 'src', 'plugins', 'node_modules/typescript/bin']) mkdirSync(join(dir, sub), { recursive: true })
  copyFileSync(join(ROOT, 'scripts', 'build-if-stale.mjs'), join(dir, 'scripts', 'build-if-stale.mjs'))
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}')
  writeFileSync(join(dir, 'tsconfig.json'), '{}')
  writeFileSync(join(dir, 'tsconfig.build.json'), '{}')
  writeFileSync(join(dir, 'src', 'cli.ts'), 'export {}\n')
  writeFileSync(join(dir, 'plugins', 'app.ts'), 'export {}\n')
  writeFileSync(join(dir, 'node_modules', 'typescript', 'package.json'), '{"name":"typescript"}')
  // The stand-in writes the build's output and counts builds; FAIL=1 makes it report errors.
  writeFileSync(
    join(dir, 'node_modules', 'typescript', 'bin', 'tsc'),
    `const fs = require('node:fs'), path = require('node:path')
const root = path.dirname(process.argv[3])
fs.mkdirSync(path.join(root, 'dist', 'src'), { recursive: true })
fs.writeFileSync(path.join(root, 'dist', 'src', 'cli.js'), '')
fs.appendFileSync(path.join(root, 'builds.log'), 'build\\n')
process.exit(process.env.FAIL === '1' ? 2 : 0)
`,
  )
  return {
    start: (env: Record<string, string> = {}) => {
      const r = spawnSync(process.execPath, [join(dir, 'scripts', 'build-if-stale.mjs')], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } })
      return { status: r.status, stderr: r.stderr }
    },
    builds: () => (existsSync(join(dir, 'builds.log')) ? readFileSync(join(dir, 'builds.log'), 'utf8').trim().split('\n').length : 0),
  }
}

void t.test('builds once, then starts without building until a source changes', (t) => {
  const dir = t.testdir()
  const p = project(dir)
  let run = p.start()
  t.equal(run.status, 0)
  t.match(run.stderr, 'building dist/ (first start)')
  t.equal(p.builds(), 1, 'no dist/: one build')

  run = p.start()
  t.equal(run.status, 0)
  t.equal(run.stderr, '', 'nothing to say')
  t.equal(p.builds(), 1, 'up to date: no build')

  // An edit made after the last build.
  const [built, edited] = [(Date.now() - 60_000) / 1000, (Date.now() - 30_000) / 1000]
  utimesSync(join(dir, 'dist', 'src', 'cli.js'), built, built)
  utimesSync(join(dir, 'plugins', 'app.ts'), edited, edited)
  run = p.start()
  t.match(run.stderr, 'sources changed since the last build')
  t.equal(p.builds(), 2, 'a newer source: one build')
  t.equal(p.start().status, 0)
  t.equal(p.builds(), 2)
  t.end()
})

void t.test('a failed build fails the start, and the next start builds again', (t) => {
  const dir = t.testdir()
  const p = project(dir)
  t.equal(p.start({ FAIL: '1' }).status, 2, 'the compiler errors stop npm start')
  t.equal(statSync(join(dir, 'dist', 'src', 'cli.js')).mtimeMs, 0, 'the output is dated back')
  t.equal(p.start().status, 0)
  t.equal(p.builds(), 2, 'built again')
  t.end()
})

void t.test('an installed package (no sources) never builds', (t) => {
  const dir = t.testdir()
  const p = project(dir)
  rmSync(join(dir, 'src'), { recursive: true })
  t.equal(p.start().status, 0)
  t.equal(p.builds(), 0)
  t.end()
})
