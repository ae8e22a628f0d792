import { ANONYMOUS } from '../src/apps.js'
import t from 'tap'
import { buildPipelines, STAGE_ORDER, type ModeParts, type ModeSettings } from '../src/pipeline/modes.js'
import type { GatewayRequest, Handler, Stage } from '../src/pipeline/types.js'

const request: GatewayRequest = { id: '1', method: 'GET', path: '/v2/users/me', query: '', headers: {}, body: undefined, signal: new AbortController().signal, app: ANONYMOUS }

/** A stage that records its name and the request's mode on the way in. */
const tracer = (name: string, trail: string[]): Stage => (next) => (req) => {
  trail.push(`${name}:${req.mode}`)
  return next(req)
}
const terminal = (name: string, trail: string[]): Handler => (req) => {
  trail.push(`${name}:${req.mode}`)
  return Promise.resolve({ status: 200, headers: {}, body: Buffer.alloc(0), source: 'upstream', upstreamCalls: 1 })
}

function parts(trail: string[], settings: ModeSettings, stages: ModeParts['stages'] = Object.fromEntries(STAGE_ORDER.map((n) => [n, tracer(n, trail)]))): ModeParts {
  return {
    stages,
    terminals: {
      upstream: terminal('upstream', trail),
      record: terminal('record', trail),
      mock: terminal('mock', trail),
      replay: (fallback) => (req) => {
        trail.push(`replay:${req.mode}`)
        return fallback === undefined ? Promise.reject(new Error('miss')) : fallback(req)
      },
    },
    settings,
  }
}

void t.test('the order is cache, split, auth, budget, then the terminal; each request carries its pipeline mode', async (t) => {
  t.same([...STAGE_ORDER], ['cache', 'split', 'auth', 'budget'])
  const trail: string[] = []
  const pipelines = buildPipelines(parts(trail, { mockBudget: false, fallback: 'record-missing' }))
  await pipelines.live.handle(request)
  t.same(trail, ['cache:live', 'split:live', 'auth:live', 'budget:live', 'upstream:live'])
  trail.length = 0
  await pipelines.mock.handle(request)
  t.same(trail, ['cache:mock', 'split:mock', 'mock:mock'], 'the mock needs no token and spends no budget')
  trail.length = 0
  await pipelines.replay.handle({ ...request, mode: 'live' })
  t.same(trail, ['cache:replay', 'split:replay', 'replay:replay', 'auth:replay', 'budget:replay', 'record:replay'], 'a replay miss is recorded from Hubstaff, still in replay mode')
})

void t.test('--mock-budget puts the budget in front of the mock', async (t) => {
  const trail: string[] = []
  const pipelines = buildPipelines(parts(trail, { mockBudget: true, fallback: 'none' }))
  t.same(pipelines.mock.stages, ['cache', 'split', 'budget'])
  await pipelines.mock.handle(request)
  t.same(trail, ['cache:mock', 'split:mock', 'budget:mock', 'mock:mock'])
})

void t.test('stages switched off drop out of every mode', (t) => {
  const trail: string[] = []
  const pipelines = buildPipelines(parts(trail, { mockBudget: false, fallback: 'mock' }, { auth: tracer('auth', trail), budget: tracer('budget', trail) }))
  t.same(pipelines.live.stages, ['auth', 'budget'])
  t.same(pipelines.replay.stages, [])
  t.same(pipelines.replay.fallback, { stages: [], terminal: 'mock' })
  t.end()
})
