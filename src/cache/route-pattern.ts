/**
 * Route patterns, the language of the freshness policy and of the invalidation rules. A `*` is
 * exactly one path segment (`/v2/tasks/*` matches `/v2/tasks/9`), a final `**` any number of
 * segments, none included (`/v2/tasks/9/**` matches `/v2/tasks/9` and `/v2/tasks/9/x/y`).
 * `$1`, `$2`... stand for what the `*`s of another pattern captured (see `expand`).
 */

/** What a valid pattern looks like (the settings schema uses it too). */
export const ROUTE_PATTERN_SYNTAX = /^\/v2(\/([^/*\s]+|\*))*(\/\*\*)?$/

export interface RoutePattern {
  readonly text: string
  readonly regex: RegExp
  /** Per segment: 2 literal, 1 `*`, 0 `**`; compared in order, higher first, it decides which pattern wins. */
  readonly rank: readonly number[]
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

export function compilePattern(text: string): RoutePattern {
  if (!ROUTE_PATTERN_SYNTAX.test(text)) throw new Error(`not a route pattern: ${JSON.stringify(text)}`)
  const segments = text.split('/').slice(1)
  let source = '^'
  const rank: number[] = []
  for (const segment of segments) {
    if (segment === '**') {
      source += '(?:/.*)?'
      rank.push(0)
    } else if (segment === '*') {
      source += '/([^/]+)'
      rank.push(1)
    } else {
      source += `/${escape(segment)}`
      rank.push(2)
    }
  }
  return { text, regex: new RegExp(`${source}$`), rank }
}

/** The segments the `*`s matched, or undefined when the path does not match. */
export function matchPattern(pattern: RoutePattern, path: string): string[] | undefined {
  const match = pattern.regex.exec(path)
  return match === null ? undefined : match.slice(1).map((s) => s ?? '')
}

/** Puts captured segments into a pattern: `expand('/v2/projects/$1/tasks', ['7'])` is `/v2/projects/7/tasks`. */
export function expand(text: string, captures: readonly string[]): string {
  return text.replace(/\$(\d)/g, (whole, n: string) => captures[Number(n) - 1] ?? whole)
}

/** Orders patterns most specific first: a literal segment beats `*`, which beats `**`. */
export function bySpecificity(a: RoutePattern, b: RoutePattern): number {
  const length = Math.max(a.rank.length, b.rank.length)
  for (let i = 0; i < length; i++) {
    const diff = (b.rank[i] ?? -1) - (a.rank[i] ?? -1)
    if (diff !== 0) return diff
  }
  return 0
}
