// examples/published-client.mjs, an app written against a Hubstaff client as the ones on npm are
// written (axios style; `date[start]` sent as `2026-11-23T00:00:00.000Z`), run against a gateway in
// mock mode: every call answers, with non-empty data that agrees with itself (activities of
// members, on projects of the organization, inside the week asked for).
import t from 'tap'
import { startTestGateway } from './helpers/gateway.js'
// @ts-expect-error -- a plain ESM example without type declarations
import { HubstaffClient, tour } from '../examples/published-client.mjs'

interface Tour {
  counts?: Record<string, number>
  problems: string[]
}

void t.test('a published client’s calls return non-empty, consistent data', async (t) => {
  const gw = await startTestGateway({ mode: 'mock', stateDir: t.testdir(), logLevel: 'warn' })
  t.teardown(() => gw.close())
  const result = (await tour(new HubstaffClient({ baseURL: `${gw.address}/v2` }))) as Tour
  t.same(result.problems, [], 'no empty answer, no disagreement')
  for (const [what, count] of Object.entries(result.counts ?? {})) t.ok(count > 0, `${what}: ${count}`)
  const again = (await tour(new HubstaffClient({ baseURL: `${gw.address}/v2`, session: 'client-test' }))) as Tour
  t.same(again.counts, result.counts, 'a session starts from the same organization')
})
