// `npm ci` on a supported Node prints no EBADENGINE warning: every package the gateway runs with
// accepts the whole Node 20 line package.json declares (checked with semver, for the versions not
// running here), every package of the lock file accepts this Node, and a dry run of `npm ci` on
// this Node, from the lock file alone, warns about nothing.
import { spawnSync } from 'node:child_process'
import { copyFileSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import t from 'tap'
import { ROOT } from './helpers/gateway.js'

interface Semver {
  subset(sub: string, dom: string): boolean
  satisfies(version: string, range: string): boolean
}
// semver comes with npm's own dependencies of the toolchain; no types needed for two calls.
const semver = createRequire(import.meta.url)('semver') as Semver

interface Lock {
  packages: Record<string, { version?: string; dev?: boolean; engines?: { node?: string } | string[] }>
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lock

void t.test('the packages the gateway runs with accept the whole Node 20 line it declares', (t) => {
  const supported = pkg.engines.node
  t.ok(semver.satisfies(process.version, supported), `this Node (${process.version}) is one of the supported ${supported}`)
  // Odd-numbered Node lines are never supported by anyone: the promise is Node 20 onwards, even lines.
  const node20 = `${supported} <21`
  const refusing: string[] = []
  const refusingHere: string[] = []
  for (const [path, entry] of Object.entries(lock.packages)) {
    const wants = Array.isArray(entry.engines) ? undefined : entry.engines?.node
    if (path === '' || wants === undefined) continue
    const name = `${path.replace(/^.*node_modules\//, '')}@${entry.version ?? '?'} wants node ${wants}`
    if (entry.dev !== true && !semver.subset(node20, wants)) refusing.push(name)
    if (!semver.satisfies(process.version, wants)) refusingHere.push(name)
  }
  t.same(refusing, [], 'no runtime package narrows the Node versions (add an override, or change engines in package.json)')
  t.same(refusingHere, [], `every package, development tools included, accepts this Node (${process.version})`)
  t.end()
})

void t.test('a dry run of npm ci from the lock file prints no EBADENGINE', (t) => {
  const dir = t.testdir()
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'))
  copyFileSync(join(ROOT, 'package-lock.json'), join(dir, 'package-lock.json'))
  const npm = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund', '--offline'], { cwd: dir, encoding: 'utf8', timeout: 60_000 })
  t.equal(npm.status, 0, `npm ci --dry-run exits 0: ${npm.stderr}`)
  t.notMatch(`${npm.stdout}${npm.stderr}`, /EBADENGINE/, 'no engine warning')
  t.end()
})
