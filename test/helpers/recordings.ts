// Recordings written by hand, named as record mode names them, for replay tests.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { harEntry, harLog, serialiseHar } from '../../src/recordings/har.js'
import { recordingKey } from '../../src/recordings/key.js'
import { fileNameFor } from '../../src/recordings/store.js'

/** Writes one recording as record mode would name it. */
export function plant(dir: string, method: string, pathAndQuery: string, status: number, body: unknown): string {
  const [path = '', query = ''] = pathAndQuery.split('?')
  const name = fileNameFor(recordingKey(method, path, query, undefined), method, path)
  const entry = harEntry({
    method,
    url: `https://api.hubstaff.com${pathAndQuery}`,
    requestHeaders: { accept: 'application/json' },
    requestBody: undefined,
    status,
    responseHeaders: { 'content-type': 'application/json; charset=utf-8' },
    responseBody: Buffer.from(JSON.stringify(body)),
    startedAt: Date.UTC(2026, 0, 5),
    durationMs: 12,
  })
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, name), serialiseHar(harLog([entry])))
  return name
}
