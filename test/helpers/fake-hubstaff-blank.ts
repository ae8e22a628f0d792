// Hubstaff's blank reply (its 30-second cut) as the fake Hubstaff plays it: the `blank` knob.
import type { ServerResponse } from 'node:http'

/**
 * The forms Hubstaff's blank reply (its 30-second cut) may take: an empty 2xx, an empty or HTML
 * 502/503/504/524 from a proxy in front, the JSON error 15001, or no answer at all.
 */
export const FAKE_BLANK_FORMS = [
  'empty 200',
  'empty 502',
  'HTML 502',
  'empty 503',
  'HTML 503',
  'empty 504',
  'HTML 504',
  'empty 524',
  'HTML 524',
  'error 15001',
  'hang',
] as const
export type FakeBlankForm = (typeof FAKE_BLANK_FORMS)[number]
/**
 * Blank replies to date-ranged lists whose range is longer than `overMs` (after the 400 checks),
 * unless the page asked is no larger than `smallPagesPass` records.
 */
export type FakeBlank = undefined | { overMs: number; form: FakeBlankForm; smallPagesPass?: number }

/** Thrown by a ranged route that would take Hubstaff past its 30-second cut. */
export class BlankReply extends Error {
  constructor(readonly form: FakeBlankForm) {
    super(`fake-hubstaff blank reply (${form})`)
  }
}

const JSON_TYPE = 'application/json; charset=utf-8'
const TIMEOUT_ENVELOPE = { code: 'server_timeout', error: 'Server timeout. Please decrease the number of items per page or narrow the date range.', error_code: 15001 }

export function sendBlank(res: ServerResponse, form: FakeBlankForm): void {
  if (form === 'hang') return // never answered: the client's own timeout ends it
  if (form === 'error 15001') return send(res, 503, JSON.stringify(TIMEOUT_ENVELOPE), { 'content-type': JSON_TYPE })
  const [shape, code] = form.split(' ')
  const status = Number(code)
  if (shape === 'HTML') {
    return send(res, status, `<html><head><title>${status}</title></head><body><h1>${status} Gateway Time-out</h1></body></html>`, { 'content-type': 'text/html; charset=utf-8' })
  }
  // Hubstaff's own empty 200 still says JSON; a proxy's empty 5xx says nothing.
  send(res, status, '', status === 200 ? { 'content-type': JSON_TYPE, 'content-length': '0' } : { 'content-length': '0' })
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  if (res.destroyed || res.headersSent) return
  res.writeHead(status, headers)
  res.end(body)
}
