// The hand-written behaviours the description names are answered by the twin, all but the job
// site rule edits, which Prism answers; a name the twin does not know is a test failure here, not
// a silent fall back to Prism.
import t from 'tap'
import { OPERATIONS } from '../src/api/description.js'
import { CUSTOM } from '../src/twin/custom/index.js'

const LEFT_TO_PRISM = new Set(['job_sites.add_rules', 'job_sites.remove_rules', 'job_sites.update_rules'])

void t.test('every custom behaviour of the description has a handler, or is knowingly left to Prism', (t) => {
  const names = new Set(OPERATIONS.flatMap((op) => (op.twin.kind === 'custom' ? [op.twin.name] : [])))
  for (const name of names) t.ok(name in CUSTOM || LEFT_TO_PRISM.has(name), name)
  for (const name of Object.keys(CUSTOM)) t.ok(names.has(name), `${name} is a behaviour the description names`)
  t.end()
})
