// Records carry a weak ETag of their rendering and `max-age=0, private, must-revalidate`, lists
// `no-cache`; an If-None-Match that still matches gets a 304 with no body, and a change to the
// record (or to a record it shows, like a member's user) changes the ETag.
import t from 'tap'
import { ME, ORG, ask, smallWorld, twinEngine } from './helpers/twin-world.js'

const engine = twinEngine()

void t.test('a record answer has a weak ETag and must be revalidated', (t) => {
  const world = smallWorld()
  const answer = ask(engine, world, 'GET', '/v2/projects/2001')
  t.equal(answer.status, 200)
  t.match(answer.headers.etag, /^W\/"[0-9a-f]{32}"$/)
  t.equal(answer.headers['cache-control'], 'max-age=0, private, must-revalidate')
  t.equal(answer.headers['content-type'], 'application/json; charset=utf-8')
  t.equal(ask(engine, world, 'GET', '/v2/projects/2001').headers.etag, answer.headers.etag, 'the same record, the same ETag')
  t.end()
})

void t.test('a list answer is no-cache and has an ETag of its body', (t) => {
  const world = smallWorld()
  const answer = ask(engine, world, 'GET', `/v2/organizations/${ORG}/projects`)
  t.equal(answer.headers['cache-control'], 'no-cache')
  t.match(answer.headers.etag, /^W\//)
  t.end()
})

void t.test('If-None-Match with the current ETag gets a 304 and no body', (t) => {
  const world = smallWorld()
  const first = ask(engine, world, 'GET', '/v2/tasks/3001')
  const etag = first.headers.etag as string
  for (const header of [etag, etag.replace(/^W\//, ''), `"other", ${etag}`, '*']) {
    const again = ask(engine, world, 'GET', '/v2/tasks/3001', { headers: { 'if-none-match': header } })
    t.equal(again.status, 304, header)
    t.equal(again.text, '')
    t.equal(again.headers.etag, etag)
  }
  t.equal(ask(engine, world, 'GET', '/v2/tasks/3001', { headers: { 'If-None-Match': etag } }).status, 304, 'the header name in any case')
  const list = ask(engine, world, 'GET', '/v2/projects/2001/tasks')
  t.equal(ask(engine, world, 'GET', '/v2/projects/2001/tasks', { headers: { 'if-none-match': list.headers.etag as string } }).status, 304)
  t.equal(ask(engine, world, 'GET', '/v2/tasks/3001', { headers: { 'if-none-match': 'W/"stale"' } }).status, 200)
  t.end()
})

void t.test('a change to the record, or to a record it shows, ends the 304s', (t) => {
  const world = smallWorld()
  const task = ask(engine, world, 'GET', '/v2/tasks/3001')
  ask(engine, world, 'PUT', '/v2/tasks/3001', { body: { lock_version: task.json().task.lock_version, summary: 'Renamed' } })
  const after = ask(engine, world, 'GET', '/v2/tasks/3001', { headers: { 'if-none-match': task.headers.etag as string } })
  t.equal(after.status, 200)
  t.not(after.headers.etag, task.headers.etag)
  const members = ask(engine, world, 'GET', `/v2/organizations/${ORG}/members`)
  ask(engine, world, 'PUT', `/v2/organizations/${ORG}/update_members`, { body: { members: [{ user_id: ME, first_name: 'Augusta' }] } })
  const renamed = ask(engine, world, 'GET', `/v2/organizations/${ORG}/members`, { headers: { 'if-none-match': members.headers.etag as string } })
  t.equal(renamed.status, 200, 'the member list shows the renamed user')
  t.equal(renamed.json().members.find((m: { user_id: number }) => m.user_id === ME).user.first_name, 'Augusta')
  t.end()
})

void t.test('a write answers no 304 whatever If-None-Match says', (t) => {
  const world = smallWorld()
  const etag = ask(engine, world, 'GET', '/v2/projects/2001').headers.etag as string
  const put = ask(engine, world, 'PUT', '/v2/projects/2001', { body: {}, headers: { 'if-none-match': etag } })
  t.equal(put.status, 200)
  t.end()
})
