// Mock list answers honour page_limit and page_start_id as Hubstaff does: a cursor that is a
// record id (inclusive), `pagination.next_page_start_id` only while another page exists, and a
// walk that visits every record once and ends.
import t from 'tap'
import { paginate } from '../src/mock/envelope.js'
import { BUNDLED_SPEC, everyGet, mockClient, readDoc } from './helpers/mock.js'

const lists = everyGet(readDoc(BUNDLED_SPEC)).filter(({ paged }) => paged)

type Page = Record<string, unknown> & { pagination?: { next_page_start_id: number } }

function withQuery(url: string, extra: string): string {
  return url + (url.includes('?') ? '&' : '?') + extra
}

void t.test('every list walks to its end, whatever the page size, static and dynamic', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  t.ok(lists.length >= 15, `${lists.length} list operations`)
  for (const headers of [{}, { prefer: 'dynamic=true' }] as Record<string, string>[]) {
    for (const { url } of lists) {
      const whole = (await mock.get(url, headers)).json() as Page
      const key = Object.keys(whole)[0] as string
      const all = whole[key] as Record<string, unknown>[]
      for (const limit of [1, 2, 3, 100]) {
        const seen: unknown[] = []
        let start: number | undefined
        for (let pages = 1; ; pages++) {
          const answer = await mock.get(withQuery(url, `page_limit=${limit}${start === undefined ? '' : `&page_start_id=${start}`}`), headers)
          t.equal(answer.status, 200)
          const page = answer.json() as Page
          const records = page[key] as unknown[]
          t.ok(records.length <= limit, `${url} limit ${limit}: at most ${limit} records`)
          seen.push(...records)
          if (page.pagination === undefined) break
          t.ok(records.length === limit, 'a page followed by another is full')
          t.ok(start === undefined || page.pagination.next_page_start_id > start, 'the cursor moves forward')
          start = page.pagination.next_page_start_id
          if (pages > all.length + 1) {
            t.fail(`${url}: the walk does not end`)
            break
          }
        }
        t.same(seen, all, `${url} (limit ${limit}${'prefer' in headers ? ', dynamic' : ''}): the pages add up to the whole list, in order`)
      }
    }
  }
})

void t.test('a cursor is inclusive and need not be an id that exists', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const first = (await mock.get('/v2/organizations/1001/projects?page_limit=2')).json() as Page
  t.same(
    (first.projects as { id: number }[]).map((p) => p.id),
    [20001, 20002],
  )
  t.same(first.pagination, { next_page_start_id: 20003 })
  const between = (await mock.get('/v2/organizations/1001/projects?page_limit=2&page_start_id=20002')).json() as Page
  t.same(
    (between.projects as { id: number }[]).map((p) => p.id),
    [20002, 20003],
    'inclusive',
  )
  const past = (await mock.get('/v2/organizations/1001/projects?page_start_id=99999999')).json() as Page
  t.same(past, { projects: [] }, 'past the last id: an empty page and no pagination')
  const last = (await mock.get('/v2/organizations/1001/projects?page_limit=5')).json() as Page
  t.notOk('pagination' in last, 'exactly one full page: no pagination')
})

void t.test('side-loads come only with include, and only for the records of the page', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const plain = (await mock.get('/v2/organizations/1001/members?page_limit=2')).json() as Page
  t.same(Object.keys(plain), ['members', 'pagination'])
  const withUsers = (await mock.get('/v2/organizations/1001/members?page_limit=2&include=users')).json() as Page
  const members = withUsers.members as { user_id: number }[]
  const users = withUsers.users as { id: number }[]
  t.same(
    users.map((u) => u.id),
    members.map((m) => m.user_id),
    'the users of this page, no more',
  )
  t.same(Object.keys(withUsers), ['members', 'users', 'pagination'], 'Hubstaff key order')
  const second = (await mock.get(`/v2/organizations/1001/members?page_limit=2&include[]=users&page_start_id=${withUsers.pagination?.next_page_start_id}`)).json() as Page
  t.same(
    (second.users as { id: number }[]).map((u) => u.id),
    (second.members as { user_id: number }[]).map((m) => m.user_id),
    'include[]= works too',
  )
})

void t.test('records without an id are paged by position', (t) => {
  const records = [{ name: 'a' }, { name: 'b' }, { name: 'c' }]
  t.same(paginate(records, 0, 2), { page: [{ name: 'a' }, { name: 'b' }], nextId: 3 })
  t.same(paginate(records, 3, 2), { page: [{ name: 'c' }] })
  t.same(paginate(records, 0, undefined), { page: records })
  t.end()
})
