/**
 * Piece queries are the app's query with the range ends, `page_start_id` and `page_limit`
 * replaced; every other parameter goes on byte-for-byte as the app sent it.
 */

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '))
  } catch {
    return raw
  }
}

/** Keeps `:` readable, as apps write date-times (`2026-01-05T00:00:00Z`). */
function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':')
}

export interface PieceQuery {
  readonly param: string
  readonly start: string
  readonly stop: string
  readonly pageStartId: number | undefined
  readonly pageLimit: number | undefined
}

export function pieceQuery(raw: string, piece: PieceQuery): string {
  const replaced = new Set([`${piece.param}[start]`, `${piece.param}[stop]`, 'page_start_id', 'page_limit'])
  const kept = raw.split('&').filter((part) => {
    if (part === '') return false
    const eq = part.indexOf('=')
    return !replaced.has(decodeName(eq === -1 ? part : part.slice(0, eq)))
  })
  kept.push(`${piece.param}[start]=${encodeValue(piece.start)}`, `${piece.param}[stop]=${encodeValue(piece.stop)}`)
  if (piece.pageStartId !== undefined && piece.pageStartId > 0) kept.push(`page_start_id=${piece.pageStartId}`)
  if (piece.pageLimit !== undefined) kept.push(`page_limit=${piece.pageLimit}`)
  return kept.join('&')
}
