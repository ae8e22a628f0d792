import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'

/** `dashboard/` sits at the package root: one level up from `plugins/`, two from `dist/plugins/`. */
function dashboardDir(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  for (const candidate of [join(here, '..', 'dashboard'), join(here, '..', '..', 'dashboard')]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate
  }
  throw new Error(`the dashboard's files (dashboard/index.html) are missing next to ${here}`)
}

interface Asset {
  readonly file: () => string
  readonly type: string
}

const uplot = (name: string) => () => createRequire(import.meta.url).resolve(`uplot/dist/${name}`)

/** Everything the page loads comes from the gateway itself: no CDN, it works offline. */
const ASSETS: Record<string, Asset> = {
  'app.js': { file: () => join(dashboardDir(), 'app.js'), type: 'text/javascript; charset=utf-8' },
  'style.css': { file: () => join(dashboardDir(), 'style.css'), type: 'text/css; charset=utf-8' },
  'uPlot.iife.min.js': { file: uplot('uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  'uPlot.min.css': { file: uplot('uPlot.min.css'), type: 'text/css; charset=utf-8' },
}

/** The page may only talk to the gateway, and may not be framed (its mode switch must not be clicked for you). */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
}

/** `GET /_gateway/`: the dashboard page and its assets (read once, when first asked for). */
export function registerDashboard(scope: FastifyInstance): void {
  const loaded = new Map<string, Buffer>()
  const read = (key: string, file: () => string): Buffer => {
    let body = loaded.get(key)
    if (body === undefined) {
      body = readFileSync(file())
      loaded.set(key, body)
    }
    return body
  }

  scope.get('/_gateway', (_request, reply) => reply.redirect('/_gateway/'))
  scope.get('/_gateway/', (_request, reply) =>
    reply
      .headers(SECURITY_HEADERS)
      .type('text/html; charset=utf-8')
      .send(read('index.html', () => join(dashboardDir(), 'index.html'))),
  )
  scope.get<{ Params: { asset: string } }>('/_gateway/dashboard/:asset', (request, reply) => {
    const asset = ASSETS[request.params.asset]
    if (asset === undefined) return reply.callNotFound()
    return reply.headers(SECURITY_HEADERS).type(asset.type).send(read(request.params.asset, asset.file))
  })
}
