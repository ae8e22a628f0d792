// The twin's refusals carry Hubstaff's envelope and status: a missing, too long or too old date
// range, a parameter of the wrong type, an id nobody has or an id of another organization.
import t, { type Test } from 'tap'
import { ORG, OTHER_ORG, ask, smallWorld, twinEngine } from './helpers/twin-world.js'

const engine = twinEngine()
const world = smallWorld()
const activities = `/v2/organizations/${ORG}/activities`
const daily = `/v2/organizations/${ORG}/activities/daily`

function refusal(t: Test, url: string, status: number, envelope: object, message: RegExp): void {
  const answer = ask(engine, world, 'GET', url)
  t.equal(answer.status, status, url)
  t.equal(answer.headers['content-type'], 'application/json; charset=utf-8')
  t.match(answer.json(), envelope)
  t.match(answer.json().error, message)
}

const INVALID = { code: 'invalid_params', error_code: 11000 }

void t.test('a date range longer than the endpoint allows is a 400 invalid_params', (t) => {
  refusal(t, `${activities}?time_slot[start]=2026-11-20T00:00:00Z&time_slot[stop]=2026-11-28T00:00:00Z`, 400, INVALID, /7 days/)
  refusal(t, `${daily}?date[start]=2026-11-01&date[stop]=2026-12-02`, 400, INVALID, /31 days/)
  t.equal(ask(engine, world, 'GET', `${daily}?date[start]=2026-11-01&date[stop]=2026-11-30`).status, 200, '30 days counted with both ends is fine')
  t.equal(ask(engine, world, 'GET', `${daily}?date[start]=2026-11-05&date[stop]=2026-12-05`).status, 200, '31 days is the most')
  t.equal(ask(engine, world, 'GET', `${activities}?time_slot[start]=2026-11-20T00:00:00Z&time_slot[stop]=2026-11-27T00:00:00Z`).status, 200, 'exactly 7 days is fine')
  t.end()
})

void t.test('a range starting before the history Hubstaff keeps is a 400', (t) => {
  refusal(t, `${activities}?time_slot[start]=2020-03-01T00:00:00Z&time_slot[stop]=2020-03-02T00:00:00Z`, 400, INVALID, /time_slot\[start\]/)
  refusal(t, `/v2/organizations/${ORG}/tool_usages/daily?date[start]=2026-10-01&date[stop]=2026-10-02`, 400, INVALID, /date\[start\]/)
  t.end()
})

void t.test('a missing or unreadable range is a 400 naming the parameter', (t) => {
  refusal(t, activities, 400, INVALID, /time_slot\[start\] is missing/)
  refusal(t, `${activities}?time_slot[start]=2026-12-01T00:00:00Z`, 400, INVALID, /time_slot\[stop\] is missing/)
  refusal(t, `${daily}?date[start]=yesterday&date[stop]=2026-12-01`, 400, INVALID, /date\[start\] is invalid/)
  refusal(t, `${daily}?date[start]=2026-12-03&date[stop]=2026-12-01`, 400, INVALID, /date\[stop\]/)
  t.end()
})

void t.test('a date parameter given a date-time is read as its date, as published clients send it', (t) => {
  const plain = ask(engine, world, 'GET', `${daily}?date[start]=2026-11-23&date[stop]=2026-12-04`)
  const timed = ask(engine, world, 'GET', `${daily}?date[start]=2026-11-23T00:00:00.000Z&date[stop]=2026-12-04T00:00:00.000Z`)
  t.equal(timed.status, 200)
  t.equal(timed.text, plain.text)
  t.ok(plain.json().daily_activities.length > 0)
  t.end()
})

void t.test('parameters of the wrong type are a 400', (t) => {
  refusal(t, `/v2/organizations/${ORG}/projects?page_limit=abc`, 400, INVALID, /page_limit/)
  refusal(t, `/v2/organizations/${ORG}/projects?page_limit=0`, 400, INVALID, /page_limit/)
  refusal(t, `/v2/organizations/${ORG}/projects?page_start_id=-3`, 400, INVALID, /page_start_id/)
  refusal(t, `/v2/organizations/${ORG}/tasks?user_ids=x`, 400, INVALID, /user_ids/)
  refusal(t, `/v2/organizations/${ORG}/tasks?status=lost`, 400, INVALID, /status/)
  refusal(t, `/v2/organizations/${ORG}/members?include_removed=maybe`, 400, INVALID, /include_removed/)
  refusal(t, `/v2/organizations/${ORG}/projects?include=robots`, 400, INVALID, /include/)
  t.end()
})

void t.test('an unknown id, or an id of an organization the token cannot see, is a 404', (t) => {
  const NOT_FOUND = { code: 'not_found', error: 'Could not find record' }
  refusal(t, '/v2/projects/999999', 404, NOT_FOUND, /Could not find/)
  refusal(t, '/v2/projects/2101', 404, NOT_FOUND, /Could not find/)
  refusal(t, '/v2/tasks/3101', 404, NOT_FOUND, /Could not find/)
  refusal(t, `/v2/organizations/${OTHER_ORG}`, 404, NOT_FOUND, /Could not find/)
  refusal(t, `/v2/organizations/${OTHER_ORG}/projects`, 404, NOT_FOUND, /Could not find/)
  refusal(t, '/v2/organizations/424242/projects', 404, NOT_FOUND, /Could not find/)
  refusal(t, '/v2/projects/abc', 404, NOT_FOUND, /Could not find/)
  const orgs = ask(engine, world, 'GET', '/v2/organizations').json().organizations.map((o: { id: number }) => o.id)
  t.same(orgs, [ORG], 'the organization list holds only those the token belongs to')
  t.end()
})

void t.test('a write with a body that breaks its schema is a 400 and stores nothing', (t) => {
  const before = ask(engine, world, 'GET', '/v2/projects/2001/tasks?page_limit=500').text
  const noSummary = ask(engine, world, 'POST', '/v2/projects/2001/tasks', { body: { assignee_ids: [502] } })
  t.equal(noSummary.status, 400)
  t.match(noSummary.json(), { ...INVALID, error: 'summary is missing' })
  const wrongType = ask(engine, world, 'POST', '/v2/projects/2001/tasks', { body: { summary: 42 } })
  t.equal(wrongType.status, 400)
  t.match(wrongType.json(), { ...INVALID, error: 'summary is invalid' })
  const badEnum = ask(engine, world, 'PUT', '/v2/tasks/3001', { body: { lock_version: 0, status: 'lost' } })
  t.match(badEnum.json(), { ...INVALID, error: 'status does not have a valid value' })
  const notJson = ask(engine, world, 'POST', '/v2/projects/2001/tasks', { body: '{summary' })
  t.equal(notJson.status, 400)
  const noLock = ask(engine, world, 'PUT', '/v2/tasks/3001', { body: { summary: 'x' } })
  t.match(noLock.json(), { ...INVALID, error: 'lock_version is missing' })
  const badKey = ask(engine, world, 'PUT', '/v2/projects/2001/update_metadata', { body: { metadata: [{ key: 'Bad Key', value: 'x' }] } })
  t.equal(badKey.status, 400)
  t.equal(ask(engine, world, 'GET', '/v2/projects/2001/tasks?page_limit=500').text, before)
  t.end()
})

void t.test('operations the twin does not model are left to Prism', (t) => {
  const answer = engine.answer(world, { method: 'GET', path: '/v2/error_codes', query: '', headers: {}, body: undefined, now: Date.now() })
  t.equal(answer, undefined)
  t.equal(engine.answer(world, { method: 'GET', path: '/v2/nothing/here', query: '', headers: {}, body: undefined, now: Date.now() }), undefined)
  t.equal(engine.answer(world, { method: 'PUT', path: '/v2/job_sites/1/add_rules', query: '', headers: {}, body: Buffer.from('{"rules":[]}'), now: Date.now() }), undefined)
  t.end()
})
