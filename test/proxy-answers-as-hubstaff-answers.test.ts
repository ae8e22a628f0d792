import t from 'tap'
import { request } from 'undici'
import { rawRequest, startLiveGateway, startTestGateway } from './helpers/gateway.js'

void t.test('an app calling the gateway gets what Hubstaff answers', async (t) => {
  const { fake, gw } = await startLiveGateway(t)

  void t.test('a single record, with Hubstaff status, headers and body', async (t) => {
    const res = await request(`${gw.address}/v2/users/me`)
    const body = await res.body.text()
    t.equal(res.statusCode, 200)
    t.equal(res.headers['x-gateway-source'], 'upstream')
    t.match(res.headers.etag, /^W\/"/)
    t.equal(res.headers['cache-control'], 'max-age=0, private, must-revalidate')
    t.match(JSON.parse(body), { user: { id: 5001 } })
  })

  void t.test('a paginated walk through the gateway equals the walk Hubstaff serves', async (t) => {
    const walk = async (): Promise<number[]> => {
      const ids: number[] = []
      let start: number | undefined
      for (let page = 0; page < 10; page++) {
        const q = `page_limit=100${start === undefined ? '' : `&page_start_id=${start}`}`
        const res = await request(`${gw.address}/v2/organizations/1001/projects?${q}`)
        const data = (await res.body.json()) as { projects: { id: number }[]; pagination?: { next_page_start_id: number } }
        ids.push(...data.projects.map((p) => p.id))
        if (data.pagination === undefined) return ids
        start = data.pagination.next_page_start_id
      }
      throw new Error('pagination never ended')
    }
    const ids = await walk()
    t.equal(ids.length, 250, 'every active project, once')
    t.same(ids, [...ids].sort((a, b) => a - b), 'in id order')
  })

  void t.test('the app credentials never reach Hubstaff; the managed token does', async (t) => {
    const before = fake.requests.length
    await rawRequest(gw.address, '/v2/users/me', {
        headers: {
          authorization: 'Bearer app-own-token',
          cookie: 'session=abc',
          'x-gateway-key': 'k',
          'proxy-authorization': 'Basic x',
          connection: 'close, x-custom-hop',
          'x-custom-hop': 'dropped',
          'x-trace-id': 'kept',
          // /v2/users/me is cached by now; this request must reach Hubstaff.
          'cache-control': 'no-cache',
        },
    })
    const seen = fake.requests[before]
    t.ok(seen)
    t.match(seen?.headers.authorization, /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/, 'the managed JWT')
    t.not(seen?.headers.authorization, 'Bearer app-own-token')
    t.equal(seen?.headers.cookie, undefined)
    t.equal(seen?.headers['x-gateway-key'], undefined)
    t.equal(seen?.headers['proxy-authorization'], undefined)
    t.equal(seen?.headers['x-custom-hop'], undefined, 'headers named by Connection are hop-by-hop')
    t.equal(seen?.headers['x-trace-id'], 'kept')
  })

  void t.test('query strings pass byte-for-byte', async (t) => {
    const query = 'user_ids[]=5001&user_ids[]=5002&date[start]=2026-01-01&x=a%2Fb&x=%7E&empty=&flag'
    await request(`${gw.address}/v2/organizations/1001/members?${query}`).then((r) => r.body.dump())
    t.equal(fake.requests.at(-1)?.query, query)
  })

  void t.test('a write passes its body byte-for-byte and Hubstaff errors pass unchanged', async (t) => {
    const payload = '{"summary":"Write the report","assignee_id":5001,  "note":"ünïcode"}'
    const created = await request(`${gw.address}/v2/projects/20001/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload,
    })
    t.equal(created.statusCode, 200)
    t.match(await created.body.json(), { task: { summary: 'Write the report' } })
    t.equal(fake.requests.at(-1)?.body, payload)

    const invalid = await request(`${gw.address}/v2/projects/20001/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    t.equal(invalid.statusCode, 400)
    t.match(await invalid.body.json(), { code: 'invalid_params' })

    const missing = await request(`${gw.address}/v2/tasks/999999999`)
    t.equal(missing.statusCode, 404)
    t.equal(missing.headers['x-gateway-source'], 'upstream')
    t.same(await missing.body.json(), { code: 'not_found', error: 'Could not find record' })
  })

  void t.test('paths that could leave /v2 are refused before anything goes upstream', async (t) => {
    const before = fake.stats.apiRequests
    for (const path of ['/v2/../access_tokens', '/v2/%2e%2e/access_tokens', '/v2/users/..%2f..%2fx', '/v2/users\\me', '/v2/%zz']) {
      const res = await rawRequest(gw.address, path)
      t.equal(res.status, 400, path)
      t.match(res.headers['content-type'], /^application\/problem\+json/)
      t.match(JSON.parse(res.body), { code: 'HSG_REQUEST_BAD_PATH', status: 400 })
    }
    t.equal(fake.stats.apiRequests, before, 'nothing reached Hubstaff')
  })

  void t.test('an oversized body is refused with a problem, and the gateway keeps serving', async (t) => {
    const small = await startTestGateway({
      upstream: fake.origin,
      authUrl: fake.origin,
      refreshToken: fake.issueRefreshToken(),
      stateDir: t.testdir(),
      bodyLimit: 1024,
    })
    t.teardown(() => small.close())
    const res = await request(`${small.address}/v2/projects/20001/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ summary: 'x'.repeat(4096) }),
    })
    t.equal(res.statusCode, 413)
    t.match(await res.body.json(), { code: 'HSG_REQUEST_TOO_LARGE' })
    const after = await request(`${small.address}/v2/users/me`)
    t.equal(after.statusCode, 200)
    await after.body.dump()
  })

  void t.test('unknown gateway routes answer a problem', async (t) => {
    const res = await request(`${gw.address}/v3/users/me`)
    t.equal(res.statusCode, 404)
    t.match(await res.body.json(), { code: 'HSG_ROUTE_NOT_FOUND' })
  })

  void t.test('one log line per request with method, path, status, source and duration', (t) => {
    const lines = gw.logRecords().filter((r) => r.msg === 'request')
    t.ok(lines.length >= 5)
    const me = lines.find((r) => r.path === '/v2/users/me')
    t.match(me, { method: 'GET', path: '/v2/users/me', status: 200, source: 'upstream', durationMs: Number })
    t.end()
  })
})
