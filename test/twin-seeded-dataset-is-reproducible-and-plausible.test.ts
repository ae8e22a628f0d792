// The seeded organization: the same seed and `now` give byte-identical data, another seed other
// data; and whatever the seed, the data looks like a real account's (properties over seeds and
// days): input never above tracked time, starts inside their slot, people working daytime in their
// own zone and mostly on weekdays, timestamps in order, emails unique, every link resolving.
import fc from 'fast-check'
import t from 'tap'
import type { Dataset, Row } from '../src/twin/dataset.js'
import { LINKS } from '../src/twin/generate/collections.js'
import { ERROR_CODES, generateDataset, SIZES } from '../src/twin/generate/index.js'

const DAY = 86_400_000
const SLOT = 600_000
// A Friday afternoon in UTC: someone is working somewhere.
const NOW = Date.parse('2026-12-04T15:20:00Z')

const ms = (v: unknown) => Date.parse(String(v))

function localHour(zone: string, at: number): number {
  return Number(new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' }).format(new Date(at)))
}

/** Every way the dataset could look made up; an empty list when it looks real. */
function implausible(d: Dataset, now: number, days: number): string[] {
  const out: string[] = []
  const say = (what: string) => out.length < 20 && out.push(what)
  const byId = new Map<string, Set<number>>()
  for (const [name, rows] of Object.entries(d.collections)) {
    const ids = new Set<number>()
    for (const row of rows) {
      if (!Number.isSafeInteger(row.id) || row.id <= 0) say(`${name} ${row.id}: id is not a positive integer`)
      if (ids.has(row.id)) say(`${name} ${row.id}: id appears twice`)
      ids.add(row.id)
    }
    byId.set(name, ids)
  }
  const users = d.collections.User ?? []
  const zone = new Map(users.map((u) => [u.id, String(u.time_zone)]))
  const emails = users.map((u) => u.email)
  if (new Set(emails).size !== emails.length) say('emails repeat')
  if (!byId.get('User')?.has(d.me)) say(`me ${d.me} is no user`)
  for (const [name, rows] of Object.entries(d.collections)) {
    for (const row of rows) {
      if ('created_at' in row && 'updated_at' in row && !(ms(row.created_at) <= ms(row.updated_at))) say(`${name} ${row.id}: updated before created`)
      if ('created_at' in row && ms(row.created_at) > now) say(`${name} ${row.id}: created after now`)
      for (const [field, value] of Object.entries(row)) {
        const target = LINKS[field]
        if (target === undefined || value === undefined) continue
        for (const id of Array.isArray(value) ? value : [value]) if (!byId.get(target)?.has(id as number)) say(`${name} ${row.id}.${field}: no ${target} ${String(id)}`)
      }
      if (name !== 'Organization' && name !== 'User' && name !== 'ErrorCode' && !byId.get('Organization')?.has(row._organization_id as number)) say(`${name} ${row.id}: in no organization`)
      placeholders(row, `${name} ${row.id}`, say)
    }
  }
  let weekend = 0
  const activities = d.collections.Activity ?? []
  for (const a of activities) {
    const slot = ms(a.time_slot)
    const start = ms(a.starts_at)
    const { tracked, overall, keyboard, mouse } = a as unknown as { tracked: number; overall: number; keyboard: number; mouse: number }
    const what = `Activity ${a.id}`
    if (slot % SLOT !== 0) say(`${what}: slot not on a 10-minute boundary`)
    if (!(tracked > 0 && tracked <= 600)) say(`${what}: tracked ${tracked}`)
    if (!(overall <= tracked && keyboard <= overall && mouse <= overall && overall <= keyboard + mouse)) say(`${what}: input ${keyboard}/${mouse}/${overall} of ${tracked}`)
    if (!((a.input_tracked as number) <= tracked)) say(`${what}: input_tracked above tracked`)
    if (!(start >= slot && start + tracked * 1000 <= slot + SLOT)) say(`${what}: starts_at outside its slot`)
    if (start + tracked * 1000 > now || slot < now - days * DAY - 2 * DAY) say(`${what}: outside the window`)
    if (slot < now - 183 * DAY) say(`${what}: older than the 6-month history`)
    if (ms(a.created_at) < start) say(`${what}: created before it started`)
    const hour = localHour(zone.get(a.user_id as number) ?? 'UTC', start)
    if (hour < 6) say(`${what}: tracked at ${hour}h in the user's zone`)
    const weekday = new Date(ms(a.date)).getUTCDay()
    if (weekday === 0 || weekday === 6) weekend++
  }
  if (activities.length === 0) say('no activities')
  // Today and each of the past 7 days hold tracked time, whatever the weekday and hour of now.
  const today = Math.floor(now / DAY)
  const tracked = new Set(activities.map((a) => Math.floor(ms(a.starts_at) / DAY)))
  for (let back = 0; back <= 7; back++) if (!tracked.has(today - back) && !(back === 0 && now % DAY < 2 * 3_600_000)) say(`no tracked time on day -${back}`)
  if (weekend > activities.length * 0.25) say(`${weekend} of ${activities.length} activities on weekends`)
  for (const sheet of d.collections.Timesheet ?? []) {
    const mine = activities.filter((a) => a.timesheet_id === sheet.id)
    const sum = mine.reduce((s, a) => s + (a.tracked as number), 0)
    if (sum !== sheet.tracked) say(`Timesheet ${sheet.id}: tracked ${String(sheet.tracked)}, its activities ${sum}`)
  }
  for (const u of d.collections.ToolUsage ?? []) if (ms(u.time_slot) < now - 32 * DAY) say(`ToolUsage ${u.id}: older than the month Hubstaff keeps`)
  return out
}

/** Values a generator writes when it knows nothing better: "string", the minimum safe integer. */
function placeholders(value: unknown, where: string, say: (what: string) => void): void {
  if (value === 'string' || value === -9007199254740991 || value === '') say(`${where}: placeholder ${JSON.stringify(value)}`)
  else if (Array.isArray(value)) for (const v of value) placeholders(v, where, say)
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) placeholders(v, where, say)
}

void t.test('the same seed and now give the same dataset; another seed another one', (t) => {
  const started = performance.now()
  const a = generateDataset({ seed: 'repeatable', size: 'small', now: NOW })
  const first = performance.now() - started
  const b = generateDataset({ seed: 'repeatable', size: 'small', now: NOW })
  t.equal(JSON.stringify(b), JSON.stringify(a), 'identical JSON')
  t.notSame(generateDataset({ seed: 'other', size: 'small', now: NOW }).collections.User, a.collections.User, 'another seed, other people')
  t.notSame(generateDataset({ seed: 'repeatable', size: 'small', now: NOW + DAY }).collections.Activity?.at(-1), a.collections.Activity?.at(-1), 'another day, other dates')
  t.comment(`small: generated in ${first.toFixed(0)} ms (first call, cold)`)
  // Generous: the figure is for the report; the bound only catches a generator gone badly wrong.
  t.ok(first < 5000, 'small generates in well under a few seconds')
  t.end()
})

void t.test('the small organization has the collections every operation lists, about as big as promised', (t) => {
  const d = generateDataset({ seed: 'sizes', size: 'small', now: NOW })
  const count = (name: string) => d.collections[name]?.length ?? 0
  t.equal(count('Organization'), 2)
  t.ok(count('User') >= 8 && count('User') <= 12, `${count('User')} users`)
  t.ok(count('Project') >= 4 && count('Project') <= 6, `${count('Project')} projects`)
  t.ok(count('Task') >= 35 && count('Task') <= 60, `${count('Task')} tasks`)
  const everything = ['OrganizationMember', 'ProjectMember', 'Client', 'Team', 'TeamMember', 'TeamProject', 'GlobalTodo', 'Activity', 'Note', 'Screenshot', 'ToolUsage', 'TimeEditLog', 'Timesheet', 'AttendanceSchedule', 'AttendanceShift', 'TimeOffPolicy', 'TimeOffRequest', 'TimeOffBalance', 'Holiday', 'JobSite', 'JobSiteVisit', 'PassiveJobSiteVisit', 'Location', 'Invite', 'Webhook', 'BudgetHistory', 'LimitHistory', 'ClientInvoice', 'TeamInvoice', 'TeamPayment', 'Rate', 'OrganizationSeat', 'Integration', 'IntegrationProjectLink', 'IntegrationUserLink', 'SmartNotificationRule', 'SmartNotification', 'UnusualActivity', 'WorkBreakProject', 'ErrorCode']
  for (const name of everything) t.ok(count(name) > 0, `${name}: ${count(name)}`)
  for (const derived of ['DailyActivity', 'DailyToolUsage', 'LastActivity']) t.notOk(derived in d.collections, `${derived}: the engine derives them`)
  t.equal(count('ErrorCode'), 47)
  t.equal(ERROR_CODES.length, 47)
  t.equal(new Set(ERROR_CODES.map((e) => e.code)).size, 47, 'codes are unique')
  // Today and each of the last days hold tracked time.
  const today = Math.floor(NOW / DAY)
  const days = new Set((d.collections.Activity ?? []).map((a) => Math.floor(ms(a.starts_at) / DAY)))
  t.ok(days.has(today), 'today holds data')
  t.ok([1, 2, 3, 4, 5, 6, 7].every((k) => days.has(today - k)), 'each of the last 7 days holds data')
  t.ok(Math.min(...days) >= today - SIZES.small.activityDays - 1, `${SIZES.small.activityDays} days of tracked time`)
  const me = (d.collections.OrganizationMember ?? []).filter((m) => m.user_id === d.me)
  t.equal(me.length, 2, 'the token’s user is in both organizations')
  t.ok(me.some((m) => m.membership_role === 'owner'), 'and owns one')
  t.end()
})

void t.test('whatever the seed and day, the data looks like a real account', (t) => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 12 }), fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 11, 31) }), (seed, now) => {
      const d = generateDataset({ seed, size: 'small', now })
      const problems = implausible(d, now, SIZES.small.activityDays)
      if (problems.length > 0) throw new Error(`seed ${JSON.stringify(seed)}, now ${new Date(now).toISOString()}:\n${problems.join('\n')}`)
    }),
    { numRuns: Number(process.env.TWIN_PROPERTY_RUNS ?? 6) },
  )
  t.pass('every property held')
  t.end()
})

void t.test('members track only on projects they belong to, into tasks of that project', (t) => {
  const d = generateDataset({ seed: 'membership', size: 'small', now: NOW })
  const member = new Set((d.collections.ProjectMember ?? []).map((m) => `${String(m._project_id)}:${String(m.user_id)}`))
  const taskProject = new Map((d.collections.Task ?? []).map((task) => [task.id, task.project_id]))
  const projectOrg = new Map((d.collections.Project ?? []).map((p) => [p.id, p._organization_id]))
  const bad = (d.collections.Activity ?? []).filter((a: Row) => !member.has(`${String(a.project_id)}:${String(a.user_id)}`) || taskProject.get(a.task_id as number) !== a.project_id || projectOrg.get(a.project_id as number) !== a._organization_id)
  t.equal(bad.length, 0, 'every activity is a member’s, on a task of its project, in the project’s organization')
  t.end()
})
