// Writes spec/hubstaff-v2.openapi.json from the description in src/api (`npm run spec:generate`).
// The bundled file is never edited by hand: a test fails when it differs from what this writes.
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { openApiDocument } from '../src/api/openapi.js'

const target = fileURLToPath(new URL('../spec/hubstaff-v2.openapi.json', import.meta.url))
writeFileSync(target, JSON.stringify(openApiDocument(), null, 2) + '\n')
console.log(`wrote ${target}`)
