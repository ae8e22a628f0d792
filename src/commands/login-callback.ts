import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ConfigError } from '../errors.js'

/** The browser's one visit to the redirect URI, held open until the login is decided. */
export interface Callback {
  /** The full redirect URL the browser was sent to, as `http://localhost:<port>/callback?...`. */
  readonly url: URL
  /** Answers the browser with a small page and ends the visit. */
  respond(ok: boolean, message: string): void
}

export interface CallbackServer {
  readonly port: number
  readonly redirectUri: string
  /** The first visit to /callback, or a rejection after `timeoutMs`. */
  next(timeoutMs: number): Promise<Callback>
  close(): Promise<void>
}

export class LoginTimeout extends Error {}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function page(ok: boolean, message: string): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>hubstaff-gateway login</title>' +
    '<style>body{font:16px system-ui,sans-serif;margin:4rem auto;max-width:34rem;color:#222}h1{font-size:1.3rem}</style></head>' +
    `<body><h1>${ok ? 'Logged in' : 'Login failed'}</h1><p>${escape(message)}</p><p>You can close this tab.</p></body></html>`
  )
}

/**
 * The loopback redirect target of RFC 8252 (7.3): it listens on 127.0.0.1 only, takes one visit to
 * /callback and answers everything else 404, so nothing else on the machine can feed it.
 */
export async function startCallbackServer(port: number): Promise<CallbackServer> {
  let waiting: ((callback: Callback) => void) | undefined
  let taken = false
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://localhost:${(server.address() as AddressInfo).port}`)
    if (req.method !== 'GET' || url.pathname !== '/callback') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n')
      return
    }
    if (taken || waiting === undefined) {
      res.writeHead(409, { 'content-type': 'text/html; charset=utf-8' }).end(page(false, 'This login has already been answered; run hubstaff-gateway login again.'))
      return
    }
    taken = true
    waiting({
      url,
      respond: (ok, message) => {
        res.writeHead(ok ? 200 : 400, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' })
        res.end(page(ok, message))
      },
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE' || err.code === 'EACCES'
          ? new ConfigError(`cannot listen on --callback-port ${port} (${err.code}); choose another port registered as a redirect URI of your app`)
          : err,
      ),
    )
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const actual = (server.address() as AddressInfo).port
  return {
    port: actual,
    redirectUri: `http://localhost:${actual}/callback`,
    next(timeoutMs) {
      return new Promise<Callback>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting = undefined
          reject(new LoginTimeout(`no answer from the browser within ${Math.round(timeoutMs / 1000)} s; nothing was stored (run login again, or raise --timeout)`))
        }, timeoutMs)
        waiting = (callback) => {
          clearTimeout(timer)
          resolve(callback)
        }
      })
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}
