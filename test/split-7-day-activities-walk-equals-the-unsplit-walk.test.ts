// Whatever form Hubstaff's blank reply takes, an app walking 7 days of activities with page_limit
// 50 gets, record for record and in order, what a Hubstaff that never blanks would have given.
import t from 'tap'
import { DAY_MS } from './helpers/fake-hubstaff-data.js'
import { FAKE_BLANK_FORMS, FAKE_DATA } from './helpers/fake-hubstaff.js'
import { walkEqualsReference } from './helpers/split-walk.js'

for (const form of FAKE_BLANK_FORMS) {
  void t.test(`blank reply as ${form}`, (t) =>
    walkEqualsReference(t, form, {
      path: `/v2/organizations/${FAKE_DATA.organizationId}/activities`,
      // Monday 2026-01-05 to Monday 2026-01-12: five working days of five users.
      query: 'time_slot[start]=2026-01-05T00:00:00Z&time_slot[stop]=2026-01-12T00:00:00Z',
      listKey: 'activities',
      pageLimit: 50,
      // Ranges over two days blank: the week is cut into its days, which get through.
      overMs: 2 * DAY_MS,
      records: 1200,
      depth: 1,
    }),
  )
}
