import { main } from '../src/cli.js'
import { startFakeOidc } from './helpers/fake-oidc.js'
const fake = await startFakeOidc()
fake.signWithUnknownKey = true
let err = ''
const code = await main({ argv: ['login', '--auth-url', fake.origin, '--state-dir', '/tmp/me/lst', '--timeout', '5'], env: { HUBSTAFF_GATEWAY_CLIENT_ID: fake.clientId, HUBSTAFF_GATEWAY_CLIENT_SECRET: fake.clientSecret }, stdout: (s) => process.stdout.write(s), stderr: (s) => { err += s; process.stderr.write(s); const a = /^\s+(http:\S+)$/m.exec(s)?.[1]; if (a) void (async () => { const r = await fetch(a, { redirect: 'manual' }); const l = new URL(r.headers.get('location')!); l.hostname = '127.0.0.1'; await fetch(l) })() } })
console.log('code', code)
await fake.close()
