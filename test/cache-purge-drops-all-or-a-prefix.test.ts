// DELETE /_gateway/cache drops everything, or the routes under ?prefix=/v2/...
import t from 'tap'
import { request } from 'undici'
import { startLiveGateway } from './helpers/gateway.js'

void t.test('purging the cache through the admin surface', async (t) => {
  const { gw } = await startLiveGateway(t)
  const paths = ['/v2/users/me', '/v2/projects/20001/tasks', '/v2/projects/20002/tasks?status=active', '/v2/organizations/1001/members']
  const source = async (path: string) => {
    const res = await request(`${gw.address}${path}`)
    await res.body.dump()
    return res.headers['x-gateway-source']
  }
  const purge = async (query = '') => {
    const res = await request(`${gw.address}/_gateway/cache${query}`, { method: 'DELETE' })
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown>, type: res.headers['content-type'] }
  }
  const entries = async () => ((await (await request(`${gw.address}/_gateway/status`)).body.json()) as { cache: { entries: number } }).cache.entries
  for (const path of paths) await source(path)
  t.equal(await entries(), 4)

  void t.test('by prefix', async (t) => {
    const res = await purge('?prefix=/v2/projects/')
    t.equal(res.status, 200)
    t.same(res.body, { purged: 2, prefix: '/v2/projects/' })
    t.equal(await entries(), 2)
    t.equal(await source('/v2/users/me'), 'cache', 'other routes stay')
    t.equal(await source('/v2/projects/20001/tasks'), 'upstream', 'purged routes are fetched again')

    await source('/v2/projects/20002/tasks?status=active')
    t.same((await purge('?prefix=/v2/projects/20002/tasks?status=')).body, { purged: 1, prefix: '/v2/projects/20002/tasks?status=' }, 'a prefix may reach into the normalised query')
    t.same((await purge('?prefix=/v2/nothing/')).body, { purged: 0, prefix: '/v2/nothing/' })
  })

  void t.test('a prefix outside /v2/ is refused with a problem and purges nothing', async (t) => {
    const before = await entries()
    for (const query of ['?prefix=', '?prefix=/v1/users', '?prefix=v2/users', '?prefix=/v2', '?prefix=/v2/a&prefix=/v2/b']) {
      const res = await purge(query)
      t.equal(res.status, 400, query)
      t.match(res.type, /^application\/problem\+json/)
      t.match(res.body, { code: 'HSG_CACHE_BAD_PREFIX', status: 400 }, query)
    }
    t.equal(await entries(), before)
  })

  void t.test('everything', async (t) => {
    const res = await purge()
    t.equal(res.status, 200)
    t.same(res.body, { purged: 3 })
    t.equal(await entries(), 0)
    t.equal(await source('/v2/users/me'), 'upstream')
  })

  void t.test('only loopback clients may purge', async (t) => {
    const res = await gw.app.inject({ method: 'DELETE', url: '/_gateway/cache', remoteAddress: '192.0.2.10' })
    t.equal(res.statusCode, 403)
    t.match(res.json(), { code: 'HSG_ADMIN_FORBIDDEN' })
    t.equal(await entries(), 1)
  })

  void t.test('the purge is logged', (t) => {
    t.ok(gw.logRecords().some((r) => r.msg === 'cache purged' && r.prefix === '/v2/projects/' && r.purged === 2))
    t.end()
  })
})
