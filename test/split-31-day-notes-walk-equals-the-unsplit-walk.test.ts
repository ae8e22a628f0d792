// Whatever form Hubstaff's blank reply takes, an app walking 31 days of notes with page_limit 50
// gets, record for record and in order, what a Hubstaff that never blanks would have given.
import t from 'tap'
import { DAY_MS } from './helpers/fake-hubstaff-data.js'
import { FAKE_BLANK_FORMS, FAKE_DATA } from './helpers/fake-hubstaff.js'
import { walkEqualsReference } from './helpers/split-walk.js'

for (const form of FAKE_BLANK_FORMS) {
  void t.test(`blank reply as ${form}`, (t) =>
    walkEqualsReference(t, form, {
      path: `/v2/organizations/${FAKE_DATA.organizationId}/notes`,
      query: 'time_slot[start]=2026-03-01T00:00:00Z&time_slot[stop]=2026-04-01T00:00:00Z',
      listKey: 'notes',
      pageLimit: 50,
      // Ranges over a week blank: the month is cut into its days.
      overMs: 7 * DAY_MS,
      records: 273,
      depth: 1,
    }),
  )
}
