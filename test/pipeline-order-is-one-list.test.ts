import { ANONYMOUS } from '../src/apps.js'
import t from 'tap'
import { buildPipelines, STAGE_ORDER, stagesFor, UPSTREAM_MODES } from '../src/pipeline/index.js'
import type { GatewayRequest, Handler, Stage } from '../src/pipeline/types.js'

const request: GatewayRequest = { id: '1', method: 'GET', path: '/v2/users/me', query: '', headers: {}, body: undefined, signal: new AbortController().signal, app: ANONYMOUS }

/** A stage that records its name on the way in. */
const tracer = (name: string, trail: string[]): Stage => (next) => (req) => {
  trail.push(name)
  return next(req)
}
const terminal = (name: string, trail: string[]): Handler => () => {
  trail.push(name)
  return Promise.resolve({ status: 200, headers: {}, body: Buffer.alloc(0), source: 'upstream', upstreamCalls: 1 })
}

void t.test('the order is cache, split, auth, budget, then the terminal', async (t) => {
  t.same([...STAGE_ORDER], ['cache', 'split', 'auth', 'budget'])
  const trail: string[] = []
  const stages = Object.fromEntries(STAGE_ORDER.map((n) => [n, tracer(n, trail)]))
  const pipelines = buildPipelines({
    stages,
    terminals: { live: terminal('live', trail), mock: terminal('mock', trail) },
    runsIn: { auth: UPSTREAM_MODES, budget: UPSTREAM_MODES },
  })
  await pipelines.live(request)
  t.same(trail, ['cache', 'split', 'auth', 'budget', 'live'])
  trail.length = 0
  await pipelines.mock(request)
  t.same(trail, ['cache', 'split', 'mock'], 'the mock needs no token and spends no budget')
  t.same(stagesFor('mock', { stages, runsIn: { budget: new Set(['live', 'mock']) } }), ['cache', 'split', 'auth', 'budget'], 'a stage can run in front of the mock too')
})

void t.test('missing stages drop out; modes without a terminal say so', async (t) => {
  t.same(stagesFor('live', { stages: { auth: (n) => n }, runsIn: {} }), ['auth'])
  const pipelines = buildPipelines({ stages: {}, terminals: {}, runsIn: {} })
  await t.rejects(pipelines.replay(request), { code: 'HSG_MODE_UNAVAILABLE' })
})
