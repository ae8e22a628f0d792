// The answer every cache benchmark serves: the same 2 KB of JSON, with the headers Hubstaff sends
// on a list, so the bare server, Fastify and the gateway write the same bytes.

export const BODY_SIZE = 2048

/** A 2 KB task list, the same bytes everywhere. */
export function body(): Buffer {
  const tasks: object[] = []
  while (JSON.stringify({ tasks }).length < BODY_SIZE - 120) {
    tasks.push({ id: tasks.length + 1, project_id: 20001, summary: `Task ${tasks.length + 1}`, status: 'active', lock_version: 1 })
  }
  const unpadded = JSON.stringify({ tasks, pad: '' }).length
  return Buffer.from(JSON.stringify({ tasks, pad: 'x'.repeat(BODY_SIZE - unpadded) }))
}

export const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-cache',
  etag: 'W/"0123456789abcdef0123456789abcdef"',
}
