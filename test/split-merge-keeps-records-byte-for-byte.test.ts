// The merge splices the records' bytes as Hubstaff sent them (no parse-and-print round trip that
// would turn 1.50 into 1.5 or re-escape text), ordered by id across pieces, each id once, with the
// side-loads of the page and Hubstaff's pagination contract.
import t from 'tap'
import { Merger, renderPage } from '../src/split/merge.js'

const page = (records: string[], extra = ''): Buffer => Buffer.from(`{ "notes" : [ ${records.join(' ,\n ')} ]${extra} }`)
const note = (id: number, user: number, text = `note ${id}`) => `{"id":${id},"rate":1.50,"user_id":${user},"text":${JSON.stringify(text)},"x":"\\u00e9"}`

void t.test('records spliced as sent, merged by id, once each', async (t) => {
  const merger = new Merger('notes')
  t.same(merger.add(page([note(1, 7), note(5, 8, 'a "quoted" ] } text')], ', "users": [{"id":7},{"id":8}], "pagination": {"next_page_start_id": 9}')), { next: 9, records: 2 })
  t.same(merger.add(page([note(2, 7), note(5, 8, 'a "quoted" ] } text'), note(6, 9)], ', "users": [{"id":9},{"id":8},{"id":7}]')), { next: undefined, records: 3 })
  t.equal(merger.add(Buffer.from('')), undefined, 'an empty body is not a page')
  t.equal(merger.add(Buffer.from('{"notes":[{"id":1}')), undefined, 'a cut-off body is not a page')
  t.equal(merger.add(Buffer.from('{"activities":[]}')), undefined, 'nor is an answer without the list')
  const list = await merger.finish()
  t.same([...list.ids], [1, 2, 5, 6], 'ordered by id, 5 once')

  const whole = (await renderPage(list, 0, undefined)).toString()
  t.match(whole, /"rate":1\.50/, 'numbers as Hubstaff wrote them')
  t.match(whole, /"x":"\\u00e9"/, 'escapes as Hubstaff wrote them')
  const parsed = JSON.parse(whole) as { notes: { id: number; text: string }[]; users: { id: number }[]; pagination?: unknown }
  t.same(parsed.notes.map((n) => n.id), [1, 2, 5, 6])
  t.equal(parsed.notes[2]?.text, 'a "quoted" ] } text')
  t.same(parsed.users.map((u) => u.id), [7, 8, 9], 'side-loads merged, once each, by id')
  t.notOk('pagination' in parsed, 'the whole list: no pagination')

  const first = JSON.parse((await renderPage(list, 0, 2)).toString()) as { notes: { id: number }[]; users: { id: number }[]; pagination: { next_page_start_id: number } }
  t.same(first.notes.map((n) => n.id), [1, 2])
  t.same(first.users.map((u) => u.id), [7], 'only the users this page refers to')
  t.same(first.pagination, { next_page_start_id: 5 })
  const last = JSON.parse((await renderPage(list, 5, 2)).toString()) as { notes: { id: number }[]; users: { id: number }[] }
  t.same(last.notes.map((n) => n.id), [5, 6])
  t.same(last.users.map((u) => u.id), [8, 9])
  t.notOk('pagination' in last, 'the last page has no pagination')
  const between = JSON.parse((await renderPage(list, 3, 1)).toString()) as { notes: { id: number }[] }
  t.same(between.notes.map((n) => n.id), [5], 'a cursor between ids starts at the next record')
})

void t.test('a page whose bytes cannot be located is written out again, not lost', async (t) => {
  const merger = new Merger('notes')
  // JSON.parse keeps the last of two equal keys; the bytes of the first are not the records.
  t.same(merger.add(Buffer.from('{"notes":[{"id":9}],"notes":[{"id":3},{"id":4,"v":1.50}]}')), { next: undefined, records: 2 })
  const parsed = JSON.parse((await renderPage(await merger.finish(), 0, undefined)).toString()) as { notes: { id: number }[] }
  t.same(parsed.notes, [{ id: 3 }, { id: 4, v: 1.5 }])
})
