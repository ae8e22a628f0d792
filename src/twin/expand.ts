import type { Row } from './dataset.js'
import type { Query } from './request.js'
import type { World } from './world.js'

/**
 * Fields Hubstaff adds to a record only when asked (`include_projects=true` on members), drawn
 * from the collections that hold them, so that a member's projects are the project memberships
 * `/v2/projects/{id}/members` shows.
 */

export type Expansion = (row: Row, world: World, query: Query) => unknown

function projectMemberships(row: Row, world: World, query: Query): unknown {
  const statuses = query.get('project_statuses')
  const out: Record<string, unknown>[] = []
  for (const membership of world.read('ProjectMember')?.bucket('user_id', row.user_id) ?? []) {
    if (membership._organization_id !== row._organization_id) continue
    const project = world.get('Project', membership._project_id as number)
    if (project === undefined || (statuses !== undefined && !statuses.includes(String(project.status)))) continue
    // The nested record is the membership less what the member already says (whose it is).
    const fields: Record<string, unknown> = { ...membership }
    delete fields.id
    delete fields.user_id
    out.push({ ...fields, project_id: project.id, project_type: project.type, project_status: project.status })
  }
  return out
}

/** By record schema, then field. */
export const EXPANSIONS: Readonly<Record<string, Readonly<Record<string, Expansion>>>> = {
  OrganizationMember: { project_members: projectMemberships },
}

/** A row with the asked-for fields it does not store itself. */
export function expand(schema: string, fields: readonly string[], row: Row, world: World, query: Query): Row {
  const table = EXPANSIONS[schema]
  if (table === undefined) return row
  let out: Row | undefined
  for (const field of fields) {
    const fill = table[field]
    if (fill === undefined || row[field] !== undefined) continue
    out ??= { ...row }
    ;(out as Record<string, unknown>)[field] = fill(row, world, query)
  }
  return out ?? row
}
