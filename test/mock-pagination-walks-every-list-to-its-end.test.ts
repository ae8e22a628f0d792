// Mock list answers honour page_limit and page_start_id as Hubstaff does: a cursor that is a
// record id (inclusive), `pagination.next_page_start_id` only while another page exists, and a
// walk that visits every record once and ends. The twin's lists hold the model's records; Prism's
// generated lists (`Prefer: dynamic=true`) are cut the same way.
import t, { type Test } from 'tap'
import { paginate } from '../src/mock/envelope.js'
import { BUNDLED_SPEC, everyGet, mockClient, modelIds, readDoc } from './helpers/mock.js'

const doc = readDoc(BUNDLED_SPEC)

type Page = Record<string, unknown> & { pagination?: { next_page_start_id: number } }

function withQuery(url: string, extra: string): string {
  return url + (url.includes('?') ? '&' : '?') + extra
}

/** Walks a list with `limit` records a page; the records seen, or undefined when a page failed. */
async function walk(t: Test, get: (url: string) => Promise<{ status: number; json(): Page }>, url: string, key: string, limit: number, most: number): Promise<unknown[]> {
  const seen: unknown[] = []
  let start: number | undefined
  for (let pages = 1; ; pages++) {
    const asked = withQuery(url, `page_limit=${limit}${start === undefined ? '' : `&page_start_id=${start}`}`)
    const answer = await get(asked)
    if (answer.status !== 200) {
      t.fail(`${asked}: 200`, { status: answer.status, body: JSON.stringify(answer.json()) })
      return seen
    }
    const page = answer.json()
    const records = (page[key] ?? []) as unknown[]
    t.ok(records.length <= limit, `${url} limit ${limit}: at most ${limit} records`)
    seen.push(...records)
    if (page.pagination === undefined) break
    t.equal(records.length, limit, 'a page followed by another is full')
    t.ok(start === undefined || page.pagination.next_page_start_id > start, 'the cursor moves forward')
    start = page.pagination.next_page_start_id
    if (pages > most) {
      t.fail(`${url}: the walk does not end`)
      break
    }
  }
  return seen
}

void t.test('every list of the model walks to its end, whatever the page size', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const ids = await modelIds(mock)
  const lists = everyGet(doc, { ids, now: Date.now() }).filter(({ paged }) => paged)
  let walked = 0
  for (const { url } of lists) {
    const whole = await mock.get(withQuery(url, 'page_limit=500'))
    if (whole.status !== 200) continue
    const body = whole.json() as Page
    if (body.pagination !== undefined) continue
    const key = Object.keys(body)[0] as string
    const all = body[key]
    // work_break_projects takes page_limit yet answers one record.
    if (!Array.isArray(all) || all.length === 0) continue
    walked++
    for (const limit of [1, 3, 100]) {
      if (all.length / limit > 60) continue
      const seen = await walk(t, (u) => mock.get(u), url, key, limit, all.length + 1)
      t.same(seen, all, `${url} (limit ${limit}): the pages add up to the whole list, in order`)
    }
  }
  t.ok(walked >= 15, `${walked} lists of the model walked`)
})

void t.test('generated lists (Prefer: dynamic=true) walk to their end too', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const headers = { prefer: 'dynamic=true' }
  for (const { url } of everyGet(doc).filter(({ paged }) => paged)) {
    const whole = (await mock.get(url, headers)).json() as Page
    const key = Object.keys(whole)[0] as string
    if (!Array.isArray(whole[key])) continue
    for (const limit of [1, 2, 100]) {
      const seen = await walk(t, (u) => mock.get(u, headers), url, key, limit, 10)
      t.same(seen, whole[key], `${url} (limit ${limit}, dynamic): the pages add up to the whole list`)
    }
  }
})

void t.test('a cursor is inclusive and need not be an id that exists', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const { organization_id: org } = await modelIds(mock)
  const all = ((await mock.get(`/v2/organizations/${org}/projects`)).json().projects as { id: number }[]).map((p) => p.id)
  t.ok(all.length >= 3, 'the model has at least three projects')
  const [a, b, c] = all as [number, number, number]
  const first = (await mock.get(`/v2/organizations/${org}/projects?page_limit=2`)).json() as Page
  t.same((first.projects as { id: number }[]).map((p) => p.id), [a, b])
  t.same(first.pagination, { next_page_start_id: c })
  const between = (await mock.get(`/v2/organizations/${org}/projects?page_limit=2&page_start_id=${b}`)).json() as Page
  t.same((between.projects as { id: number }[]).map((p) => p.id), all.slice(1, 3), 'inclusive')
  const gap = (await mock.get(`/v2/organizations/${org}/projects?page_limit=1&page_start_id=${a + 1}`)).json() as Page
  t.same((gap.projects as { id: number }[]).map((p) => p.id), [b], 'an id that does not exist starts at the next one')
  const past = (await mock.get(`/v2/organizations/${org}/projects?page_start_id=${(all.at(-1) ?? 0) + 1}`)).json() as Page
  t.same(past, { projects: [] }, 'past the last id: an empty page and no pagination')
  const exact = (await mock.get(`/v2/organizations/${org}/projects?page_limit=${all.length}`)).json() as Page
  t.notOk('pagination' in exact, 'exactly one full page: no pagination')
})

void t.test('side-loads come only with include, and only for the records of the page', async (t) => {
  const mock = await mockClient({ stateDir: t.testdir() })
  const { organization_id: org } = await modelIds(mock)
  const plain = (await mock.get(`/v2/organizations/${org}/members?page_limit=2`)).json() as Page
  t.same(Object.keys(plain), ['members', 'pagination'])
  const withUsers = (await mock.get(`/v2/organizations/${org}/members?page_limit=2&include=users`)).json() as Page
  const members = withUsers.members as { user_id: number }[]
  const users = withUsers.users as { id: number }[]
  t.same(
    users.map((u) => u.id).sort(),
    members.map((m) => m.user_id).sort(),
    'the users of this page, no more',
  )
  t.same(Object.keys(withUsers), ['members', 'users', 'pagination'], 'Hubstaff key order')
  const second = (await mock.get(`/v2/organizations/${org}/members?page_limit=2&include[]=users&page_start_id=${withUsers.pagination?.next_page_start_id}`)).json() as Page
  t.same(
    (second.users as { id: number }[]).map((u) => u.id).sort(),
    (second.members as { user_id: number }[]).map((m) => m.user_id).sort(),
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
