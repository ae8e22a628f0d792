// Issue #12, hole 8: exposure was silent. `serve --host 0.0.0.0` without app keys started without
// a word, and in team mode without an admin key any loopback client, with no key at all, could
// switch modes and purge the cache. Now a gateway listening beyond loopback with neither app keys
// nor an admin key does not start (exit 2, one line naming the risk and the fix) unless told
// `--allow-exposed`, and in team mode the admin surface needs the admin key or an admin app's key.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { hashKey } from '../src/apps.js'
import { checkExposure } from '../src/config/exposure.js'
import { loadConfig } from '../src/config/load.js'
import { runCli } from './helpers/cli-in-process.js'
import { rawRequest, ROOT, startLiveGateway, testConfig } from './helpers/gateway.js'

void t.test('serve on a non-loopback address without keys exits 2 with one line', async (t) => {
  for (const host of ['0.0.0.0', '::', '192.0.2.10', 'gateway.example']) {
    const result = await runCli(['serve', '--host', host, '--port', '0', '--state-dir', t.testdir()])
    t.equal(result.code, 2, `--host ${host}: exit code 2`)
    t.match(result.stderr, /^hubstaff-gateway: --host "[^"]+" exposes the gateway[^\n]*--allow-exposed[^\n]*\n$/, `--host ${host}: one line naming the risk and the fix`)
    t.notMatch(result.stderr, /^\s+at /m, 'no stack')
  }
  const fromEnv = await runCli(['serve', '--port', '0'], { HUBSTAFF_GATEWAY_HOST: '0.0.0.0', HUBSTAFF_GATEWAY_STATE_DIR: t.testdir() })
  t.equal(fromEnv.code, 2, 'the same from the environment')
})

void t.test('what starts on a non-loopback address, and what it warns about', (t) => {
  const check = (settings: Parameters<typeof testConfig>[0]) => checkExposure(testConfig(settings))
  t.same(check({}), [], 'loopback: nothing to say')
  t.same(check({ host: 'localhost' }), [])
  t.same(check({ host: '::1' }), [])
  t.throws(() => check({ host: '0.0.0.0' }), { code: 'HSG_CONFIG_INVALID' }, 'no keys: refused')
  const apps = JSON.stringify([{ name: 'a', keySha256: hashKey('k'.repeat(20)) }])
  t.same(check({ host: '0.0.0.0', apps, allowedHosts: 'gw.example' }), [], 'app keys and host names: starts quietly')
  t.match(check({ host: '0.0.0.0', apps }), [/--allowed-hosts/], 'app keys on every interface: names the host setting')
  t.match(check({ host: '0.0.0.0', adminKeySha256: hashKey('a'.repeat(20)), allowedHosts: 'gw.example' }), [/without app keys/], 'an admin key only: starts, warning that /v2 is open')
  t.match(check({ host: '0.0.0.0', allowExposed: 'true' }), [/without app keys/, /--allowed-hosts/], '--allow-exposed: starts, with warnings')
  t.match(check({ host: '192.0.2.10', allowExposed: 'true' }), [/without app keys/], 'one named address is itself an allowed host')
  t.end()
})

void t.test('the container image starts: its Dockerfile says --allow-exposed, with the reason', (t) => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
  const env: Record<string, string> = {}
  const block = /^ENV\s+([^]*?)(?:\n(?!\s))/m.exec(dockerfile)?.[1] ?? ''
  for (const [, name, value] of block.matchAll(/([A-Z_]+)=(\S+)/g)) env[name as string] = value as string
  t.equal(env.HUBSTAFF_GATEWAY_HOST, '0.0.0.0', 'the image listens on every interface of its container')
  const { config } = loadConfig({ flags: {}, configFile: undefined }, env)
  t.doesNotThrow(() => checkExposure(config), 'and is allowed to')
  t.match(dockerfile, /#[^\n]*127\.0\.0\.1:8787:8787/, 'a comment says to publish the port on loopback')
  t.end()
})

void t.test('team mode: the admin surface needs the admin key or an admin app, never just loopback', async (t) => {
  const adminApp = 'hsg_admin_app_key_0123456789'
  const plainApp = 'hsg_plain_app_key_0123456789'
  const apps = JSON.stringify([
    { name: 'ops', keySha256: hashKey(adminApp), admin: true },
    { name: 'report', keySha256: hashKey(plainApp) },
  ])
  const { gw } = await startLiveGateway(t, { apps })
  const loopback = { host: `127.0.0.1:${new URL(gw.address).port}` }
  const mode = await rawRequest(gw.address, '/_gateway/mode', { method: 'PUT', body: '{"mode":"mock"}', headers: { ...loopback, 'content-type': 'application/json' } })
  t.equal(mode.status, 401, 'a loopback client without a key cannot switch the mode')
  t.match(JSON.parse(mode.body), { code: 'HSG_ADMIN_KEY_INVALID' })
  t.equal(gw.gateway.mode.current, 'live', 'the mode is unchanged')
  const purge = await rawRequest(gw.address, '/_gateway/cache', { method: 'DELETE', headers: loopback })
  t.equal(purge.status, 401, 'nor purge the cache')
  t.equal((await rawRequest(gw.address, '/_gateway/status', { headers: { ...loopback, 'x-gateway-key': plainApp } })).status, 401, "an app's own key is not an admin key")
  t.equal((await rawRequest(gw.address, '/_gateway/status', { headers: { ...loopback, 'x-gateway-key': adminApp } })).status, 200, 'an admin app sends its key')
  t.equal((await rawRequest(gw.address, '/_gateway/status', { headers: { 'x-gateway-admin-key': adminApp } })).status, 200, 'in X-Gateway-Admin-Key as well')
  const basic = Buffer.from(`ops:${adminApp}`).toString('base64')
  t.equal((await rawRequest(gw.address, '/_gateway/', { headers: { authorization: `Basic ${basic}` } })).status, 200, 'and as the password a browser sends')
  t.equal((await rawRequest(gw.address, '/_gateway/health')).status, 200, 'health answers everyone')
})

void t.test('team mode without any admin key: the admin surface says what to configure', async (t) => {
  const apps = JSON.stringify([{ name: 'report', keySha256: hashKey('hsg_plain_app_key_0123456789') }])
  const { gw } = await startLiveGateway(t, { apps })
  const status = await rawRequest(gw.address, '/_gateway/status')
  t.equal(status.status, 401)
  t.match(JSON.parse(status.body), { code: 'HSG_ADMIN_KEY_INVALID', detail: /admin-key-sha256[^]*"admin": true/ })
  const keyed = await startLiveGateway(t, { apps, adminKey: 'an-admin-key-of-some-length' })
  t.equal((await rawRequest(keyed.gw.address, '/_gateway/status', { headers: { 'x-gateway-admin-key': 'an-admin-key-of-some-length' } })).status, 200, 'with an admin key configured, the key opens it')
})
