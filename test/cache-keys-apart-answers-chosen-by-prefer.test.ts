// The mock's `Prefer: code=/example=/dynamic=/seed=` choose another answer for the same URL: the
// cache keeps each such answer under its own key (whatever the order or quoting of the
// preferences), while `Prefer: wait=`, which only says how long to queue for budget, never splits it.
import t from 'tap'
import { request } from 'undici'
import { withoutWait } from '../src/http/prefer.js'
import { cacheAround, header, req } from './helpers/cache-harness.js'
import { startTestGateway } from './helpers/gateway.js'

void t.test('through the mock: each preference gets its own cached answer, the plain one stays plain', async (t) => {
  const gw = await startTestGateway({ stateDir: t.testdir() })
  t.teardown(() => gw.close())
  const orgs = await request(`${gw.address}/v2/organizations`)
  const org = ((await orgs.body.json()) as { organizations: { id: number }[] }).organizations[0]?.id
  const url = `${gw.address}/v2/organizations/${org}/projects`
  const get = async (prefer?: string) => {
    const res = await request(url, { headers: prefer === undefined ? {} : { prefer } })
    const text = await res.body.text()
    return { status: res.statusCode, headers: res.headers, text, projects: (JSON.parse(text) as { projects: unknown[] }).projects }
  }

  const plain = await get()
  t.equal(plain.headers['cache-status'], 'hubstaff-gateway; fwd=miss; stored')
  t.ok(plain.projects.length > 0, 'the organization has projects')

  const generated = await get('dynamic=true')
  t.equal(generated.headers['cache-status'], 'hubstaff-gateway; fwd=miss; stored', 'not the plain answer: asked the mock and stored')
  t.not(generated.text, plain.text)
  t.equal(generated.headers.vary, 'Prefer', 'other caches are told the answer depends on Prefer')
  t.notMatch(String(generated.headers['cache-control']), /no-store/, 'no longer kept out of caches')

  const generatedAgain = await get('wait=5, dynamic="true"')
  t.equal(generatedAgain.headers['x-gateway-source'], 'cache', 'wait= and quoting do not split the key')
  t.equal(generatedAgain.text, generated.text)

  const plainAgain = await get('wait=5')
  t.equal(plainAgain.headers['x-gateway-source'], 'cache')
  t.equal(plainAgain.text, plain.text, 'a plain request (with only wait=) still gets the plain answer')

  const dynamic = await get('dynamic=true, seed=abc')
  t.equal(dynamic.headers['x-gateway-source'], 'mock')
  t.not(dynamic.text, plain.text)
  const reordered = await get('seed="abc"; q=1, dynamic=true')
  t.equal(reordered.headers['x-gateway-source'], 'cache', 'the order of the preferences does not split the key')
  t.equal(reordered.text, dynamic.text)
  const otherSeed = await get('dynamic=true, seed=xyz')
  t.equal(otherSeed.headers['x-gateway-source'], 'mock', 'another seed is another answer')
  t.not(otherSeed.text, dynamic.text)

  const missing = await request(url, { headers: { prefer: 'code=404' } })
  await missing.body.dump()
  t.equal(missing.statusCode, 404, 'a chosen error is never served from the plain entry')
  t.equal(missing.headers['x-gateway-source'], 'mock')
  const afterMissing = await get()
  t.equal(afterMissing.headers['x-gateway-source'], 'cache', 'nor does it drop the plain entry')
  t.equal(afterMissing.text, plain.text)
})

void t.test('a background refresh of a preference-keyed entry keeps its preferences but not wait=', async (t) => {
  const { handle, stub, clock } = cacheAround({ staleWhileRevalidate: 60 })
  await handle(req('GET', '/v2/tasks/1', { headers: { prefer: 'example=empty, wait=30' } }))
  await handle(req('GET', '/v2/tasks/1'))
  t.equal(stub.calls.length, 2, 'the plain request did not get the preference-keyed answer')
  clock.advance(70_000)
  const stale = await handle(req('GET', '/v2/tasks/1', { headers: { prefer: 'wait=30, example=empty' } }))
  t.match(header(stale, 'cache-status'), /detail=stale-while-revalidate/)
  t.equal(stub.calls.length, 3, 'one refresh went out')
  t.equal(stub.calls[2]?.headers.prefer, 'example=empty', 'it asks for the same kind of answer, and does not queue')
})

void t.test('wait= is taken out of a Prefer header, preference or parameter, and nothing else is', (t) => {
  t.equal(withoutWait('wait=5'), undefined)
  t.equal(withoutWait(undefined), undefined)
  t.equal(withoutWait('code=404; wait=5, wait=2; x=1, dynamic=true'), 'code=404, dynamic=true')
  t.equal(withoutWait(['example="a b"', 'WAIT=3']), 'example="a b"')
  t.equal(withoutWait('waiting=yes'), 'waiting=yes', 'only wait itself')
  t.end()
})
