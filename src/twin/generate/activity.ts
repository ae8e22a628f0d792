import { text, type Builder, type Draft } from './context.js'
import { APPS, BROWSERS, NOTE_TEXTS, SITES } from './names.js'
import type { Membership, OrgPlan, SizePlan } from './plan.js'
import type { Random } from './random.js'
import { Timesheets, type Sheet } from './timesheets.js'
import { dayOf, dayText, DAY_MS, isoSeconds, isWeekend, localDay, localMidnight, MINUTE_MS, SECOND_MS, SLOT_MS, slotStart, zoneOffsetMinutes } from './time.js'

/** What the later parts of the dataset need to know about the tracked time. */
export interface Tracked {
  /** `org:user` → the end of their last tracked slot, on which project and task. */
  readonly last: Map<string, { endMs: number; projectId: number; taskId: number }>
  /** Task id → the end of the last time tracked on it. */
  readonly lastOnTask: Map<number, number>
  /** `user:project` → the end of the user's last time on the project. */
  readonly lastOnProject: Map<string, number>
  /** `org:user:day` (organization date) → first start, last stop and seconds tracked that day. */
  readonly days: Map<string, { first: number; last: number; tracked: number }>
}

interface Sink {
  readonly rows: Draft[]
  readonly keys: number[]
}

const sink = (): Sink => ({ rows: [], keys: [] })

type Sinks = Record<'activities' | 'notes' | 'screenshots' | 'tools' | 'edits', Sink>

function put(s: Sink, key: number, row: Draft): void {
  s.keys.push(key)
  s.rows.push(row)
}

/**
 * Tracked time, ten minutes at a time. Every member who tracks works most weekdays (now and then
 * a weekend) from about their usual start in their own time zone, in two or three sessions around
 * lunch, each on one task of a project they belong to. Each slot becomes an Activity (input
 * percentages around the person's habit, never above what was tracked), a screenshot per screen,
 * and, within the last month, the apps and sites used. Sessions sometimes start with a note. Time
 * of an organization with timesheet approval falls into weekly timesheets that lock once approved.
 */
export function buildActivities(b: Builder, plans: readonly OrgPlan[], size: SizePlan): Tracked {
  const rng = b.rng.fork('activities')
  const out: Sinks = { activities: sink(), notes: sink(), screenshots: sink(), tools: sink(), edits: sink() }
  const tracked: Tracked = { last: new Map(), lastOnTask: new Map(), lastOnProject: new Map(), days: new Map() }
  for (const [index, plan] of plans.entries()) {
    const sheets = index === 0 ? new Timesheets(b, plan) : undefined
    for (const m of plan.members) {
      if (m.tracks) trackMember(b, rng, plan, m, size, out, tracked, sheets)
    }
  }
  b.addSorted('Activity', out.activities.rows, out.activities.keys)
  b.addSorted('Note', out.notes.rows, out.notes.keys)
  b.addSorted('Screenshot', out.screenshots.rows, out.screenshots.keys)
  b.addSorted('ToolUsage', out.tools.rows, out.tools.keys)
  b.addSorted('TimeEditLog', out.edits.rows, out.edits.keys)
  return tracked
}

interface WorkOption {
  readonly project: Draft
  readonly since: number
  readonly tasks: readonly (readonly [task: Draft, created: number])[]
}

function trackMember(b: Builder, rng: Random, plan: OrgPlan, m: Membership, size: SizePlan, out: Sinks, tracked: Tracked, sheets: Timesheets | undefined): void {
  const p = m.person
  // A record without a readable creation time (an imported one, say) has always been there.
  const since = (row: Draft) => Date.parse(text(row.created_at)) || 0
  const joined = since(m.member)
  // Time goes only to projects and tasks that existed then.
  const options: WorkOption[] = m.work
    .filter((w) => w.tasks.length > 0)
    .map((w) => ({ project: w.project, since: Math.max(joined, since(w.project)), tasks: w.tasks.map((t) => [t, since(t)] as const) }))
  if (options.length === 0) return
  const zone = p.zone.zone
  const today = localDay(zone, b.now)
  const toolsFrom = b.now - size.toolDays * DAY_MS
  const screenshotsFrom = b.now - size.screenshotDays * DAY_MS
  const pickTask = (o: WorkOption, at: number) => {
    const open = o.tasks.filter(([, created]) => created <= at)
    return open.length === 0 ? undefined : rng.pick(open)[0]
  }
  for (let back = size.activityDays - 1; back >= 0; back--) {
    const day = today - back
    const midnight = localMidnight(zone, day)
    if (midnight < joined) continue
    const weekend = isWeekend(day)
    const off = weekend ? !rng.chance(p.weekendChance) : rng.chance(0.07)
    if (off && !(p.everyDay === true && back <= 7)) continue
    const usable = options.filter((o) => o.since <= midnight)
    if (usable.length === 0) continue
    let t = midnight + (p.startMinute + rng.int(-20, 25)) * MINUTE_MS + rng.int(0, 59) * SECOND_MS
    // A short weekend stint of the one who works every day is still going on now.
    if (weekend && back === 0 && p.everyDay === true) t = Math.max(t, b.now - rng.int(120, 180) * MINUTE_MS)
    const total = weekend ? rng.int(60, 240) : Math.round(p.dayHours * 60) + rng.int(-50, 30)
    const parts = weekend ? [total] : splitDay(rng, total)
    let focus = rng.weighted(usable.map((o, i) => [o, i === 0 ? 3 : 1] as const))
    for (const [i, minutes] of parts.entries()) {
      if (i > 0) t += (i === 1 ? rng.int(30, 60) : rng.int(10, 25)) * MINUTE_MS
      if (rng.chance(0.35)) focus = rng.pick(usable)
      const start = t
      const end = Math.min(t + minutes * MINUTE_MS, b.now)
      t += minutes * MINUTE_MS
      if (end - start < MINUTE_MS) break
      // A project whose tasks are all newer than the session gives way to one that has some.
      let task = pickTask(focus, start)
      if (task === undefined) {
        focus = usable.find((o) => o.tasks.some(([, created]) => created <= start)) ?? focus
        task = pickTask(focus, start)
      }
      if (task !== undefined) emitSession(b, rng, plan, m, { project: focus.project, task, start, end, toolsFrom, screenshotsFrom }, out, tracked, sheets)
    }
    // Now and then a manual entry: time worked away from the computer, added by hand afterwards.
    const length = rng.int(3, 9) * 10 * MINUTE_MS
    if (!weekend && rng.chance(0.05) && t + 25 * MINUTE_MS + length < b.now) {
      const o = rng.pick(usable)
      const task = pickTask(o, t)
      if (task !== undefined) emitManual(b, rng, plan, m, o.project, task, t + 15 * MINUTE_MS, length, out, tracked, sheets)
    }
  }
}

/** A working day's minutes as a morning and an afternoon, the afternoon sometimes broken by a pause. */
function splitDay(rng: Random, total: number): number[] {
  const morning = Math.round(total * rng.float(0.4, 0.58))
  const afternoon = total - morning
  if (!rng.chance(0.4)) return [morning, afternoon]
  const first = Math.round(afternoon * rng.float(0.3, 0.7))
  return [morning, first, afternoon - first]
}

interface Session {
  readonly project: Draft
  readonly task: Draft
  readonly start: number
  readonly end: number
  readonly toolsFrom: number
  readonly screenshotsFrom: number
}

function emitSession(b: Builder, rng: Random, plan: OrgPlan, m: Membership, s: Session, out: Sinks, tracked: Tracked, sheets: Timesheets | undefined): void {
  const p = m.person
  const orgOffset = zoneOffsetMinutes(plan.zone.zone, s.start) * MINUTE_MS
  const desktop = p.client === 'windows' || p.client === 'mac' || p.client === 'linux'
  const billable = s.project.billable === true
  let slot = slotStart(s.start)
  let first = true
  for (; slot < s.end; slot += SLOT_MS) {
    const st = Math.max(s.start, slot)
    let seconds = Math.floor((Math.min(s.end, slot + SLOT_MS) - st) / SECOND_MS)
    // Idle time the person chose to discard leaves a slot short.
    if (seconds > 300 && rng.chance(0.04)) seconds -= rng.int(60, 240)
    if (seconds < 1) continue
    const day = dayOf(st + orgOffset)
    const sheet = sheets?.of(p.id, day)
    const level = Math.min(1, Math.max(0.02, p.activity + rng.float(-0.25, 0.25)))
    const overall = desktop ? Math.round(seconds * level) : 0
    const keyboard = Math.round(overall * rng.float(0.15, 0.85))
    const mouse = Math.min(overall, overall - keyboard + Math.round(keyboard * rng.float(0, 0.8)))
    const created = b.stamp(st + seconds * SECOND_MS + rng.int(5, 180) * SECOND_MS, rng)
    const row = activity(plan.id, day, created, slot, st, p.id, s.project.id, s.task.id, keyboard, mouse, overall, seconds, desktop, billable, sheet, 'normal', p.client)
    put(out.activities, st, row)
    sheet?.add(row)
    remember(tracked, plan.id, p.id, day, st, seconds, s)
    if (first && rng.chance(0.3)) {
      const at = st + rng.int(0, Math.max(0, seconds - 1)) * SECOND_MS
      put(out.notes, at, { id: 0, _organization_id: plan.id, date: dayText(day), time_slot: isoSeconds(slot), recorded_at: isoSeconds(at), ...sameStamp(b.stamp(at + 30 * SECOND_MS, rng)), note: rng.pick(NOTE_TEXTS), user_id: p.id, project_id: s.project.id, task_id: s.task.id })
    }
    first = false
    for (let screen = 0; slot >= s.screenshotsFrom && screen < p.screens; screen++) {
      const at = st + rng.int(0, seconds - 1) * SECOND_MS
      const wide = screen === 0 ? 1920 : 2560
      const id = `${p.id}/${isoSeconds(at).replace(/[-:]/g, '')}-${screen}`
      put(out.screenshots, at, {
        id: 0,
        _organization_id: plan.id,
        full_url: `https://screenshots.hubstaff-mock.invalid/${plan.id}/${id}.jpg`,
        thumb_url: `https://screenshots.hubstaff-mock.invalid/${plan.id}/${id}_thumb.jpg`,
        date: dayText(day),
        ...uploaded(b, rng, at + rng.int(10, 200) * SECOND_MS),
        time_slot: isoSeconds(slot),
        recorded_at: isoSeconds(at),
        user_id: p.id,
        project_id: s.project.id,
        offset_x: screen === 0 ? 0 : 1920,
        offset_y: 0,
        width: wide,
        height: screen === 0 ? 1080 : 1440,
        screen,
      })
    }
    if (desktop && slot >= s.toolsFrom) tools(b, rng, plan, p.id, s, slot, st, day, seconds, out.tools)
  }
}

/** The apps (and, in a browser, the sites) of one slot; their seconds add up to the slot's. */
function tools(b: Builder, rng: Random, plan: OrgPlan, userId: number, s: Session, slot: number, st: number, day: number, seconds: number, out: Sink): void {
  const main = rng.weighted(APPS)
  const second = rng.chance(0.4) ? rng.weighted(APPS) : main
  const split = second === main ? seconds : Math.round(seconds * rng.float(0.5, 0.9))
  const uses: [string, number][] = second === main ? [[main, seconds]] : [[main, split], [second, seconds - split]]
  const created = b.stamp(st + seconds * SECOND_MS + 90 * SECOND_MS, rng)
  const date = dayText(day)
  const timeSlot = isoSeconds(slot)
  for (const [name, secs] of uses) {
    if (secs < 1) continue
    put(out, slot, { id: 0, _organization_id: plan.id, name, tool_type: 'application', date, time_slot: timeSlot, user_id: userId, project_id: s.project.id, task_id: s.task.id, tracked: secs, activations: rng.int(1, 8), created_at: created, updated_at: created })
    if (!BROWSERS.has(name)) continue
    const [host, title] = rng.pick(SITES)
    const details = [{ title, url: `https://${host}/`, tracked: secs }]
    put(out, slot, { id: 0, _organization_id: plan.id, name: host, tool_type: 'url', date, time_slot: timeSlot, user_id: userId, project_id: s.project.id, task_id: s.task.id, tracked: secs, details, activations: rng.int(1, 5), created_at: created, updated_at: created })
  }
}

function emitManual(b: Builder, rng: Random, plan: OrgPlan, m: Membership, project: Draft, task: Draft, start: number, length: number, out: Sinks, tracked: Tracked, sheets: Timesheets | undefined): void {
  const p = m.person
  const orgOffset = zoneOffsetMinutes(plan.zone.zone, start) * MINUTE_MS
  const from = slotStart(start)
  const end = from + length
  const added = b.stamp(end + rng.int(1, 30) * MINUTE_MS, rng)
  for (let slot = from; slot < end; slot += SLOT_MS) {
    const day = dayOf(slot + orgOffset)
    const sheet = sheets?.of(p.id, day)
    const row = activity(plan.id, day, added, slot, slot, p.id, project.id, task.id, 0, 0, 0, 600, false, project.billable === true, sheet, 'manual', 'web')
    put(out.activities, slot, row)
    sheet?.add(row)
    remember(tracked, plan.id, p.id, day, slot, 600, { project, task })
  }
  put(out.edits, end, {
    id: 0,
    _organization_id: plan.id,
    created_at: added,
    starts_at: isoSeconds(from),
    stops_at: isoSeconds(end),
    blame_user_id: p.id,
    user_id: p.id,
    project_id: project.id,
    task_id: task.id,
    action: 'add',
    added_duration: length / SECOND_MS,
    deleted_duration: 0,
    replaced_duration: 0,
    reason: 'Worked away from the computer',
  })
}

/** Keeps what later parts need of a tracked stretch: last times per member, task and project, and daily spans. */
function remember(tracked: Tracked, orgId: number, userId: number, day: number, st: number, seconds: number, s: { project: Draft; task: Draft }): void {
  const endMs = st + seconds * SECOND_MS
  const key = `${orgId}:${userId}`
  const last = tracked.last.get(key)
  if (last === undefined || last.endMs < endMs) tracked.last.set(key, { endMs, projectId: s.project.id, taskId: s.task.id })
  if ((tracked.lastOnTask.get(s.task.id) ?? 0) < endMs) tracked.lastOnTask.set(s.task.id, endMs)
  const pk = `${userId}:${s.project.id}`
  if ((tracked.lastOnProject.get(pk) ?? 0) < endMs) tracked.lastOnProject.set(pk, endMs)
  const dk = `${key}:${day}`
  const d = tracked.days.get(dk)
  if (d === undefined) tracked.days.set(dk, { first: st, last: endMs, tracked: seconds })
  else {
    d.first = Math.min(d.first, st)
    d.last = Math.max(d.last, endMs)
    d.tracked += seconds
  }
}

/** One Activity row, its fields in Hubstaff's order; one literal per shape keeps rows compact. */
function activity(orgId: number, day: number, created: string, slot: number, st: number, userId: number, projectId: number, taskId: number, keyboard: number, mouse: number, overall: number, seconds: number, input: boolean, billable: boolean, sheet: Sheet | undefined, type: string, client: string): Draft {
  if (sheet === undefined) {
    return {
      id: 0,
      _organization_id: orgId,
      date: dayText(day),
      created_at: created,
      updated_at: created,
      time_slot: isoSeconds(slot),
      starts_at: isoSeconds(st),
      user_id: userId,
      project_id: projectId,
      task_id: taskId,
      keyboard,
      mouse,
      overall,
      tracked: seconds,
      input_tracked: input ? seconds : 0,
      tracks_input: input,
      billable,
      paid: false,
      client_invoiced: false,
      team_invoiced: false,
      immutable: false,
      time_type: type,
      client,
    }
  }
  return {
    id: 0,
    _organization_id: orgId,
    date: dayText(day),
    created_at: created,
    updated_at: created,
    time_slot: isoSeconds(slot),
    starts_at: isoSeconds(st),
    user_id: userId,
    project_id: projectId,
    task_id: taskId,
    keyboard,
    mouse,
    overall,
    tracked: seconds,
    input_tracked: input ? seconds : 0,
    tracks_input: input,
    billable,
    paid: sheet.paid,
    client_invoiced: false,
    team_invoiced: false,
    immutable: sheet.locked,
    timesheet_id: sheet.row.id,
    timesheet_locked: sheet.locked,
    time_type: type,
    client,
  }
}

/** A screenshot's stamps: made on upload, touched again a little later once its thumbnail exists. */
function uploaded(b: Builder, rng: Random, at: number): { created_at: string; updated_at: string } {
  return { created_at: b.stamp(at, rng), updated_at: b.stamp(at + rng.int(1, 40) * SECOND_MS, rng) }
}

function sameStamp(at: string): { created_at: string; updated_at: string } {
  return { created_at: at, updated_at: at }
}
