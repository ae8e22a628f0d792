// Benchmark, not a test: merging the pages of a split date range (src/split/merge.ts), at 0.2, 2
// and 20 MB of records: throughput, and the longest time the event loop was blocked meanwhile.
//
//   npm run bench:split          (runs the TypeScript source directly)
//
// The pages are activity-like records (~500 B each) in pages of 500, spread over 8 pieces whose
// ids interleave (Hubstaff's ids follow creation, not the time slot) with a few repeated at the
// piece edges, so the merge really merges and drops duplicates. Pages are handed over one at a
// time, with a turn of the event loop between them, as they arrive from the network. Measured: the
// pages read, merged and the whole answer rendered (what an app without page_limit gets), then the
// first 50-record page (what an app walking with page_limit gets). A heartbeat timer measures the
// longest gap between two turns of the event loop.
//
// Environment: BENCH_ROUNDS (5). Writes bench/results/split-merge.json; prints a Markdown table.
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Merger, renderPage } from '../src/split/merge.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const SIZES_MB = [0.2, 2, 20]
const PIECES = 8
const PAGE = 500

function activity(id: number): Record<string, unknown> {
  const slot = Date.UTC(2026, 0, 5, 9) + (id % 4000) * 600_000
  return {
    id,
    date: new Date(slot).toISOString().slice(0, 10),
    time_slot: new Date(slot).toISOString().replace('.000Z', 'Z'),
    starts_at: new Date(slot + 30_000).toISOString().replace('.000Z', 'Z'),
    user_id: 5001 + (id % 5),
    project_id: 20001 + (id % 250),
    task_id: 200011 + (id % 750),
    keyboard: id % 600,
    mouse: (id * 7) % 600,
    overall: (id * 13) % 600,
    tracked: 600,
    input_tracked: 600,
    tracks_input: true,
    billable: id % 4 !== 0,
    paid: false,
    client_invoiced: false,
    team_invoiced: false,
    immutable: false,
    time_type: 'normal',
    client: id % 2 === 0 ? 'windows' : 'mac',
    created_at: new Date(slot + 660_000).toISOString().replace('Z', '123Z'),
    updated_at: new Date(slot + 660_000).toISOString().replace('Z', '456Z'),
  }
}

/** The pages of `PIECES` pieces holding about `mb` MB of records in all. */
function pagesOf(mb: number): { pages: Buffer[]; bytes: number; records: number } {
  const recordBytes = Buffer.byteLength(JSON.stringify(activity(123_456))) + 1
  const records = Math.round((mb * 1_000_000) / recordBytes)
  const pieces: number[][] = Array.from({ length: PIECES }, () => [])
  // Ids interleave between pieces; every 100th record also turns up in the next piece.
  for (let i = 0; i < records; i++) {
    const id = 1_000_000 + i * 3
    const piece = Math.floor((i * 7919) % PIECES)
    pieces[piece]?.push(id)
    if (i % 100 === 0) pieces[(piece + 1) % PIECES]?.push(id)
  }
  const pages: Buffer[] = []
  let bytes = 0
  for (const ids of pieces) {
    ids.sort((a, b) => a - b)
    for (let k = 0; k < ids.length; k += PAGE) {
      const page = ids.slice(k, k + PAGE)
      const next = ids[k + PAGE]
      const body = Buffer.from(JSON.stringify({ activities: page.map(activity), ...(next === undefined ? {} : { pagination: { next_page_start_id: next } }) }))
      bytes += body.length
      pages.push(body)
    }
  }
  return { pages, bytes, records }
}

/** Runs `work` while a heartbeat measures the longest gap between event-loop turns. */
async function withHeartbeat<T>(work: () => Promise<T>): Promise<{ result: T; maxBlockMs: number }> {
  let last = performance.now()
  let maxBlockMs = 0
  let running = true
  const beat = (): void => {
    const now = performance.now()
    maxBlockMs = Math.max(maxBlockMs, now - last)
    last = now
    if (running) setTimeout(beat, 0)
  }
  setTimeout(beat, 0)
  try {
    const result = await work()
    return { result, maxBlockMs }
  } finally {
    running = false
  }
}

interface Row {
  sizeMb: number
  inputBytes: number
  records: number
  pages: number
  mergedRecords: number
  outputBytes: number
  mergeMs: number
  throughputMBps: number
  firstPageMs: number
  maxBlockMs: number
}

async function once(mb: number, input: ReturnType<typeof pagesOf>): Promise<Row> {
  let mergedRecords = 0
  let outputBytes = 0
  let firstPageMs = 0
  const started = performance.now()
  let mergeMs = 0
  const { maxBlockMs } = await withHeartbeat(async () => {
    const merger = new Merger('activities')
    for (const page of input.pages) {
      merger.add(page)
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    const list = await merger.finish()
    const whole = await renderPage(list, 0, undefined)
    mergeMs = performance.now() - started
    mergedRecords = list.ids.length
    outputBytes = whole.length
    const t0 = performance.now()
    await renderPage(list, 0, 50)
    firstPageMs = performance.now() - t0
  })
  return {
    sizeMb: mb,
    inputBytes: input.bytes,
    records: input.records,
    pages: input.pages.length,
    mergedRecords,
    outputBytes,
    mergeMs: Math.round(mergeMs * 10) / 10,
    throughputMBps: Math.round((input.bytes / 1e6 / (mergeMs / 1000)) * 10) / 10,
    firstPageMs: Math.round(firstPageMs * 100) / 100,
    maxBlockMs: Math.round(maxBlockMs * 10) / 10,
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

const results: (Row & { rounds: number; worstBlockMs: number })[] = []
for (const mb of SIZES_MB) {
  const input = pagesOf(mb)
  await once(mb, input) // warm-up
  const rows: Row[] = []
  for (let r = 0; r < ROUNDS; r++) rows.push(await once(mb, input))
  const first = rows[0] as Row
  results.push({
    ...first,
    mergeMs: median(rows.map((x) => x.mergeMs)),
    throughputMBps: median(rows.map((x) => x.throughputMBps)),
    firstPageMs: median(rows.map((x) => x.firstPageMs)),
    maxBlockMs: median(rows.map((x) => x.maxBlockMs)),
    worstBlockMs: Math.max(...rows.map((x) => x.maxBlockMs)),
    rounds: ROUNDS,
  })
}

const out = fileURLToPath(new URL('./results/split-merge.json', import.meta.url))
mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true })
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, pieces: PIECES, pageRecords: PAGE, results }, null, 2) + '\n')

console.log(`Split merge, ${PIECES} pieces, pages of ${PAGE} records, median of ${ROUNDS} rounds (node ${process.version})\n`)
console.log('| size | records (merged) | pages | merge + render | throughput | first page of 50 | longest block (median / worst) |')
console.log('| --- | --- | --- | --- | --- | --- | --- |')
for (const r of results) {
  console.log(`| ${(r.inputBytes / 1e6).toFixed(1)} MB | ${r.records} (${r.mergedRecords}) | ${r.pages} | ${r.mergeMs} ms | ${r.throughputMBps} MB/s | ${r.firstPageMs} ms | ${r.maxBlockMs} / ${r.worstBlockMs} ms |`)
}
console.log(`\nwritten: ${out}`)
