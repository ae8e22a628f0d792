// Walks a paginated Hubstaff list to its end, as an app does: through the gateway, or straight
// against the fake Hubstaff (the reference walk of a fake that never blanks).
import type { Test } from 'tap'
import { request } from 'undici'
import type { FakeBlankForm, FakeHubstaff } from './fake-hubstaff.js'
import { startLiveGateway } from './gateway.js'

export interface WalkPage {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: Record<string, unknown>
}

export interface Walk {
  /** The list key's records of every page, in the order they came. */
  readonly records: Record<string, unknown>[]
  readonly pages: WalkPage[]
}

/** Pages at most; a walk that does not end is a failure, not a hang. */
const MAX_PAGES = 500

/**
 * GETs `${base}${path}?${query}&page_limit=N`, then follows `pagination.next_page_start_id` until a
 * page has no `pagination`. Throws on anything but a 200 with JSON (with the answer in the message).
 */
export async function walk(
  base: string,
  path: string,
  query: string,
  listKey: string,
  pageLimit: number | undefined,
  headers: Record<string, string> = {},
  onPage: (index: number) => void = () => {},
): Promise<Walk> {
  const records: Record<string, unknown>[] = []
  const pages: WalkPage[] = []
  let cursor: number | undefined
  for (let i = 0; i < MAX_PAGES; i++) {
    const parts = [query]
    if (pageLimit !== undefined) parts.push(`page_limit=${pageLimit}`)
    if (cursor !== undefined) parts.push(`page_start_id=${cursor}`)
    const res = await request(`${base}${path}?${parts.filter((p) => p !== '').join('&')}`, { headers })
    const text = await res.body.text()
    if (res.statusCode !== 200) throw new Error(`page ${i + 1} of ${path}: ${res.statusCode} ${text.slice(0, 500)}`)
    const body = JSON.parse(text) as Record<string, unknown>
    pages.push({ status: res.statusCode, headers: res.headers, body })
    records.push(...(body[listKey] as Record<string, unknown>[]))
    onPage(i)
    const next = (body.pagination as { next_page_start_id?: number } | undefined)?.next_page_start_id
    if (next === undefined) return { records, pages }
    cursor = next
  }
  throw new Error(`${path}: still paginating after ${MAX_PAGES} pages`)
}

/** An access token of its own, from a refresh token of its own: the reference walk shares nothing with the gateway. */
export async function directToken(fake: FakeHubstaff): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: fake.issueRefreshToken() }).toString()
  const res = await request(`${fake.origin}/access_tokens`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })
  return ((await res.body.json()) as { access_token: string }).access_token
}

/** The same walk straight against the fake with blank replies switched off for its duration. */
export async function referenceWalk(fake: FakeHubstaff, path: string, query: string, listKey: string, pageLimit: number | undefined): Promise<Walk> {
  const blank = fake.blank
  fake.blank = undefined
  try {
    const token = await directToken(fake)
    return await walk(fake.origin, path, query, listKey, pageLimit, { authorization: `Bearer ${token}` })
  } finally {
    fake.blank = blank
  }
}

/** Ids of records, for short failure messages. */
export function ids(records: readonly Record<string, unknown>[]): unknown[] {
  return records.map((r) => r.id)
}

export interface FormCase {
  readonly path: string
  readonly query: string
  readonly listKey: string
  readonly pageLimit: number
  /** The fake blanks ranges longer than this. */
  readonly overMs: number
  /** Records the whole range holds (a guard against a walk that proves nothing). */
  readonly records: number
  /** How deep the bisection must go to get under `overMs`. */
  readonly depth: number
}

/**
 * One blank form: the walk through the gateway equals the reference walk record for record, page
 * for page; the next pages come from the merged result; the plan is in the header and the log.
 */
export async function walkEqualsReference(
  t: Test,
  form: FakeBlankForm,
  c: FormCase,
): Promise<void> {
  // For the `hang` form a short upstream timeout, so that it costs two seconds, not 40.
  const hang = form === 'hang'
  const { fake, gw } = await startLiveGateway(t, { upstreamTimeout: hang ? 2 : 40, splitConcurrency: 2 })
  fake.blank = { overMs: c.overMs, form }
  const expected = await referenceWalk(fake, c.path, c.query, c.listKey, c.pageLimit)
  t.equal(expected.records.length, c.records, 'the reference walk holds every record of the range')

  let afterFirst = 0
  const got = await walk(gw.address, c.path, c.query, c.listKey, c.pageLimit, {}, (i) => {
    if (i === 0) afterFirst = fake.stats.apiRequests
  })
  t.same(ids(got.records), ids(expected.records), 'same ids in the same order')
  t.same(got.records, expected.records, 'same records')
  const sizes = (w: Walk) => w.pages.map((p) => (p.body[c.listKey] as unknown[]).length)
  t.same(sizes(got), sizes(expected), 'same page sizes')
  t.notOk('pagination' in (got.pages.at(-1)?.body ?? {}), 'the last page has no pagination')
  t.ok(fake.stats.blanks > 0, 'Hubstaff did blank')

  // A busy machine may make a piece of the `hang` run time out too: then it is cut once more.
  const plan = new RegExp(`^pieces=\\d+; depth=${hang ? '\\d+' : c.depth}; upstream=\\d+$`)
  t.equal(got.pages[0]?.headers['x-gateway-source'], 'split')
  t.match(String(got.pages[0]?.headers['x-gateway-split']), plan)
  if (got.pages.length > 1) {
    t.equal(got.pages[1]?.headers['x-gateway-source'], 'split', 'the next pages come from the merged result')
    t.match(String(got.pages[1]?.headers['x-gateway-split']), /; kept$/)
    t.equal(fake.stats.apiRequests, afterFirst, `the other ${got.pages.length - 1} pages cost no upstream request`)
  }
  const line = gw.logRecords().find((r) => r.msg === 'request' && r.source === 'split')
  t.match(line, { split: plan }, 'the request line carries the plan')
}
