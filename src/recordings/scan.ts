/**
 * The last line of defence before a recording reaches the disk, and the check CI runs over a
 * folder: does this text hold a secret? Findings say what kind and where (a line number), never
 * the value itself, so they can be logged and printed.
 */

export type SecretKind = 'known-token' | 'bearer' | 'token-field' | 'jwt'

export interface SecretFinding {
  readonly kind: SecretKind
  /** 1-based line of the text where it was found. */
  readonly line: number
}

/** Known values shorter than this are not looked for: they would match ordinary data. */
export const MIN_SECRET_LENGTH = 12

const PATTERNS: readonly { kind: SecretKind; re: RegExp }[] = [
  // An Authorization value, in a header or quoted in a body (long enough not to be an English word).
  { kind: 'bearer', re: /\b[Bb]earer\s+(?!\[REDACTED\])[\w.~+/-]{20,}/g },
  // A credential field with a value, also inside a JSON string (a recorded body): `\"access_token\":\"...\"`.
  {
    kind: 'token-field',
    re: /\\?"(?:access_token|refresh_token|id_token|client_secret|accessToken|refreshToken|idToken|clientSecret)\\?"\s*:\s*\\?"(?!\[REDACTED\])[^"\\]{4,}/g,
  },
  // A signed JWT: Hubstaff's access tokens are JWTs, and API answers never carry one.
  { kind: 'jwt', re: /\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/g },
]

function lineAt(text: string, index: number): number {
  let line = 1
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++
  return line
}

/** Forms a secret may take once written: as is, percent-encoded, JSON-escaped. */
function spellings(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])
  return [...forms]
}

/**
 * Every secret in `text`: any of the `known` values (the live tokens, current and recent), and
 * anything that looks like a credential. An empty list means the text may be written.
 */
export function scanText(text: string, known: Iterable<string> = []): SecretFinding[] {
  const findings: SecretFinding[] = []
  for (const secret of known) {
    if (secret.length < MIN_SECRET_LENGTH) continue
    for (const form of spellings(secret)) {
      const at = text.indexOf(form)
      if (at !== -1) {
        findings.push({ kind: 'known-token', line: lineAt(text, at) })
        break
      }
    }
  }
  for (const { kind, re } of PATTERNS) {
    re.lastIndex = 0
    for (let m = re.exec(text), n = 0; m !== null && n < 100; m = re.exec(text), n++) findings.push({ kind, line: lineAt(text, m.index) })
  }
  return findings.sort((a, b) => a.line - b.line)
}

/** `2 secrets (known-token on line 40, jwt on line 52)`: what logs and the check print. */
export function describeFindings(findings: readonly SecretFinding[]): string {
  const where = findings.slice(0, 5).map((f) => `${f.kind} on line ${f.line}`)
  const more = findings.length > 5 ? `, and ${findings.length - 5} more` : ''
  return `${findings.length} secret${findings.length === 1 ? '' : 's'} (${where.join(', ')}${more})`
}
