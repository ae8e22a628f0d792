import type { Tracked } from './activity.js'
import { between, type Builder, type Draft } from './context.js'
import { ERROR_CODES } from './error-codes.js'
import { FIRST_NAMES, LAST_NAMES, SITES, STREETS, emailOf } from './names.js'
import type { OrgPlan } from './plan.js'
import type { Random } from './random.js'
import { dayOf, dayText, DAY_MS, HOUR_MS, isoSeconds, localDay, MINUTE_MS, SLOT_MS } from './time.js'

/**
 * The long tail, consistent with the rest: job sites near the office with visits from the
 * members who tracked time there (and GPS locations from phone trackers), invites, webhooks, an
 * issue-tracker integration linking projects, tasks and users, insights (notification rules,
 * notifications, unusual activity read from the tracked time), work-break projects and the error
 * code table.
 */
export function buildExtras(b: Builder, plans: readonly OrgPlan[], tracked: Tracked): void {
  const rng = b.rng.fork('extras')
  for (const [index, plan] of plans.entries()) {
    jobSites(b, rng, plan, tracked)
    invites(b, rng, plan)
    if (index !== 0) continue
    b.add('Webhook', { _organization_id: plan.id, target_url: `https://hooks.${plan.domain}/hubstaff`, events: ['activity.created', 'task.updated'], status: 'active', ...b.stamps(b.now - 40 * DAY_MS, rng, 0.3) })
    integration(b, rng, plan)
    insights(b, rng, plan, tracked)
    workBreaks(b, rng, plan)
  }
  for (const e of ERROR_CODES) b.rows('ErrorCode').push({ id: e.code, code: e.code, key: e.key, message: e.message })
}

function jobSites(b: Builder, rng: Random, plan: OrgPlan, tracked: Tracked): void {
  const sites: Draft[] = []
  for (let i = 0; i < 2; i++) {
    const created = between(rng, plan.createdMs, b.now - 60 * DAY_MS)
    sites.push(
      b.add('JobSite', {
        _organization_id: plan.id,
        organization_id: plan.id,
        name: i === 0 ? 'Head office' : `${plan.zone.city} site ${String.fromCharCode(65 + i)}`,
        status: 'active',
        address: `${rng.int(2, 300)} ${rng.pick(STREETS)}, ${plan.zone.city}`,
        latitude: round(plan.zone.lat + rng.float(-0.03, 0.03), 6),
        longitude: round(plan.zone.lng + rng.float(-0.03, 0.03), 6),
        radius: rng.pick([100, 150, 200, 300]),
        ...b.stamps(created, rng, 0.2),
        last_visited_at: b.stamp(created, rng),
        // The official record definition describes one rule here (not a list).
        rules: { id: b.id('JobSiteRule'), enter_action: 'track', exit_action: i === 0 ? 'notify' : 'none', user_ids: [] as number[], team_ids: [] as number[] },
      }),
    )
  }
  // Phone trackers are the ones in the field: their days become visits and GPS points.
  const field = plan.members.filter((m) => m.tracks && (m.person.client === 'android' || m.person.client === 'ios'))
  const visits: { row: Draft; key: number }[] = []
  for (const [k, m] of field.entries()) {
    const site = sites[k % sites.length] as Draft
    ;((site.rules as Record<string, unknown>).user_ids as number[]).push(m.person.id)
    const work = m.work[0]
    if (work !== undefined) (site.rules as Record<string, unknown>).start_project_id = work.project.id
    for (const [key, day] of tracked.days) {
      if (!key.startsWith(`${plan.id}:${m.person.id}:`)) continue
      const open = day.last > b.now - 15 * MINUTE_MS
      visits.push({
        key: day.first,
        row: {
          id: 0,
          _organization_id: plan.id,
          job_site_id: site.id,
          user_id: m.person.id,
          status: open ? 'entered' : 'exited',
          ...sameStamps(b.stamp(day.first, rng)),
          enter_at: isoSeconds(day.first),
          ...(open ? {} : { exit_at: isoSeconds(day.last) }),
          last_seen_at: isoSeconds(day.last),
        },
      })
      if (Date.parse(String(site.last_visited_at)) < day.first) site.last_visited_at = b.stamp(day.first, rng)
      locations(b, rng, plan, m.person.id, work?.project.id, site, day.first, day.last)
    }
  }
  visits.sort((a, c) => a.key - c.key)
  for (const v of visits) {
    v.row.id = b.id('JobSiteVisit')
    b.rows('JobSiteVisit').push(v.row)
  }
  // Passers-by: members whose phone saw a site without tracking time there.
  for (const [k, m] of plan.members.filter((x) => x.tracks).slice(0, 2).entries()) {
    const at = b.now - (k + 2) * DAY_MS - rng.int(1, 8) * HOUR_MS
    b.add('PassiveJobSiteVisit', { _organization_id: plan.id, job_site_id: (sites[k % sites.length] as Draft).id, user_id: m.person.id, status: 'exited', ...sameStamps(b.stamp(at, rng)), enter_at: isoSeconds(at), exit_at: isoSeconds(at + rng.int(5, 40) * MINUTE_MS), last_seen_at: isoSeconds(at + 40 * MINUTE_MS) })
  }
}

function locations(b: Builder, rng: Random, plan: OrgPlan, userId: number, projectId: number | undefined, site: Draft, from: number, to: number): void {
  if (projectId === undefined) return
  for (let at = from; at < to; at += 3 * SLOT_MS) {
    const slot = Math.floor(at / SLOT_MS) * SLOT_MS
    b.add('Location', {
      _organization_id: plan.id,
      user_id: userId,
      project_id: projectId,
      ...sameStamps(b.stamp(at + 60_000, rng)),
      time_slot: isoSeconds(slot),
      recorded_at: isoSeconds(at),
      date: dayText(localDay(plan.zone.zone, at)),
      latitude: round((site.latitude as number) + rng.float(-0.0008, 0.0008), 6),
      longitude: round((site.longitude as number) + rng.float(-0.0008, 0.0008), 6),
      accuracy: round(rng.float(4, 30), 1),
      job_site_id: site.id,
      event: at === from ? 'enter' : 'update',
    })
  }
}

function invites(b: Builder, rng: Random, plan: OrgPlan): void {
  const states = ['pending', 'pending', 'accepted', 'expired'] as const
  for (const [k, status] of states.entries()) {
    const created = b.now - (k * 9 + rng.int(1, 6)) * DAY_MS
    const email = emailOf(rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES), k % 2 === 0 ? plan.domain : 'gmail.com')
    const active = plan.projects.filter((p) => p.status === 'active')
    b.add('Invite', {
      _organization_id: plan.id,
      email: `${email.split('@')[0]}${k}@${email.split('@')[1]}`,
      invited_by_id: plan.owner.id,
      pay_rate: `${rng.int(18, 45)}.00`,
      project_ids: rng.sample(active, 1).map((p) => p.id),
      role: k === 1 ? 'project_manager' : 'project_user',
      status,
      ...(status === 'accepted' ? { accepted_at: b.stamp(created + rng.int(2, 40) * HOUR_MS, rng) } : {}),
      trackable: true,
      created_at: b.stamp(created, rng),
      updated_at: b.stamp(status === 'accepted' ? created + 40 * HOUR_MS + 1000 : created + 1000, rng),
    })
  }
}

function integration(b: Builder, rng: Random, plan: OrgPlan): void {
  const created = between(rng, plan.createdMs, b.now - 100 * DAY_MS)
  const name = 'Jira'
  const it = b.add('Integration', { _organization_id: plan.id, name, organization_id: plan.id, type: 'jira', last_sync_at: b.stamp(b.now - rng.int(2, 50) * MINUTE_MS, rng), ...b.stamps(created, rng, 1), status: 'active' })
  const facts = { integration_id: it.id, integration_type: 'jira', integration_name: name, integration_status: 'active' }
  const linked = plan.projects.filter((p) => p.status === 'active').slice(0, 2)
  const people = new Set<number>()
  for (const [k, project] of linked.entries()) {
    const key = String(project.name).replace(/[^A-Za-z]/g, '').slice(0, 3).toUpperCase() + String(k)
    b.add('IntegrationProjectLink', { _organization_id: plan.id, _integration_id: it.id, project_id: project.id, ...b.stamps(created + DAY_MS, rng, 0), remote_id: String(10_000 + rng.int(0, 999)), remote_alternate_id: key, status: 'active', ...facts })
    let n = rng.int(10, 200)
    for (const task of plan.tasks) {
      if (task.project_id !== project.id || task.global_todo_id !== undefined) continue
      task.integration_id = it.id
      task.remote_id = String(rng.int(20_000, 99_999))
      task.remote_alternate_id = `${key}-${n++}`
      for (const id of task.assignee_ids as number[]) people.add(id)
    }
  }
  for (const userId of [...people].sort((a, c) => a - c)) {
    b.add('IntegrationUserLink', { _organization_id: plan.id, _integration_id: it.id, user_id: userId, ...b.stamps(created + 2 * DAY_MS, rng, 0), remote_id: `5b${rng.int(100_000, 999_999)}`, status: 'active', connected: true, ...facts })
  }
}

function insights(b: Builder, rng: Random, plan: OrgPlan, tracked: Tracked): void {
  const rules = [
    ['Low activity', 'daily', 'activity', 'below', 30, 'per_day'],
    ['Overtime', 'weekly', 'work_time', 'above', 45 * 3600, 'per_week'],
  ] as const
  const orgToday = localDay(plan.zone.zone, b.now)
  for (const [name, frequency, metric, condition, value, unit] of rules) {
    const rule = b.add('SmartNotificationRule', {
      _organization_id: plan.id,
      name,
      enabled: true,
      frequency,
      metric_type: metric,
      condition,
      condition_value: value,
      time_unit: unit,
      target: { all_members: true, team_ids: [], user_ids: [] },
      recipients: { roles: ['owner'], user_ids: [] },
      deliver_by: ['insights', 'email'],
      ...b.stamps(b.now - 90 * DAY_MS, rng, 0.3),
    })
    const snapshot = { id: rule.id, name, frequency, metric_type: metric, condition, condition_value: value, time_unit: unit }
    for (let back = 3; back >= 1; back--) {
      const day = frequency === 'daily' ? orgToday - back : orgToday - back * 7
      const matches = plan.members.filter((m) => m.tracks).slice(0, 2).map((m) => ({ user_id: m.person.id, value: metric === 'activity' ? rng.int(12, 29) : rng.int(46, 52) * 3600 }))
      b.add('SmartNotification', { _organization_id: plan.id, _rule_id: rule.id, matches, total_count: matches.length, rule_snapshot: snapshot, from: dayText(frequency === 'daily' ? day : day - 6), to: dayText(day), created_at: b.stamp((day + 1) * DAY_MS + 2 * HOUR_MS, rng) })
    }
  }
  // Unusual activity: the busiest tracked days of a couple of people.
  const busiest = [...tracked.days].filter(([key]) => key.startsWith(`${plan.id}:`)).sort((a, c) => c[1].tracked - a[1].tracked || (a[0] < c[0] ? -1 : 1)).slice(0, 3)
  const types = ['breakless_work', 'unusual_high_keyboard_activity', 'sustained_high_focus_time'] as const
  for (const [k, [key, day]] of busiest.entries()) {
    const [, user, dayNumber] = key.split(':').map(Number)
    const shots = b.rows('Screenshot').filter((s) => s.user_id === user && s.date === dayText(dayNumber ?? 0)).slice(0, 3).map((s) => s.id)
    const [host] = rng.pick(SITES)
    b.add('UnusualActivity', {
      _organization_id: plan.id,
      user_id: user,
      type: types[k % types.length],
      keyboard_active_seconds: Math.round(day.tracked * 0.55),
      mouse_active_seconds: Math.round(day.tracked * 0.4),
      time_tracked_seconds: day.tracked,
      overall_active_seconds: Math.round(day.tracked * 0.7),
      url: `https://${host}/`,
      date: dayText(dayNumber ?? dayOf(day.first)),
      confidence_level: rng.pick(['high', 'medium', 'low'] as const),
      top_apps_in_use: { 'Visual Studio Code': Math.round(day.tracked * 0.5), Slack: Math.round(day.tracked * 0.2) },
      top_urls_visited: [host],
      screenshot_ids: shots,
      suspicious_apps: [] as string[],
      starts_at: isoSeconds(day.first),
      ends_at: isoSeconds(day.last),
      ...sameStamps(b.stamp(day.last + 30 * MINUTE_MS, rng)),
    })
  }
}

function workBreaks(b: Builder, rng: Random, plan: OrgPlan): void {
  for (const [name, minutes] of [['Lunch break', 60], ['Short break', 15]] as const) {
    const created = between(rng, plan.createdMs, b.now - 50 * DAY_MS)
    const stamps = b.stamps(created, rng, 0)
    b.add('WorkBreakProject', {
      _organization_id: plan.id,
      billable: false,
      description: `Paid ${name.toLowerCase()} of up to ${minutes} minutes`,
      name,
      trackable: true,
      ...stamps,
      policy: { id: b.id('WorkBreakPolicy'), policy_duration: minutes * 60, ...stamps },
    })
  }
}

function sameStamps(at: string): { created_at: string; updated_at: string } {
  return { created_at: at, updated_at: at }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
