// Whatever form Hubstaff's blank reply takes, an app walking 31 days of daily activities with
// page_limit 50 gets, record for record and in order, what a Hubstaff that never blanks gives.
import t from 'tap'
import { DAY_MS } from './helpers/fake-hubstaff-data.js'
import { FAKE_BLANK_FORMS, FAKE_DATA } from './helpers/fake-hubstaff.js'
import { walkEqualsReference } from './helpers/split-walk.js'

for (const form of FAKE_BLANK_FORMS) {
  void t.test(`blank reply as ${form}`, (t) =>
    walkEqualsReference(t, form, {
      path: `/v2/organizations/${FAKE_DATA.organizationId}/activities/daily`,
      // March 2026: 22 working days of five users (dates, stop inclusive).
      query: 'date[start]=2026-03-01&date[stop]=2026-03-31',
      listKey: 'daily_activities',
      pageLimit: 50,
      // Ranges over ten days blank: the month is cut into its days.
      overMs: 10 * DAY_MS,
      records: 110,
      depth: 1,
    }),
  )
}
