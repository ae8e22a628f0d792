import { OPERATIONS, SCHEMAS } from './src/api/description.js'
import { pickField } from './src/twin/filters.js'
import { generateDataset } from './src/twin/generate/index.js'
import { World } from './src/twin/world.js'
import { resolve, singular, snake } from './src/twin/schema.js'
import { RANGED_ENDPOINTS, templatesOf } from './src/api/ranges.js'
const d = generateDataset({ seed: 'x', size: 'small', now: Date.parse('2026-12-05T19:00:00Z') })
const w = World.fromDataset(d)
const ranged = new Set(RANGED_ENDPOINTS.flatMap((e) => templatesOf(e).map((t) => `${t}|${e.param}`)))
for (const op of OPERATIONS) {
  if (op.method !== 'GET') continue
  const coll = op.twin.kind === 'list' ? op.twin.collection : op.twin.kind === 'custom' && op.ok.kind === 'list' ? op.ok.schema : undefined
  if (coll === undefined) continue
  const props = resolve(SCHEMAS[coll], SCHEMAS)?.properties ?? {}
  const rows = w.read(coll)
  const out: string[] = []
  for (const p of op.params) {
    if (p.in !== 'query' || ['page_start_id', 'page_limit', 'include'].includes(p.name)) continue
    const b = /^(\w+)\[(start|stop)\]$/.exec(p.name)
    if (b) { if (p.name.endsWith('[stop]')) continue; const base = b[1]!; const isTable = ranged.has(`${op.path}|${base}`); out.push(`${base}[]→${pickField([base, `${base}_at`, `${base}_on`, `${base}_date`, ...(base === 'date' ? ['start_date', 'starts_at'] : [])], props, rows) ?? 'NONE'}${isTable ? '(table)' : ''}`); continue }
    if (/^search\[/.test(p.name) || p.name.startsWith('include_') || p.name.startsWith('only_')) { out.push(`${p.name}:special`); continue }
    const ids = /^(\w+)_ids?$/.exec(p.name)
    const self = snake(coll)
    const cands = ids ? [`${ids[1]}_id`, `_${ids[1]}_id`, `${ids[1]}_ids`, `_${ids[1]}_ids`] : p.schema.type === 'array' ? [singular(p.name), p.name] : [p.name]
    if (ids && ids[1] === self) cands.unshift('id')
    if (ids && ids[1] === 'user') cands.push('assignee_ids')
    out.push(`${p.name}→${pickField(cands, props, rows) ?? 'NONE'}`)
  }
  console.log(`${op.path} [${coll} ${rows?.size ?? 'no rows'}] ${out.join(' ')}`)
}
