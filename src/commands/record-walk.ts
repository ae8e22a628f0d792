/**
 * What `record --org` asks Hubstaff for: the organization, its members (with their users), its
 * projects and each project's tasks, and the last N days of daily activities, activities and notes,
 * each list followed page by page to its end. Date ranges are cut to Hubstaff's longest span per
 * endpoint (7 days for activities, 31 for daily activities and notes), so no request is refused
 * for its range and none needs splitting.
 */

const DAY_MS = 86_400_000

export interface WalkStep {
  /** What it fetches, for progress and the summary: `members`, `tasks of project 20001`... */
  readonly label: string
  /** The kind of record it counts (the list key of the answer), undefined for one record. */
  readonly listKey: string | undefined
  readonly path: string
  /** Query parameters in the order they are sent (without page_start_id). */
  readonly params: readonly (readonly [string, string])[]
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const isoTime = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z')

/** [start, stop) windows of at most `spanDays` covering the `days` days that end today (UTC). */
function windows(days: number, spanDays: number, now: number): [number, number][] {
  const end = Math.floor(now / DAY_MS) * DAY_MS + DAY_MS // start of tomorrow, UTC
  const out: [number, number][] = []
  for (let start = end - days * DAY_MS; start < end; start += spanDays * DAY_MS) out.push([start, Math.min(end, start + spanDays * DAY_MS)])
  return out
}

/** The steps that do not depend on an answer: everything but the tasks of each project. */
export function fixedSteps(org: number, days: number, pageLimit: number, now: number): { head: WalkStep[]; dated: WalkStep[] } {
  const base = `/v2/organizations/${org}`
  const limit = ['page_limit', String(pageLimit)] as const
  const head: WalkStep[] = [
    { label: 'organization', listKey: undefined, path: base, params: [] },
    { label: 'members', listKey: 'members', path: `${base}/members`, params: [['include', 'users'], limit] },
    { label: 'projects', listKey: 'projects', path: `${base}/projects`, params: [limit] },
  ]
  const dated: WalkStep[] = []
  for (const [start, stop] of windows(days, 31, now)) {
    // date[stop] is inclusive: the last day of the window.
    const range = `${isoDay(start)}..${isoDay(stop - DAY_MS)}`
    dated.push({ label: `daily activities ${range}`, listKey: 'daily_activities', path: `${base}/activities/daily`, params: [['date[start]', isoDay(start)], ['date[stop]', isoDay(stop - DAY_MS)], limit] })
  }
  for (const [start, stop] of windows(days, 7, now)) {
    const range = `${isoDay(start)}..${isoDay(stop - DAY_MS)}`
    dated.push({ label: `activities ${range}`, listKey: 'activities', path: `${base}/activities`, params: [['time_slot[start]', isoTime(start)], ['time_slot[stop]', isoTime(stop)], limit] })
  }
  for (const [start, stop] of windows(days, 31, now)) {
    const range = `${isoDay(start)}..${isoDay(stop - DAY_MS)}`
    dated.push({ label: `notes ${range}`, listKey: 'notes', path: `${base}/notes`, params: [['time_slot[start]', isoTime(start)], ['time_slot[stop]', isoTime(stop)], limit] })
  }
  return { head, dated }
}

export function taskSteps(projectIds: readonly number[], pageLimit: number): WalkStep[] {
  return projectIds.map((id) => ({ label: `tasks of project ${id}`, listKey: 'tasks', path: `/v2/projects/${id}/tasks`, params: [['page_limit', String(pageLimit)]] }))
}

/** The query string of one page, as sent (brackets left readable, as Hubstaff's own clients send them). */
export function queryOf(step: WalkStep, pageStartId: number | undefined): string {
  const params = [...step.params, ...(pageStartId === undefined ? [] : [['page_start_id', String(pageStartId)] as const])]
  return params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')
}

/** What one answer says: how many records, and where the next page starts (absent on the last). */
export function readPage(body: Buffer, listKey: string | undefined): { records: number; next: number | undefined } {
  let data: unknown
  try {
    data = JSON.parse(body.toString('utf8'))
  } catch {
    return { records: 0, next: undefined }
  }
  if (data === null || typeof data !== 'object') return { records: 0, next: undefined }
  const d = data as Record<string, unknown>
  const list = listKey === undefined ? undefined : d[listKey]
  const records = listKey === undefined ? 1 : Array.isArray(list) ? list.length : 0
  const next = (d.pagination as { next_page_start_id?: unknown } | undefined)?.next_page_start_id
  return { records, next: typeof next === 'number' && Number.isFinite(next) ? next : undefined }
}

/** The ids of a projects answer. */
export function projectIds(body: Buffer): number[] {
  try {
    const list = (JSON.parse(body.toString('utf8')) as { projects?: { id?: unknown }[] }).projects ?? []
    return list.map((p) => p.id).filter((id): id is number => typeof id === 'number')
  } catch {
    return []
  }
}
