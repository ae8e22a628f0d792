// With `--spec` pointing at Hubstaff's official Swagger 2.0 document, every GET operation answers
// a body that validates against that document's 200 schema: the model's answers (the twin answers
// what it covers whatever the description) and Prism's generated data alike. The document lives
// beside the project (../shared), never in it: without it, this test skips.
import t from 'tap'
import { asHubstaffAnswers, everyGet, mockClient, modelIds, NO_OFFICIAL_SPEC, OFFICIAL_SPEC, readDoc, dropUnusableTypes, schemaValidator } from './helpers/mock.js'

void t.test('every GET of the official spec answers a body valid against its 200 schema', { skip: NO_OFFICIAL_SPEC }, async (t) => {
  const doc = readDoc(OFFICIAL_SPEC)
  for (const place of dropUnusableTypes(doc)) t.comment(`not a JSON Schema type, so not checked: ${place}`)
  asHubstaffAnswers(doc)
  const schemaOf = schemaValidator(doc)
  const mock = await mockClient({ spec: OFFICIAL_SPEC, stateDir: t.testdir() })
  t.equal(mock.prepared.source.origin, 'flag')
  const ids = await modelIds(mock)
  for (const dynamic of [false, true]) {
    const gets = dynamic ? everyGet(doc) : everyGet(doc, { ids, now: Date.now() })
    t.ok(gets.length >= 80, `${gets.length} GET operations`)
    let answered = 0
    for (const { path, url } of gets) {
      const answer = await mock.get(url, dynamic ? { prefer: 'dynamic=true' } : {})
      const what = `${dynamic ? 'dynamic' : 'model'} GET ${url}`
      // Paths under ids the first records do not reach (an integration, a screenshot) 404 from
      // the model; the test of every official operation walks the lists for them.
      if (!dynamic && answer.status === 404) continue
      answered++
      t.equal(answer.status, 200, `${what}: 200`, { body: answer.text.slice(0, 300) })
      t.equal(answer.source, 'mock')
      // GET /v2/error_codes and GET /v2/webhooks/{id} document no schema: any body is theirs.
      if (doc.paths[path]?.get?.responses['200']?.schema === undefined || answer.status !== 200) continue
      const validate = schemaOf(['paths', path, 'get', 'responses', '200', 'schema'])
      t.ok(validate(answer.json()), `${what} matches its 200 schema`, { errors: validate.errors?.slice(0, 5) })
    }
    if (!dynamic) t.ok(answered >= 60, `${answered} GET operations answered from the model`)
  }
})

void t.test('the official spec answers its own error envelope for a request it refuses', { skip: NO_OFFICIAL_SPEC }, async (t) => {
  const doc = readDoc(OFFICIAL_SPEC)
  dropUnusableTypes(doc)
  const validate = schemaValidator(doc)(['definitions', 'Hubstaff_Public_V2_Entities_Error'])
  const mock = await mockClient({ spec: OFFICIAL_SPEC, stateDir: t.testdir() })
  const answer = await mock.get('/v2/organizations/1001/activities')
  t.equal(answer.status, 400, 'time_slot[start] and [stop] are required')
  t.ok(validate(answer.json()), 'the 400 is the error envelope', { body: answer.text })
})
