/**
 * Credentials in an app's query string. The gateway sends its own token, so a credential an app
 * puts in the query is refused rather than forwarded (where it would be logged by every server on
 * the way and written into recordings); and the queries the gateway shows (journal, dashboard, log
 * line) have the values of sensitive-looking parameters replaced.
 */

/** Parameter names that carry a credential (compared in lower case with `-` read as `_`). */
const CREDENTIAL_NAMES: ReadonlySet<string> = new Set([
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'auth_token',
  'api_token',
  'app_token',
  'private_token',
  'personal_access_token',
  'session_token',
  'bearer',
  'jwt',
  'api_key',
  'apikey',
  'key',
  'client_secret',
  'secret',
  'password',
  'passwd',
  'authorization',
  'x_gateway_key',
  'x_gateway_admin_key',
])

/** Names worth hiding when shown, credential or not (`user[password_confirmation]`, `sig`, ...). */
const SENSITIVE = /token|secret|passw|api_?key|auth|bearer|jwt|credential|session|signature|^sig$|^key$|^code$/

/**
 * Cheap first look at a raw query: anything that could hide a sensitive name. A name can only be
 * hidden by encoding a letter, `_`, `-` or `%` itself; the brackets, colons and commas that many
 * clients encode do not send a query down the slow path.
 */
const MAYBE_SENSITIVE = /token|key|secret|passw|auth|bearer|jwt|credential|session|sig|code|%(?:[46][1-9a-f]|[57][0-9a]|5f|2d|25)/i

export const REDACTED = '[redacted]'

function decodeName(raw: string): string {
  let name = raw.replaceAll('+', ' ')
  // Decoded until stable (bounded), as a server that decodes twice would read it.
  for (let round = 0; round < 4 && name.includes('%'); round++) {
    try {
      const next = decodeURIComponent(name)
      if (next === name) break
      name = next
    } catch {
      break
    }
  }
  return name.toLowerCase().replaceAll('-', '_')
}

/** `user[password]` → `user`, `password`; `access_token[]` → `access_token`. */
function nameParts(raw: string): string[] {
  return decodeName(raw)
    .split(/[[\]]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
}

/** Parameters as written: split on `&` and on `;`, which some servers also read as a separator. */
function params(query: string): string[] {
  return query.split(/[&;]/)
}

function nameOf(param: string): string {
  const eq = param.indexOf('=')
  return eq === -1 ? param : param.slice(0, eq)
}

/**
 * Whether a raw query may name a sensitive parameter at all. False for nearly every query, and
 * then neither credentialParam nor redactQuery has anything to find, so callers may skip both.
 */
export function mayBeSensitive(query: string): boolean {
  return query !== '' && MAYBE_SENSITIVE.test(query)
}

/** The first credential parameter of a raw query (its decoded name), or undefined. */
export function credentialParam(query: string): string | undefined {
  if (!mayBeSensitive(query)) return undefined
  for (const param of params(query)) {
    const parts = nameParts(nameOf(param))
    if (parts.some((part) => CREDENTIAL_NAMES.has(part))) return parts.join('.')
  }
  return undefined
}

function sensitive(rawName: string): boolean {
  return nameParts(rawName).some((part) => CREDENTIAL_NAMES.has(part) || SENSITIVE.test(part))
}

/** A raw query with the values of sensitive-looking parameters replaced by `[redacted]`. */
export function redactQuery(query: string): string {
  if (!mayBeSensitive(query)) return query
  let changed = false
  const out = query.replace(/[^&;]+/g, (param) => {
    const name = nameOf(param)
    if (!sensitive(name)) return param
    changed = true
    return `${name}=${REDACTED}`
  })
  return changed ? out : query
}

/** A path with its query, the query redacted. */
export function redactTarget(target: string): string {
  const q = target.indexOf('?')
  if (q === -1) return target
  const query = target.slice(q + 1)
  const redacted = redactQuery(query)
  return redacted === query ? target : `${target.slice(0, q + 1)}${redacted}`
}
