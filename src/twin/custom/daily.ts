import { DAY_MS } from '../../api/dates.js'
import type { TwinAnswer } from '../answer.js'
import { instantOf, textOf } from '../collection.js'
import type { Call } from '../context.js'
import type { Row } from '../dataset.js'
import { inInterval, readListQuery } from '../filters.js'
import { listAnswer, pageOf } from '../list.js'
import { readRange, type Interval } from '../range.js'
import { remembered } from '../memo.js'
import { total, type Totals } from './aggregate.js'
import { scopeFilter, siblingScope } from './shared.js'

/**
 * Daily totals (`/activities/daily`, `/tool_usages/daily`, `/activities/daily/updates`), computed
 * from the stored slots each time the slots change, never stored apart from them.
 */

const DAILY_ACTIVITY: Totals = {
  by: ['user_id', 'project_id', 'task_id', 'date', '_organization_id'],
  sums: ['keyboard', 'mouse', 'overall', 'tracked', 'input_tracked'],
  tracked: {
    billable: (row) => row.billable === true,
    manual: (row) => row.time_type === 'manual',
    idle: (row) => row.time_type === 'idle',
    resumed: (row) => row.time_type === 'resumed',
    work_break: (row) => row.time_type === 'work_break',
  },
}

const DAILY_TOOL_USAGE: Totals = {
  by: ['user_id', 'project_id', 'task_id', 'date', 'name', 'tool_type', '_organization_id'],
  sums: ['tracked', 'activations'],
}

/** The totals of the slots of `source` whose `date` lies in `interval`, within the operation's scope. */
function totalsOf(call: Call, source: string, spec: Totals, interval: Interval): Row[] {
  const stored = call.world.read(source)
  if (stored === undefined) return []
  const scope = scopeFilter(call, siblingScope(call, /\/(daily\/updates|daily)$/))
  const key = `${scope?.field ?? ''}=${scope?.value ?? ''}|${interval.lo}|${interval.hi}`
  return remembered(stored, `${source}|${key}`, () => {
    const slots = stored.span('date', interval.lo, interval.hi)
    return total(scope === undefined ? slots : slots.filter((row) => scope.test(row, call.world)), spec)
  })
}

function answerTotals(call: Call, schema: string, rows: readonly Row[]): TwinAnswer {
  // The range was read above; the remaining filters (ids, tool type) apply to the totals.
  const query = readListQuery(call.operation, call.query, call.world, schema, call.ctx.schemas, undefined, call.now)
  const page = pageOf(rows, query.filters, call.world, query.startId, query.limit)
  return listAnswer(call, call.operation, schema, page, query)
}

function daily(source: string, schema: string, spec: Totals) {
  return (call: Call): TwinAnswer | undefined => {
    const rule = call.ctx.ranged(call.operation)
    if (rule === undefined) return undefined
    const interval = readRange(call.operation, rule, call.query, call.now)
    if (interval === undefined) return undefined
    return answerTotals(call, schema, totalsOf(call, source, spec, interval))
  }
}

export const activitiesDaily = daily('Activity', 'DailyActivity', DAILY_ACTIVITY)
export const toolUsagesDaily = daily('ToolUsage', 'DailyToolUsage', DAILY_TOOL_USAGE)

/** The daily totals any slot of which changed in the `updated` range: each total whole, as it now stands. */
export function activitiesDailyUpdates(call: Call): TwinAnswer | undefined {
  const rule = call.ctx.ranged(call.operation)
  const stored = call.world.read('Activity')
  if (rule === undefined) return undefined
  const interval = readRange(call.operation, rule, call.query, call.now)
  if (interval === undefined || stored === undefined) return answerTotals(call, 'DailyActivity', [])
  const changed = stored.span('updated_at', interval.lo, interval.hi)
  if (changed.length === 0) return answerTotals(call, 'DailyActivity', [])
  const keyOf = (row: Row): string => DAILY_ACTIVITY.by.map((f) => textOf(row[f] ?? null)).join('|')
  const touched = new Set(changed.map(keyOf))
  let lo = Infinity
  let hi = -Infinity
  for (const row of changed) {
    const day = instantOf(row.date)
    if (day === undefined) continue
    if (day < lo) lo = day
    if (day + DAY_MS > hi) hi = day + DAY_MS
  }
  const totals = totalsOf(call, 'Activity', DAILY_ACTIVITY, { lo, hi }).filter((row) => touched.has(keyOf(row)) && inInterval(row.updated_at, interval.lo, interval.hi))
  return answerTotals(call, 'DailyActivity', totals)
}
