// The same request recorded twice with two different answers replays them in the order they were
// recorded; once the recordings of a request are used up, its last answer repeats.
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { startLiveGateway, startTestGateway } from './helpers/gateway.js'

const CREATE = { method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ summary: 'Same task', assignee_id: 5001 }) }

async function create(address: string, body = CREATE.body): Promise<{ id: unknown; source: unknown }> {
  const res = await request(`${address}/v2/projects/20001/tasks`, { ...CREATE, body })
  const json = (await res.body.json()) as { task?: { id: unknown } }
  return { id: json.task?.id, source: res.headers['x-gateway-source'] }
}

void t.test('repeats replay in recorded order, then the last one again', async (t) => {
  const root = t.testdir()
  const recordings = join(root, 'recordings')
  const { fake, gw } = await startLiveGateway(t, { mode: 'record', recordings, stateDir: join(root, 'state') })
  const first = await create(gw.address)
  const second = await create(gw.address)
  t.not(first.id, second.id, 'Hubstaff made two tasks')
  await gw.close()
  await fake.close()

  const replay = await startTestGateway({ mode: 'replay', recordings, stateDir: join(root, 'replay') })
  t.teardown(() => replay.close())
  t.same(await create(replay.address), { id: first.id, source: 'replay' }, 'first answer first')
  t.same(await create(replay.address), { id: second.id, source: 'replay' }, 'second answer second')
  t.same(await create(replay.address), { id: second.id, source: 'replay' }, 'then the last answer again')
  // The same JSON in other spacing and key order is the same request.
  const respaced = `{ "assignee_id": 5001,\n  "summary": "Same task" }`
  t.same(await create(replay.address, respaced), { id: second.id, source: 'replay' }, 'JSON bodies match by value')
  const other = await request(`${replay.address}/v2/projects/20001/tasks`, { ...CREATE, body: JSON.stringify({ summary: 'Another task' }) })
  t.equal(other.statusCode, 404, 'another body is another request')
  t.match(await other.body.json(), { code: 'HSG_REPLAY_MISS' })
})
