// An app written against a Hubstaff client as the ones published on npm are written (axios style:
// a base URL, a bearer token, a params object per call, `Date`s sent with toISOString), pointed at
// the gateway. Against a gateway in mock mode it needs no token and no network:
//
//   npx hubstaff-gateway --mode mock &
//   node examples/published-client.mjs                       # http://127.0.0.1:8787/v2
//   node examples/published-client.mjs http://127.0.0.1:9000/v2
//
// It prints what it found and exits 1 if any answer is empty or disagrees with another.

/** `params` as axios serialises them: `date[start]` keys as given, arrays as `key[]=a&key[]=b`, Dates as ISO text. */
function query(params = {}) {
  const out = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue
    for (const one of Array.isArray(value) ? value : [value]) out.append(Array.isArray(value) ? `${key}[]` : key, one instanceof Date ? one.toISOString() : String(one))
  }
  const text = out.toString()
  return text === '' ? '' : `?${text}`
}

export class HubstaffClient {
  /** @param {{ baseURL?: string, accessToken?: string, session?: string }} options */
  constructor({ baseURL = 'http://127.0.0.1:8787/v2', accessToken = 'not-needed-by-the-gateway', session } = {}) {
    this.baseURL = baseURL.replace(/\/+$/, '')
    this.headers = { authorization: `Bearer ${accessToken}`, accept: 'application/json' }
    if (session !== undefined) this.headers['x-gateway-session'] = session
  }

  async get(path, params) {
    const res = await fetch(`${this.baseURL}${path}${query(params)}`, { headers: this.headers })
    const text = await res.text()
    if (!res.ok) throw new Error(`GET ${path}${query(params)}: ${res.status} ${text.slice(0, 200)}`)
    return JSON.parse(text)
  }

  /** Every page of a list, following `pagination.next_page_start_id`. */
  async all(path, key, params = {}) {
    const records = []
    let page_start_id
    for (;;) {
      const page = await this.get(path, { ...params, page_limit: 100, page_start_id })
      records.push(...page[key])
      page_start_id = page.pagination?.next_page_start_id
      if (page_start_id === undefined) return records
    }
  }

  getMe() {
    return this.get('/users/me').then((r) => r.user)
  }

  getOrganizations() {
    return this.all('/organizations', 'organizations')
  }

  getProjects(organizationId) {
    return this.all(`/organizations/${organizationId}/projects`, 'projects')
  }

  getMembers(organizationId) {
    return this.all(`/organizations/${organizationId}/members`, 'members', { include: ['users'] })
  }

  getTasks(projectId) {
    return this.all(`/projects/${projectId}/tasks`, 'tasks')
  }

  /** `date[start]`/`date[stop]` are sent as Date objects: `2026-11-23T00:00:00.000Z`, as the published clients send them. */
  getDailyActivities(organizationId, start, stop) {
    return this.all(`/organizations/${organizationId}/activities/daily`, 'daily_activities', { 'date[start]': start, 'date[stop]': stop })
  }

  getActivities(organizationId, start, stop) {
    return this.all(`/organizations/${organizationId}/activities`, 'activities', { 'time_slot[start]': start, 'time_slot[stop]': stop })
  }
}

/** The calls an app makes on its first day, and whether their answers are non-empty and agree. */
export async function tour(client) {
  const problems = []
  const me = await client.getMe()
  const [organization] = await client.getOrganizations()
  if (organization === undefined) return { problems: ['no organization'] }
  const projects = await client.getProjects(organization.id)
  const members = await client.getMembers(organization.id)
  const tasks = projects.length === 0 ? [] : await client.getTasks(projects[0].id)
  const day = 86_400_000
  const today = new Date(Math.floor(Date.now() / day) * day)
  const weekAgo = new Date(today.getTime() - 7 * day)
  const daily = await client.getDailyActivities(organization.id, weekAgo, new Date(today.getTime() - day))
  const activities = await client.getActivities(organization.id, new Date(today.getTime() - day), today)

  for (const [what, list] of Object.entries({ projects, members, tasks, daily, activities })) if (list.length === 0) problems.push(`${what}: empty`)
  const memberIds = new Set(members.map((m) => m.user_id))
  const projectIds = new Set(projects.map((p) => p.id))
  if (!memberIds.has(me.id)) problems.push(`me (${me.id}) is not a member of ${organization.name}`)
  for (const a of [...daily, ...activities]) {
    if (!memberIds.has(a.user_id)) problems.push(`activity ${a.id}: user ${a.user_id} is not a member`)
    if (!projectIds.has(a.project_id)) problems.push(`activity ${a.id}: project ${a.project_id} is not a project of the organization`)
  }
  for (const a of daily) if (a.date < weekAgo.toISOString().slice(0, 10) || a.date >= today.toISOString().slice(0, 10)) problems.push(`daily activity ${a.id}: ${a.date} is outside the week asked for`)
  for (const task of tasks) if (task.project_id !== projects[0].id) problems.push(`task ${task.id} is not in project ${projects[0].id}`)
  const tracked = daily.reduce((sum, a) => sum + a.tracked, 0)
  return {
    me: me.name,
    organization: organization.name,
    counts: { projects: projects.length, members: members.length, tasks: tasks.length, daily: daily.length, activities: activities.length },
    trackedHoursLastWeek: Math.round(tracked / 360) / 10,
    problems: problems.slice(0, 20),
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await tour(new HubstaffClient({ baseURL: process.argv[2] }))
  console.log(JSON.stringify(result, null, 2))
  process.exitCode = result.problems.length === 0 ? 0 : 1
}
