// Hubstaff's blank reply has no documented form: an empty 2xx, an empty or HTML 502/503/504/524,
// the JSON error 15001 and the gateway's own upstream timeout all count as that one reply; real
// answers (data, an empty list, Hubstaff's own errors) never do.
import t from 'tap'
import { GatewayError } from '../src/errors.js'
import type { GatewayResponse, HeaderMap } from '../src/pipeline/types.js'
import { blankForm, isBlankError } from '../src/split/detect.js'

const answer = (status: number, body: string, headers: HeaderMap = {}): GatewayResponse => ({ status, headers, body: Buffer.from(body), source: 'upstream', upstreamCalls: 1 })
const HTML = '<html><body><h1>504 Gateway Time-out</h1></body></html>'
const TIMEOUT = '{"code":"server_timeout","error":"Server timeout. Please decrease the number of items per page","error_code":15001}'

void t.test('blank', (t) => {
  const blanks: [string, GatewayResponse][] = [
    ['an empty 200', answer(200, '')],
    ['a 200 of whitespace', answer(200, ' \r\n')],
    ['an empty 204 where JSON is expected', answer(204, '')],
    ...[502, 503, 504, 524].flatMap((s): [string, GatewayResponse][] => [
      [`an empty ${s}`, answer(s, '')],
      [`an HTML ${s}`, answer(s, HTML, { 'content-type': 'text/html' })],
      [`an HTML ${s} without a content type`, answer(s, `\n${HTML}`)],
    ]),
    ['error_code 15001 on a 503', answer(503, TIMEOUT, { 'content-type': 'application/json' })],
    ['error_code 15001 on a 500', answer(500, TIMEOUT)],
    ['error_code 15001 on a 200', answer(200, TIMEOUT)],
  ]
  for (const [what, response] of blanks) t.ok(blankForm(response), `${what} is blank`)
  t.ok(isBlankError(new GatewayError('HSG_UPSTREAM_TIMEOUT', 'no answer within 40 s')), "the gateway's own timeout is blank")
  t.end()
})

void t.test('not blank', (t) => {
  const answers: [string, GatewayResponse][] = [
    ['a list', answer(200, '{"activities":[{"id":1}]}')],
    ['an empty list', answer(200, '{"activities":[]}')],
    ["Hubstaff's 400", answer(400, '{"code":"invalid_params","error":"time_slot range must not exceed 7 days","error_code":11000}')],
    ["Hubstaff's 404", answer(404, '{"code":"not_found","error":"Could not find record"}')],
    ['a 503 with another error code', answer(503, '{"code":"server_error","error":"down","error_code":15000}')],
    ['a 500 with an HTML page (a crash, not the cut)', answer(500, HTML, { 'content-type': 'text/html' })],
    ['an empty 429', answer(429, '')],
  ]
  for (const [what, response] of answers) t.notOk(blankForm(response), `${what} is an answer`)
  t.notOk(isBlankError(new GatewayError('HSG_UPSTREAM_UNREACHABLE', 'reset')), 'a reset is a failure, not the cut')
  t.notOk(isBlankError(new Error('x')))
  t.end()
})
