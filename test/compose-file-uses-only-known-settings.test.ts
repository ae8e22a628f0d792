// compose.yaml (a team gateway: Redis and two instances) parses, and every setting it gives a gateway
// is one the configuration schema knows, with a value the schema accepts; the image it builds
// (Dockerfile) sets only known settings too. No container engine runs here: this is what can be
// checked without one.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { parse } from 'yaml'
import { loadConfig } from '../src/config/load.js'
import { knownVariables } from '../src/config/unknown-env.js'
import { envName, SETTING_KEYS, SETTINGS } from '../src/config/settings.js'
import { ROOT } from './helpers/gateway.js'

interface Service {
  build?: string
  image?: string
  environment?: Record<string, string | number | boolean> | string[]
  ports?: string[]
  volumes?: string[]
  depends_on?: Record<string, { condition?: string }>
}
interface Compose {
  services: Record<string, Service>
  volumes?: Record<string, unknown>
}

// Parsed as Compose does: anchors and merge keys (`<<: *gateway`) resolved.
const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as Compose
const gateways = Object.entries(compose.services).filter(([, s]) => s.build !== undefined)

function environment(service: Service): Record<string, string> {
  const env = service.environment ?? {}
  if (Array.isArray(env)) return Object.fromEntries(env.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]))
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]))
}

/** A variable the gateway reads: `HUBSTAFF_GATEWAY_<FLAG>` of a setting, or a setting's extra one. */
const KNOWN = new Set([...knownVariables(), ...SETTING_KEYS.flatMap((k) => (SETTINGS[k] as { extraEnv?: readonly string[] }).extraEnv ?? [])])

void t.test('Redis and two gateway instances built from the Dockerfile', (t) => {
  t.ok(compose.services.redis, 'a redis service')
  t.match(compose.services.redis?.image, /^redis:/)
  t.equal(gateways.length, 2, 'two gateway services')
  for (const [name, service] of gateways) {
    t.equal(service.build, '.', `${name} builds the Dockerfile`)
    t.match(service.depends_on, { redis: { condition: 'service_healthy' } }, `${name} waits for Redis`)
    t.equal(service.volumes?.length, 1, `${name} has one volume`)
  }
  const volumes = gateways.map(([, s]) => (s.volumes?.[0] ?? '').split(':')[0])
  t.equal(new Set(volumes).size, 2, 'each instance its own state volume')
  for (const volume of [...volumes, 'redis-data']) t.ok(compose.volumes !== undefined && volume !== undefined && volume in compose.volumes, `volume ${volume} is declared`)
  for (const [name, service] of gateways) t.ok(service.volumes?.[0]?.endsWith(':/data'), `${name} mounts it where the image keeps /data/state`)
  const ports = gateways.flatMap(([, s]) => s.ports ?? [])
  t.equal(new Set(ports.map((p) => p.split(':').slice(0, -1).join(':'))).size, ports.length, 'each instance on its own host port')
  for (const port of ports) t.match(port, /^127\.0\.0\.1:\d+:8787$/, `${port} is published on loopback only`)
  t.end()
})

void t.test('every HUBSTAFF_* variable a gateway gets is a setting, with a value the schema accepts', (t) => {
  for (const [name, service] of gateways) {
    const env = environment(service)
    const names = Object.keys(env).filter((k) => k.startsWith('HUBSTAFF_'))
    t.ok(names.length > 0, `${name} sets settings`)
    for (const variable of names) t.ok(KNOWN.has(variable), `${name}: ${variable} is a known setting`)
    // What comes from the user's environment (${VAR:?...}) cannot be checked here; the rest can.
    const literal = Object.fromEntries(Object.entries(env).filter(([, v]) => !v.includes('${')))
    const { config, sources } = loadConfig({ flags: {}, configFile: undefined }, literal)
    for (const variable of Object.keys(literal)) {
      const key = SETTING_KEYS.find((k) => envName(SETTINGS[k].flag) === variable)
      t.ok(key !== undefined && sources[key] === 'env', `${name}: ${variable} is read`)
    }
    t.match(config.redis, /^redis:\/\/redis:6379/, `${name} uses the redis service`)
    t.equal(config.redisInstances, gateways.length, `${name}: --redis-instances is the number of instances`)
    for (const secret of ['HUBSTAFF_REFRESH_TOKEN', 'HUBSTAFF_GATEWAY_APPS', 'HUBSTAFF_GATEWAY_ADMIN_KEY_SHA256']) {
      t.match(env[secret], new RegExp(`^\\$\\{${secret}:\\?`), `${name}: ${secret} comes from the environment, required`)
    }
  }
  t.end()
})

void t.test("the image's own settings are known ones", (t) => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
  const names = [...dockerfile.matchAll(/\b(HUBSTAFF_[A-Z0-9_]+)=/g)].map((m) => m[1] ?? '')
  t.ok(names.length > 0)
  for (const variable of names) t.ok(KNOWN.has(variable), `Dockerfile: ${variable} is a known setting`)
  t.match(dockerfile, /HUBSTAFF_GATEWAY_STATE_DIR=\/data\/state/, 'the state dir is inside the /data volume')
  t.end()
})
