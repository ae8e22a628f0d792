import { OPERATIONS } from './description.js'
import type { Operation } from './types.js'

/**
 * Which operation a concrete request path names. A `{x}` template segment matches any one segment;
 * where several templates match, the more literal one wins, segment by segment from the left
 * (`/v2/users/me` over `/v2/users/{user_id}`), as Hubstaff's router and Prism's pick them. Matching
 * walks a tree of segments, so it costs the path's depth, not the number of operations.
 */

/** What routing reads of an operation; tests can route small lists of these. */
export type RoutedOperation = Pick<Operation, 'method' | 'path' | 'params'>

export interface RouteMatch<O extends RoutedOperation = Operation> {
  readonly operation: O
  /** The path parameters, as sent (still percent-encoded): `{ project_id: '12' }`. */
  readonly pathParams: Readonly<Record<string, string>>
}

export interface Router<O extends RoutedOperation = Operation> {
  readonly operations: readonly O[]
  /** The operation a request reaches; HEAD reaches GET's when it has none of its own. */
  findOperation(method: string, path: string): O | undefined
  /** As `findOperation`, with the path parameters. */
  match(method: string, path: string): RouteMatch<O> | undefined
  /** Per method, the operation a request to `path` reaches (for 405s and their `Allow`). */
  operationsAt(path: string): readonly O[]
}

/**
 * Percent-escapes in upper case and no trailing slash: `/v2/Users%2f` and `/v2/Users%2F/` are one
 * path to Hubstaff, so they are one path to every key and route.
 */
export function normalisePath(path: string): string {
  const cased = path.includes('%') ? path.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase()) : path
  return cased.length > 1 && cased.endsWith('/') ? cased.replace(/\/+$/, '') || '/' : cased
}

interface Node<O> {
  readonly literal: Map<string, Node<O>>
  param: Node<O> | undefined
  /** Per method, the operation whose template ends here. */
  readonly ends: Map<string, O>
}

const node = <O>(): Node<O> => ({ literal: new Map(), param: undefined, ends: new Map() })

const segmentsOf = (path: string): string[] => path.split('/').slice(1)
const isParam = (segment: string): boolean => segment.startsWith('{') && segment.endsWith('}')

/** The templates a path matches, most literal first (a literal segment is tried before a parameter). */
function walk<O>(root: Node<O>, segments: readonly string[]): Node<O>[] {
  const found: Node<O>[] = []
  const visit = (at: Node<O>, depth: number): void => {
    if (depth === segments.length) {
      if (at.ends.size > 0) found.push(at)
      return
    }
    const segment = segments[depth] ?? ''
    const literal = at.literal.get(segment)
    if (literal !== undefined) visit(literal, depth + 1)
    if (at.param !== undefined && segment !== '') visit(at.param, depth + 1)
  }
  visit(root, 0)
  return found
}

export function createRouter<O extends RoutedOperation>(operations: readonly O[]): Router<O> {
  const root = node<O>()
  for (const operation of operations) {
    let at = root
    for (const segment of segmentsOf(operation.path)) {
      if (isParam(segment)) at = at.param ??= node<O>()
      else {
        let next = at.literal.get(segment)
        if (next === undefined) at.literal.set(segment, (next = node<O>()))
        at = next
      }
    }
    // The first definition of a method and template stands; a description should have no duplicates.
    if (!at.ends.has(operation.method)) at.ends.set(operation.method, operation)
  }

  const nodesAt = (path: string) => walk(root, segmentsOf(normalisePath(path)))

  function match(method: string, path: string): RouteMatch<O> | undefined {
    const upper = method.toUpperCase()
    const segments = segmentsOf(normalisePath(path))
    for (const at of walk(root, segments)) {
      const operation = at.ends.get(upper) ?? (upper === 'HEAD' ? at.ends.get('GET') : undefined)
      if (operation === undefined) continue
      const pathParams: Record<string, string> = {}
      segmentsOf(operation.path).forEach((segment, i) => {
        if (isParam(segment)) pathParams[segment.slice(1, -1)] = segments[i] ?? ''
      })
      return { operation, pathParams }
    }
    return undefined
  }

  return {
    operations,
    match,
    findOperation: (method, path) => match(method, path)?.operation,
    operationsAt(path) {
      const seen = new Map<string, O>()
      for (const at of nodesAt(path)) for (const [method, operation] of at.ends) if (!seen.has(method)) seen.set(method, operation)
      return [...seen.values()]
    },
  }
}

let described: Router<Operation> | undefined

/** The router over the project's description of Hubstaff (built on first use), or over `operations` when given. */
export function defaultRouter(): Router<Operation>
export function defaultRouter<O extends RoutedOperation>(operations: readonly O[]): Router<O>
export function defaultRouter(operations?: readonly RoutedOperation[]): Router<RoutedOperation> {
  if (operations !== undefined) return createRouter(operations)
  return (described ??= createRouter(OPERATIONS))
}
