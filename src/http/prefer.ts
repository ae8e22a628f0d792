/**
 * `Prefer` (RFC 7240): the preferences the gateway honours. Unknown preferences are ignored, as
 * the RFC asks; a malformed value is ignored too rather than failing the request.
 */
export interface Preferences {
  /** `wait=N`: seconds the client is willing to wait. */
  readonly wait?: number
}

export function parsePrefer(header: string | string[] | undefined): Preferences {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '')
  let wait: number | undefined
  for (const part of text.split(/[,;]/)) {
    const m = /^\s*wait\s*=\s*"?(\d+(?:\.\d+)?)"?\s*$/i.exec(part)
    if (m) wait = Number(m[1])
  }
  return wait === undefined ? {} : { wait }
}
