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

/**
 * The header without its `wait` preference (nor `wait` parameters, which `parsePrefer` reads too),
 * for a request that must not queue; undefined when nothing else is left.
 */
export function withoutWait(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '')
  const kept: string[] = []
  const isWait = (part: string) => /^\s*wait\s*(=|$)/i.test(part)
  for (const preference of text.split(',')) {
    const [name = '', ...params] = preference.split(';')
    if (isWait(name) || name.trim() === '') continue
    kept.push([name, ...params.filter((param) => !isWait(param))].join(';').trim())
  }
  return kept.length === 0 ? undefined : kept.join(', ')
}
