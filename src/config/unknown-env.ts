import { envName, SETTING_KEYS, SETTINGS } from './settings.js'

const PREFIX = 'HUBSTAFF_GATEWAY_'

/** Levenshtein distance: a misspelt variable is usually one or two edits from the one meant. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = row
  }
  return previous[b.length] ?? 0
}

export function knownVariables(): string[] {
  return [...SETTING_KEYS.map((k) => envName(SETTINGS[k].flag)), envName('config')]
}

/**
 * One warning per `HUBSTAFF_GATEWAY_*` variable that names no setting, with the nearest known one:
 * without it a misspelt variable is silently ignored and its setting keeps the default.
 */
export function unknownVariableWarnings(env: Readonly<Record<string, string | undefined>>): string[] {
  const known = knownVariables()
  const warnings: string[] = []
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(PREFIX) || known.includes(name)) continue
    let nearest = known[0] ?? ''
    let best = Infinity
    for (const candidate of known) {
      const d = editDistance(name, candidate)
      if (d < best) [nearest, best] = [candidate, d]
    }
    const guess = best <= Math.max(3, Math.floor(name.length / 3)) ? `did you mean ${nearest}? ` : ''
    warnings.push(`warning: ${name} is not a setting and is ignored; ${guess}(hubstaff-gateway --help lists every variable)`)
  }
  return warnings
}
