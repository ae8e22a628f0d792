import t from 'tap'
import { headersForApp, headersForUpstream } from '../src/http/headers.js'

void t.test('towards Hubstaff: the app credentials, the gateway key and hop-by-hop headers stay behind', (t) => {
  const out = headersForUpstream({
    Authorization: 'Bearer app',
    cookie: 'a=b',
    'x-gateway-key': 'k',
    host: 'localhost:8787',
    'content-length': '3',
    'accept-encoding': 'gzip',
    'x-forwarded-for': '10.0.0.1',
    connection: 'keep-alive, X-Private-Hop',
    'x-private-hop': '1',
    'transfer-encoding': 'chunked',
    accept: 'application/json',
    'x-request-id': 'r1',
  })
  t.same(out, { accept: 'application/json', 'x-request-id': 'r1' })
  t.end()
})

void t.test('towards the app: Set-Cookie and framing stay behind, everything else passes', (t) => {
  const out = headersForApp({
    'set-cookie': ['session=upstream; HttpOnly'],
    'content-length': '10',
    'transfer-encoding': 'chunked',
    'keep-alive': 'timeout=5',
    etag: 'W/"1"',
    'cache-control': 'no-cache',
    'content-type': 'application/json; charset=utf-8',
    'content-encoding': 'gzip',
  })
  t.same(out, { etag: 'W/"1"', 'cache-control': 'no-cache', 'content-type': 'application/json; charset=utf-8', 'content-encoding': 'gzip' })
  t.end()
})
