// `key new --json` and `key hash --json` print one JSON object a script can read; the hash is the
// one the gateway keeps, and the text output stays as it was.
import t from 'tap'
import { hashKey } from '../src/apps.js'
import { runCli } from './helpers/cli-in-process.js'

void t.test('key new and key hash speak JSON when asked', async (t) => {
  const made = await runCli(['key', 'new', 'reports', '--json'])
  t.equal(made.code, 0)
  const entry = JSON.parse(made.stdout) as { name: string; key: string; keySha256: string }
  t.equal(entry.name, 'reports')
  t.match(entry.key, /^hsg_[\w-]{32}$/)
  t.equal(entry.keySha256, hashKey(entry.key))

  const hashed = await runCli(['key', 'hash', '--json'], {}, { stdin: `${entry.key}\n` })
  t.same(JSON.parse(hashed.stdout), { keySha256: entry.keySha256 })
  const text = await runCli(['key', 'hash', entry.key])
  t.equal(text.stdout, `${entry.keySha256}\n`)

  const bad = await runCli(['key', 'new', 'no spaces allowed', '--json'])
  t.equal(bad.code, 2)
  t.equal(bad.stdout, '')
  t.match(bad.stderr, /^hubstaff-gateway: key new needs an app name/)
})
