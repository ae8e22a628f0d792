import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import t from 'tap'
import { request } from 'undici'
import { startTestGateway } from './helpers/gateway.js'

void t.test('the dashboard and everything it loads come from the gateway, not from a CDN', async (t) => {
  const gw = await startTestGateway({ mode: 'mock', stateDir: t.testdir() })
  t.teardown(() => gw.close())

  const page = await request(`${gw.address}/_gateway/`)
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  const csp = String(page.headers['content-security-policy'])
  t.match(csp, /default-src 'none'/)
  t.match(csp, /connect-src 'self'/, 'the page talks to this gateway only')
  t.match(csp, /frame-ancestors 'none'/, 'no other site can frame the mode switch')
  const html = await page.body.text()
  const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
  t.ok(urls.length >= 4)
  for (const url of urls) t.match(url, /^(\/_gateway\/|data:)/, `${url} is the gateway's own`)

  for (const url of urls.filter((u) => u.startsWith('/_gateway/dashboard/'))) {
    const res = await request(`${gw.address}${url}`)
    t.equal(res.statusCode, 200, url)
    t.match(res.headers['content-type'], url.endsWith('.js') ? /^text\/javascript/ : /^text\/css/)
    const body = await res.body.arrayBuffer()
    if (url.endsWith('uPlot.iife.min.js')) {
      const shipped = readFileSync(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'))
      t.ok(Buffer.from(body).equals(shipped), 'uPlot comes from node_modules as published')
    }
  }

  const bare = await request(`${gw.address}/_gateway`)
  t.equal(bare.statusCode, 302)
  t.equal(bare.headers.location, '/_gateway/')
  await bare.body.dump()

  const unknown = await request(`${gw.address}/_gateway/dashboard/package.json`)
  t.equal(unknown.statusCode, 404, 'only the listed assets are served')
  t.match(await unknown.body.json(), { code: 'HSG_ROUTE_NOT_FOUND' })
  // The request guard refuses dot segments on every route, before the asset table is consulted.
  const climbing = await request(`${gw.address}/_gateway/dashboard/..%2f..%2fpackage.json`)
  t.equal(climbing.statusCode, 400, 'a path climbing out is refused')
  t.match(await climbing.body.json(), { code: 'HSG_REQUEST_BAD_PATH' })
})
