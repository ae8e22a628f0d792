import type { Tracked } from './activity.js'
import type { Builder, Draft } from './context.js'
import { HOLIDAYS, TIME_OFF_MESSAGES } from './names.js'
import type { OrgPlan } from './plan.js'
import { dayOf, dayText, DAY_MS, HOUR_MS, isoSeconds, isWeekend, localDay, localMidnight, MINUTE_MS, WEEKDAY_NAMES } from './time.js'

const WORKDAY_S = 8 * 3600

/**
 * People matters around the tracked time: attendance schedules of the main organization and the
 * shifts they produce (attended, late or missed as the tracked time says; upcoming ones ahead),
 * holidays, time-off policies with each member's balance and a handful of requests, and weekly
 * limit histories whose `used` is the time actually tracked.
 */
export function buildPeopleMatters(b: Builder, plans: readonly OrgPlan[], tracked: Tracked): void {
  const rng = b.rng.fork('hr')
  for (const [index, plan] of plans.entries()) {
    const trackers = plan.members.filter((m) => m.tracks)
    const orgToday = localDay(plan.zone.zone, b.now)
    holidays(b, plan, orgToday)
    const policies = timeOff(b, plan)
    if (index !== 0) continue
    for (const m of trackers.slice(0, Math.max(3, Math.ceil(trackers.length * 0.6)))) {
      const p = m.person
      const startDay = Math.max(dayOf(Date.parse(String(m.member.created_at))) + 1, orgToday - 120 + rng.int(0, 30))
      const startMinute = Math.round(p.startMinute / 30) * 30
      const startAt = localMidnight(p.zone.zone, startDay) + startMinute * MINUTE_MS
      const schedule = b.add('AttendanceSchedule', {
        _organization_id: plan.id,
        user_id: p.id,
        organization_id: plan.id,
        ...b.stamps(startAt - 2 * DAY_MS, rng),
        start_date: dayText(startDay),
        use_time_zone: 'user',
        start_time: isoSeconds(startAt),
        duration: WORKDAY_S,
        minimum_time: 6 * 3600,
        repeat_schedule: 'weekly',
        weekdays: WEEKDAY_NAMES.slice(1, 6),
        excluded_dates: [] as string[],
      })
      for (let day = Math.max(startDay, orgToday - 31); day <= orgToday + 7; day++) {
        if (isWeekend(day)) continue
        const planned = localMidnight(p.zone.zone, day) + startMinute * MINUTE_MS
        const worked = tracked.days.get(`${plan.id}:${p.id}:${day}`)
        const future = planned > b.now
        const status = worked === undefined ? (future || day === orgToday ? 'upcoming' : 'missed') : worked.first <= planned + 10 * MINUTE_MS ? 'on_time' : 'late'
        const actualStart = worked?.first ?? planned
        const actualStop = worked?.last ?? planned
        b.add('AttendanceShift', {
          _organization_id: plan.id,
          user_id: p.id,
          organization_id: plan.id,
          attendance_schedule_id: schedule.id,
          ...b.stamps(Math.min(planned - 7 * DAY_MS, b.now), rng, 0),
          ...(worked === undefined ? {} : { updated_at: b.stamp(worked.last, rng) }),
          date: dayText(day),
          start_time: isoSeconds(planned),
          duration: WORKDAY_S,
          minimum_time: 6 * 3600,
          status,
          actual_start_time: isoSeconds(actualStart),
          actual_stop_time: isoSeconds(actualStop),
          actual_duration: worked?.tracked ?? 0,
        })
      }
      // Weekly tracking limits: the cap and how much of it the week used.
      for (let w = 4; w >= 0; w--) {
        const monday = orgToday - ((orgToday + 3) % 7) - w * 7
        let used = 0
        for (let d = monday; d < monday + 7; d++) used += tracked.days.get(`${plan.id}:${p.id}:${d}`)?.tracked ?? 0
        const from = localMidnight(plan.zone.zone, monday)
        b.add('LimitHistory', {
          _organization_id: plan.id,
          user_id: p.id,
          limit_type: 'weekly',
          start_date: dayText(monday),
          stop_date: dayText(monday + 6),
          start_time: isoSeconds(from),
          stop_time: isoSeconds(from + 7 * DAY_MS),
          total: 40 * 3600,
          used,
          ...b.stamps(Math.min(from, b.now), rng, 0),
        })
      }
    }
    timeOffRequests(b, plan, policies, orgToday)
  }
}

function holidays(b: Builder, plan: OrgPlan, orgToday: number): void {
  const year = new Date(orgToday * DAY_MS).getUTCFullYear()
  for (const y of [year, year + 1]) {
    for (const [name, month, dom] of HOLIDAYS) {
      const day = dayOf(Date.UTC(y, month - 1, dom))
      const created = Math.max(plan.createdMs, Date.UTC(y - 1, 11, 1))
      if (created > b.now) continue
      b.add('Holiday', { _organization_id: plan.id, organization_id: plan.id, name, auto_add_new_users: true, paid: name !== 'Summer Break', amount_used: WORKDAY_S, ...b.stamps(created, b.rng, 0), date: dayText(day) })
    }
  }
}

function timeOff(b: Builder, plan: OrgPlan): Draft[] {
  const rng = b.rng.fork(`time-off-${plan.id}`)
  const kinds = [
    ['Vacation', true, 'annual', { hours_per_year: 160, maximum_to_accrue: 200, accrual_period: 'year', prorate_on_start: true }, 120],
    ['Sick leave', true, 'none', { starting_balance: 80 }, 60],
    ['Unpaid leave', false, 'none', { starting_balance: 0 }, 0],
  ] as const
  const policies: Draft[] = []
  for (const [name, paid, type, config, hours] of kinds) {
    const policy = b.add('TimeOffPolicy', {
      _organization_id: plan.id,
      organization_id: plan.id,
      ...b.stamps(plan.createdMs + 3 * DAY_MS, rng),
      name,
      created_by_id: plan.owner.id,
      auto_add_new_users: true,
      allow_negative_balances: !paid,
      requires_approval: true,
      balance_rolls_over_annually: type === 'annual',
      paid,
      status: 'active',
      policy_type: type === 'annual' ? 'accrual' : 'fixed',
      policy_config: { ...config },
      membership_rules: { countries: [] as string[], employment_types: [] as string[] },
    })
    policies.push(policy)
    for (const m of plan.members) {
      if (m.member.membership_status !== 'active') continue
      b.add('TimeOffBalance', { _organization_id: plan.id, user_id: m.person.id, time_off_policy_id: policy.id, policy_name: name, amount: hours === 0 ? 0 : (hours - rng.int(0, 6) * 8) * 3600 })
    }
  }
  return policies
}

function timeOffRequests(b: Builder, plan: OrgPlan, policies: readonly Draft[], orgToday: number): void {
  const rng = b.rng.fork(`time-off-requests-${plan.id}`)
  const people = plan.members.filter((m) => m.tracks && m.role !== 'owner')
  const cases = [
    ['approved', 9, 2],
    ['pending', 16, 1],
    ['denied', 4, 1],
    ['approved', 30, 3],
  ] as const
  for (const [k, [status, ahead, days]] of cases.entries()) {
    const m = people[k % Math.max(1, people.length)]
    const policy = policies[k % 2]
    if (m === undefined || policy === undefined) continue
    let first = orgToday + ahead
    while (isWeekend(first)) first++
    const zone = m.person.zone.zone
    const start = localMidnight(zone, first)
    const stop = localMidnight(zone, first + days)
    const submitted = Math.min(b.now - rng.int(1, 5) * DAY_MS, start)
    const decided = Math.min(submitted + rng.int(2, 30) * HOUR_MS, b.now)
    b.add('TimeOffRequest', {
      _organization_id: plan.id,
      user_id: m.person.id,
      time_off_policy_id: policy.id,
      status,
      all_day: true,
      starts_at: isoSeconds(start),
      stops_at: isoSeconds(stop),
      submitted_at: b.stamp(submitted, rng),
      ...(status === 'approved' ? { approved_at: b.stamp(decided, rng), approved_by_id: plan.owner.id } : {}),
      ...(status === 'denied' ? { denied_at: b.stamp(decided, rng), denied_by_id: plan.owner.id, response: 'Release week, please pick other dates' } : {}),
      paid: policy.paid === true,
      amount_used: days * WORKDAY_S,
      message: rng.pick(TIME_OFF_MESSAGES),
      created_by_id: m.person.id,
      // The official record definition describes one day here (not a list): the first day.
      time_off_request_days: { date: dayText(first), amount_used: WORKDAY_S, starts_at: isoSeconds(start), stops_at: isoSeconds(start + DAY_MS), holiday: false, paid: policy.paid === true },
      created_at: b.stamp(submitted, rng),
      updated_at: b.stamp(status === 'pending' ? submitted + 1000 : decided, rng),
    })
  }
}
