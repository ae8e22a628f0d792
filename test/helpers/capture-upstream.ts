// An upstream that records every request exactly as it arrived, whatever its path or method, and
// answers each with a small JSON body. The fake Hubstaff only records what reaches /v2; the tests
// of the request guard need to see what would have reached anything else.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startFakeHubstaff, type FakeHubstaff } from './fake-hubstaff.js'
import { startTestGateway, type Settings, type TestGateway } from './gateway.js'

export interface CapturedRequest {
  readonly method: string
  /** The request target as it arrived on the wire. */
  readonly url: string
  readonly headers: Record<string, string | string[] | undefined>
}

export interface CaptureUpstream {
  readonly origin: string
  readonly requests: CapturedRequest[]
  close(): Promise<void>
}

export async function startCaptureUpstream(): Promise<CaptureUpstream> {
  const requests: CapturedRequest[] = []
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } })
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*' })
      res.end('{"captured":true}')
    })
  })
  server.on('clientError', (_err, socket) => socket.destroy())
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/**
 * The path a server that decodes and normalises generously would act on: percent-decoded until
 * stable, backslashes read as slashes, `;` parameters dropped, dot segments resolved.
 */
export function effectivePath(target: string): string {
  let path = target.split('?')[0] ?? ''
  if (!path.startsWith('/')) {
    try {
      path = new URL(path).pathname
    } catch {
      return path
    }
  }
  for (let i = 0; i < 8 && path.includes('%'); i++) {
    try {
      const next = decodeURIComponent(path)
      if (next === path) break
      path = next
    } catch {
      break
    }
  }
  const out: string[] = []
  for (const raw of path.replaceAll('\\', '/').split('/')) {
    const segment = raw.split(';')[0] ?? ''
    if (segment === '..') out.pop()
    else if (segment !== '.') out.push(segment)
  }
  const joined = out.join('/')
  return joined.startsWith('/') ? joined : `/${joined}`
}

/** Under /v2 for a server that reads the target as generously as effectivePath does. */
export function staysUnderV2(target: string): boolean {
  const path = effectivePath(target)
  return path === '/v2' || path.startsWith('/v2/')
}

/**
 * A live gateway whose API upstream is a capture upstream (its token endpoint is a fake Hubstaff),
 * both closed at the end of `t`. `issuedTokens` are the tokens the gateway could send.
 */
export async function startCapturedGateway(
  t: { teardown(fn: () => unknown): void; testdir(): string },
  settings: Settings = {},
): Promise<{ gw: TestGateway; upstream: CaptureUpstream; fake: FakeHubstaff }> {
  const fake = await startFakeHubstaff()
  t.teardown(() => fake.close())
  const upstream = await startCaptureUpstream()
  t.teardown(() => upstream.close())
  const gw = await startTestGateway({ upstream: upstream.origin, authUrl: fake.origin, refreshToken: fake.issueRefreshToken(), stateDir: t.testdir(), cache: 'off', ...settings })
  t.teardown(() => gw.close())
  return { gw, upstream, fake }
}
