import type { Builder, Draft } from './context.js'
import type { OrgPlan } from './plan.js'
import { dayOf, dayText, DAY_MS, localDay, localMidnight, weekdayOf } from './time.js'

export interface Sheet {
  readonly row: Draft
  readonly locked: boolean
  readonly paid: boolean
  add(activity: Draft): void
}

/**
 * Weekly timesheets (Monday to Sunday, organization dates): weeks that ended more than a week ago
 * are approved, paid and lock their time, last week's is submitted, this week's is open. Their totals are the sums of the activities they hold.
 */
export class Timesheets {
  readonly #b: Builder
  readonly #plan: OrgPlan
  readonly #today: number
  readonly #sheets = new Map<string, Sheet>()

  constructor(b: Builder, plan: OrgPlan) {
    this.#b = b
    this.#plan = plan
    this.#today = localDay(plan.zone.zone, b.now)
  }

  of(userId: number, day: number): Sheet {
    const monday = day - ((weekdayOf(day) + 6) % 7)
    const key = `${userId}:${monday}`
    let sheet = this.#sheets.get(key)
    if (sheet !== undefined) return sheet
    const b = this.#b
    const sunday = monday + 6
    const status = sunday < this.#today - 7 ? 'approved' : sunday < this.#today ? 'submitted' : 'open'
    const startMs = localMidnight(this.#plan.zone.zone, monday)
    const endMs = localMidnight(this.#plan.zone.zone, sunday + 1)
    const approvedMs = Math.min(endMs + 3 * DAY_MS, b.now)
    const row: Draft = {
      id: b.id('Timesheet'),
      _organization_id: this.#plan.id,
      paid: status === 'approved',
      user_id: userId,
      organization_id: this.#plan.id,
      status,
      keyboard: 0,
      mouse: 0,
      overall: 0,
      tracked: 0,
      input_tracked: 0,
      start_date: dayText(monday),
      stop_date: dayText(sunday),
      ...(status === 'open' ? {} : { submitted_on: dayText(Math.min(sunday + 1, this.#today)) }),
      ...(status === 'approved' ? { approved_on: dayText(dayOf(approvedMs)), approved_by_id: this.#plan.owner.id } : {}),
      locked: status === 'approved',
      created_at: b.stamp(startMs),
      updated_at: b.stamp(status === 'approved' ? approvedMs : status === 'submitted' ? Math.min(endMs + DAY_MS, b.now) : b.now),
    }
    b.rows('Timesheet').push(row)
    sheet = {
      row,
      locked: status === 'approved',
      paid: row.paid === true,
      add(activity) {
        for (const f of ['keyboard', 'mouse', 'overall', 'tracked', 'input_tracked'] as const) row[f] = (row[f] as number) + (activity[f] as number)
      },
    }
    this.#sheets.set(key, sheet)
    return sheet
  }
}
