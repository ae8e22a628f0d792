import { money, text, type Builder, type Draft } from './context.js'
import type { OrgPlan } from './plan.js'
import type { Random } from './random.js'
import { dayOf, dayText, DAY_MS, localDay } from './time.js'

/**
 * Money: budget histories of budgeted projects and clients (spent from the tracked time), client
 * invoices for past months, team invoices, team payments that pay the paid timesheets (and say so
 * on them), members' pay and bill rates, and each organization's seat counters.
 */
export function buildBilling(b: Builder, plans: readonly OrgPlan[]): void {
  const rng = b.rng.fork('billing')
  const seconds = trackedByProject(b)
  for (const [index, plan] of plans.entries()) {
    const orgToday = localDay(plan.zone.zone, b.now)
    budgets(b, rng, plan, seconds)
    rates(b, rng, plan)
    const occupied = plan.members.filter((m) => m.member.membership_status === 'active').length
    b.add('OrganizationSeat', { _organization_id: plan.id, paid: occupied + (index === 0 ? 2 : 0), occupied, open: index === 0 ? 2 : 0 })
    if (index !== 0) continue
    clientInvoices(b, rng, plan, orgToday)
    teamInvoices(b, rng, plan, orgToday)
    teamPayments(b, rng, plan)
  }
}

/** Seconds tracked per project id. */
function trackedByProject(b: Builder): Map<number, number> {
  const out = new Map<number, number>()
  for (const a of b.rows('Activity')) out.set(a.project_id as number, (out.get(a.project_id as number) ?? 0) + (a.tracked as number))
  return out
}

function budgets(b: Builder, rng: Random, plan: OrgPlan, seconds: Map<number, number>): void {
  for (const project of plan.projects) {
    const budget = project.budget as Record<string, unknown> | undefined
    if (budget === undefined) continue
    const hours = (seconds.get(project.id) ?? 0) / 3600
    const spent = budget.type === 'hours' ? Math.round(hours * 100) / 100 : Math.round(hours * rng.int(50, 110) * 100) / 100
    const created = Date.parse(String(project.created_at))
    b.add('BudgetHistory', {
      _organization_id: plan.id,
      project_id: project.id,
      budget: { ...budget },
      start_date: String(budget.start_date),
      ...(budget.recurrence === 'monthly' ? { stop_date: dayText(dayOf(b.now) + 30) } : {}),
      spent,
      ...b.stamps(created, rng, 0.6),
    })
  }
  for (const client of plan.clients.slice(0, 1)) {
    const start = dayText(dayOf(Date.parse(String(client.created_at))))
    const budget = { type: 'cost', rate: 'bill_rate', cost: 20_000, start_date: start, alerts: { near_limit: 80 }, include_non_billable: false }
    client.budget = budget
    let hours = 0
    for (const id of client.project_ids as number[]) hours += (seconds.get(id) ?? 0) / 3600
    b.add('BudgetHistory', { _organization_id: plan.id, client_id: client.id, budget: { ...budget }, start_date: start, spent: Math.round(hours * 85 * 100) / 100, ...b.stamps(Date.parse(String(client.created_at)), rng, 0.6) })
  }
}

function rates(b: Builder, rng: Random, plan: OrgPlan): void {
  for (const m of plan.members) {
    const since = Date.parse(String(m.member.created_at))
    for (const kind of ['pay', 'bill'] as const) {
      const current = String(m.member[`${kind}_rate`])
      // Most people had a raise once: the old rate is a past one.
      const raised = rng.chance(0.5) && b.now - since > 200 * DAY_MS
      const changed = raised ? since + Math.floor((b.now - since) * rng.float(0.4, 0.8)) : since
      if (raised) {
        b.add('Rate', { _organization_id: plan.id, user_id: m.person.id, kind, rate_type: 'hourly', amount: Math.round(Number(current) * 90) / 100, currency: 'USD', start_date: b.stamp(since, rng), end_date: b.stamp(changed, rng), ...b.stamps(since, rng, 0) })
      }
      b.add('Rate', { _organization_id: plan.id, user_id: m.person.id, kind, rate_type: 'hourly', amount: Number(current), currency: 'USD', start_date: b.stamp(changed, rng), ...b.stamps(changed, rng, 0) })
    }
  }
}

function lineItem(b: Builder, rng: Random, at: number, description: string, quantity: number, price: number): Draft {
  return { id: b.id('InvoiceLineItem'), ...b.stamps(at, rng, 0), description, quantity, unit_price: price, generated: true, tax_1: false, tax_2: false, discount: false }
}

function invoiceNumber(n: number): string {
  return `INV-${String(n).padStart(4, '0')}`
}

function clientInvoices(b: Builder, rng: Random, plan: OrgPlan, orgToday: number): void {
  const today = new Date(orgToday * DAY_MS)
  let n = rng.int(20, 80)
  for (let back = 3; back >= 1; back--) {
    const issue = dayOf(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back + 1, 1))
    if (issue * DAY_MS < plan.createdMs) continue
    for (const client of plan.clients) {
      const items = (client.project_ids as number[]).map((id) => {
        const project = plan.projects.find((p) => p.id === id)
        return lineItem(b, rng, issue * DAY_MS, `${text(project?.name) || 'Project'} – hours`, rng.int(20, 120), rng.int(60, 130))
      })
      if (items.length === 0) continue
      const total = items.reduce((sum, i) => sum + (i.quantity as number) * (i.unit_price as number), 0)
      const status = back === 1 ? 'open' : 'closed'
      b.add('ClientInvoice', {
        _organization_id: plan.id,
        organization_id: plan.id,
        status,
        author_id: plan.owner.id,
        number: invoiceNumber(n++),
        po_number: `PO-${rng.int(1000, 9999)}`,
        notes: 'Payment within the agreed terms, thank you.',
        currency: 'USD',
        grand_total: total,
        paid_amount: status === 'closed' ? total : 0,
        issue_date: dayText(issue),
        due_date: dayText(issue + 30),
        ...b.stamps(issue * DAY_MS, rng, 0.8),
        line_items: items,
        viewer_url: `https://app.hubstaff.com/invoices/${rng.int(100_000, 999_999)}/view`,
        client_id: client.id,
      })
    }
  }
}

function teamInvoices(b: Builder, rng: Random, plan: OrgPlan, orgToday: number): void {
  const contractors = plan.members.filter((m) => m.tracks && m.role === 'user').slice(0, 3)
  let n = 1
  for (const m of contractors) {
    for (let back = 2; back >= 1; back--) {
      const issue = orgToday - back * 14
      const hours = rng.int(50, 80)
      const rate = Number(m.member.pay_rate)
      const status = back === 2 ? 'approved' : rng.pick(['open', 'submitted'] as const)
      b.add('TeamInvoice', {
        _organization_id: plan.id,
        organization_id: plan.id,
        status,
        author_id: m.person.id,
        number: `${m.person.last.toUpperCase().slice(0, 3)}-${String(n++).padStart(3, '0')}`,
        po_number: `PO-${rng.int(1000, 9999)}`,
        notes: 'Two weeks of work as tracked.',
        currency: 'USD',
        grand_total: hours * rate,
        paid_amount: status === 'approved' ? hours * rate : 0,
        issue_date: dayText(issue),
        due_date: dayText(issue + 14),
        ...b.stamps(issue * DAY_MS, rng, 0.5),
        line_items: [lineItem(b, rng, issue * DAY_MS, 'Tracked time', hours, rate)],
        viewer_url: `https://app.hubstaff.com/team_invoices/${rng.int(100_000, 999_999)}/view`,
        user_id: m.person.id,
      })
    }
  }
}

/** One payment per paid timesheet week, its details one line per person. */
function teamPayments(b: Builder, rng: Random, plan: OrgPlan): void {
  const byWeek = new Map<string, Draft[]>()
  for (const sheet of b.rows('Timesheet')) {
    if (sheet._organization_id !== plan.id || sheet.paid !== true) continue
    const list = byWeek.get(String(sheet.start_date)) ?? []
    list.push(sheet)
    byWeek.set(String(sheet.start_date), list)
  }
  for (const [start, sheets] of [...byWeek].sort(([a], [b2]) => (a < b2 ? -1 : 1))) {
    const stop = String(sheets[0]?.stop_date)
    const paidAt = Math.min(Date.parse(`${stop}T12:00:00Z`) + 9 * DAY_MS, b.now)
    let total = 0
    let seconds = 0
    const details = sheets.map((sheet) => {
      const m = plan.members.find((x) => x.person.id === sheet.user_id)
      const rate = Number(m?.member.pay_rate ?? 0)
      const amount = ((sheet.tracked as number) / 3600) * rate
      total += amount
      seconds += sheet.tracked as number
      return { id: b.id('TeamPaymentDetail'), user_id: sheet.user_id, date: stop, tracked: sheet.tracked, pay_rate: money(rate), amount: money(amount), currency: 'USD', payment_type: 'hourly', payment_complete: true }
    })
    const payment = b.add('TeamPayment', {
      _organization_id: plan.id,
      ...b.stamps(paidAt, rng, 0),
      organization_id: String(plan.id),
      start_date: start,
      stop_date: stop,
      blame_user_id: plan.owner.id,
      note: `Hours ${start} to ${stop}`,
      tracked: seconds,
      amount: money(total),
      currency: 'USD',
      payment_source: 'manual',
      paid_via_payroll: false,
      payment_complete: true,
      details,
    })
    for (const sheet of sheets) sheet.team_payment_id = payment.id
  }
}
