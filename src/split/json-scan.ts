/**
 * Finds where each element of one top-level array (`{"activities": [ ... ]}`) starts and ends in
 * the raw bytes of a JSON body, without building the elements: the merge then splices those bytes
 * into its answer as Hubstaff sent them. Only called on bodies JSON.parse accepted, so it may
 * assume well-formed JSON; anything unexpected returns undefined and the caller falls back.
 */

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d

function skipWs(buf: Buffer, i: number): number {
  while (i < buf.length) {
    const b = buf[i] as number
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return i
    i++
  }
  return i
}

/** The index after the string starting at `i` (an opening quote). */
function skipString(buf: Buffer, i: number): number {
  let at = i + 1
  for (;;) {
    const q = buf.indexOf(QUOTE, at)
    if (q === -1) return -1
    let slashes = 0
    while (buf[q - 1 - slashes] === BACKSLASH) slashes++
    if (slashes % 2 === 0) return q + 1
    at = q + 1
  }
}

/** The index after the value starting at `i`. */
function skipValue(buf: Buffer, i: number): number {
  const first = buf[i]
  if (first === QUOTE) return skipString(buf, i)
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0
    while (i < buf.length) {
      const b = buf[i] as number
      if (b === QUOTE) {
        i = skipString(buf, i)
        if (i === -1) return -1
        continue
      }
      if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        depth--
        if (depth === 0) return i + 1
      }
      i++
    }
    return -1
  }
  // A number, true, false or null.
  while (i < buf.length) {
    const b = buf[i] as number
    if (b === COMMA || b === CLOSE_BRACE || b === CLOSE_BRACKET || b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) return i
    i++
  }
  return i
}

/** Start and end offsets of each element of the top-level array under `key`, or undefined. */
export function arrayElements(buf: Buffer, key: string): { starts: Uint32Array; ends: Uint32Array } | undefined {
  const wanted = Buffer.from(JSON.stringify(key))
  let i = skipWs(buf, 0)
  if (buf[i] !== OPEN_BRACE) return undefined
  i++
  for (;;) {
    i = skipWs(buf, i)
    if (buf[i] === CLOSE_BRACE || buf[i] !== QUOTE) return undefined
    const keyEnd = skipString(buf, i)
    if (keyEnd === -1) return undefined
    const isWanted = keyEnd - i === wanted.length && buf.compare(wanted, 0, wanted.length, i, keyEnd) === 0
    i = skipWs(buf, keyEnd)
    if (buf[i] !== COLON) return undefined
    i = skipWs(buf, i + 1)
    if (isWanted) return elements(buf, i)
    i = skipValue(buf, i)
    if (i === -1) return undefined
    i = skipWs(buf, i)
    if (buf[i] === COMMA) i++
  }
}

function elements(buf: Buffer, i: number): { starts: Uint32Array; ends: Uint32Array } | undefined {
  if (buf[i] !== OPEN_BRACKET) return undefined
  const starts: number[] = []
  const ends: number[] = []
  i = skipWs(buf, i + 1)
  if (buf[i] === CLOSE_BRACKET) return { starts: new Uint32Array(0), ends: new Uint32Array(0) }
  for (;;) {
    i = skipWs(buf, i)
    const end = skipValue(buf, i)
    if (end === -1 || end <= i) return undefined
    starts.push(i)
    ends.push(end)
    i = skipWs(buf, end)
    if (buf[i] === CLOSE_BRACKET) return { starts: Uint32Array.from(starts), ends: Uint32Array.from(ends) }
    if (buf[i] !== COMMA) return undefined
    i++
  }
}
