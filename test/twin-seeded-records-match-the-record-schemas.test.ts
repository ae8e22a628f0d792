// Every record of the seeded organization, as an app sees it (the twin's `_` links dropped), is a
// valid record of its kind: against Hubstaff's official record definitions (when the document
// beside the project is there) and against the project's own description, which the twin's
// answers are rendered and checked by.
import { Ajv } from 'ajv'
import formats from 'ajv-formats'
import t from 'tap'
import { SCHEMAS } from '../src/api/description.js'
import type { Dataset } from '../src/twin/dataset.js'
import { WITHOUT_ID } from '../src/twin/generate/collections.js'
import { generateDataset } from '../src/twin/generate/index.js'
import { NO_OFFICIAL_SWAGGER, officialRecordValidators, publicFields } from './helpers/official-records.js'

const NOW = Date.parse('2026-12-04T15:20:00Z')
const datasets: Dataset[] = [generateDataset({ seed: 'schemas', size: 'small', now: NOW }), generateDataset({ seed: 'schemas, a Sunday', size: 'small', now: Date.parse('2026-12-06T03:00:00Z') })]

void t.test('every record validates against its official record definition', { skip: NO_OFFICIAL_SWAGGER }, (t) => {
  const validator = officialRecordValidators()
  for (const d of datasets) {
    for (const [name, rows] of Object.entries(d.collections)) {
      const validate = validator(name)
      if (validate === undefined) {
        t.comment(`${name}: the official document has no definition for it`)
        continue
      }
      const failures = rows.filter((row) => !validate(publicFields(row)))
      t.equal(failures.length, 0, `${name}: ${rows.length} records valid`, { first: failures[0], errors: failures.length > 0 ? (validate(publicFields(failures[0] ?? { id: 0 })), validate.errors) : undefined })
    }
  }
  t.end()
})

void t.test('every record validates against the description the twin answers by', (t) => {
  const toRefs = (node: unknown): unknown =>
    Array.isArray(node) ? node.map(toRefs) : node !== null && typeof node === 'object' ? Object.fromEntries(Object.entries(node).map(([k, v]) => (k === '$ref' ? [k, `#/definitions/${String(v)}`] : [k, toRefs(v)]))) : node
  const ajv = new Ajv({ strict: false, allErrors: true })
  formats.default(ajv)
  ajv.addSchema({ definitions: toRefs(SCHEMAS) }, 'description')
  for (const d of datasets) {
    for (const [name, rows] of Object.entries(d.collections)) {
      if (SCHEMAS[name] === undefined) {
        t.fail(`${name}: the description has no schema for it`)
        continue
      }
      const validate = ajv.getSchema(`description#/definitions/${name}`)
      if (validate === undefined) throw new Error(`no validator for ${name}`)
      // Records Hubstaff shows without an id carry one only as the twin's storage key.
      const shown = (row: Readonly<Record<string, unknown>>) => {
        const out = publicFields(row)
        if (WITHOUT_ID.has(name)) delete out.id
        return out
      }
      const failures = rows.filter((row) => !validate(shown(row)))
      t.equal(failures.length, 0, `${name}: ${rows.length} records valid`, { first: failures[0], errors: failures.length > 0 ? (validate(shown(failures[0] ?? { id: 0 })), validate.errors) : undefined })
    }
  }
  t.end()
})
