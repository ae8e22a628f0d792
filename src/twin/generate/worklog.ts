import type { Tracked } from './activity.js'
import { between, type Builder } from './context.js'
import type { OrgPlan } from './plan.js'
import { HOUR_MS, MINUTE_MS } from './time.js'

/**
 * What follows from the tracked time: each membership's (and project membership's) last client
 * activity, and completed tasks finished after the last time tracked on them. Last activities
 * are not stored: the twin derives them from the activities and these stamps.
 */
export function settleWork(b: Builder, plans: readonly OrgPlan[], tracked: Tracked): void {
  const rng = b.rng.fork('worklog')
  for (const plan of plans) {
    for (const m of plan.members) {
      const last = tracked.last.get(`${plan.id}:${m.person.id}`)
      if (last === undefined) continue
      m.member.last_client_activity = b.stamp(last.endMs, rng)
    }
    for (const task of plan.tasks) {
      if (task.status !== 'completed') continue
      const created = Date.parse(String(task.created_at))
      const lastWork = tracked.lastOnTask.get(task.id) ?? created
      const done = Math.min(b.now, between(rng, lastWork + 10 * MINUTE_MS, lastWork + 30 * HOUR_MS))
      const completed = b.stamp(done, rng)
      task.completed_at = completed < String(task.created_at) ? task.created_at : completed
      task.updated_at = task.completed_at
    }
  }
  for (const pm of b.rows('ProjectMember')) {
    const last = tracked.lastOnProject.get(`${String(pm.user_id)}:${String(pm._project_id)}`)
    if (last !== undefined) pm.last_client_activity = b.stamp(last, rng)
  }
}
