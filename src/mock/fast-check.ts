// Prism's own deserializers and schema validation; the package has no `exports` map and is pinned.
import * as deserializers from '@stoplight/prism-http/dist/validator/deserializers/index.js'
import { validateAgainstSchema } from '@stoplight/prism-http/dist/validator/validators/utils.js'
import type { Operation } from './operations.js'

/**
 * Whether a request without a body passes Prism's request validation, for one operation known in
 * advance. `prism.request` routes again among the operations it is handed, compiles the path's URI
 * template anew for every request and threads each step through fp-ts: for a valid request that
 * is most of what an answer costs. Here the path template is compiled once and each kind of
 * parameter is checked as Prism checks it, with Prism's deserializers and its validator (its ajv
 * instances and compiled schemas), so a request is valid here exactly when it is valid to Prism;
 * an invalid one (or anything this does not cover) goes to Prism for its answer.
 */
export type ValidCheck = (path: string, query: Record<string, string | string[]>, headers: Record<string, string>) => boolean

/** `ValidationContext.Input`, as Prism numbers it. */
const INPUT = 0

type Deserializer = (name: string, parameters: Record<string, string | string[]>, schema?: object, explode?: boolean) => unknown
type Values = Record<string, string | string[]>

interface ParamSpec {
  readonly name: string
  readonly style?: string
  readonly explode?: boolean
  readonly required?: boolean
  readonly schema?: unknown
}

interface ParamReader {
  /** The JSON schema Prism builds for these parameters. */
  readonly schema: object
  /** The values Prism validates against it. */
  values(target: Values): Record<string, unknown>
}

/**
 * Prism's `validateParams` for one kind of parameter, with what it works out on every request
 * (its JSON schema, each parameter's deserializer) worked out once: parameter names compared in
 * lower case, the last of a repeated name counting, empty values left out.
 */
function paramReader(specs: readonly ParamSpec[], styles: Partial<Record<string, Deserializer>>, defaultStyle: string): ParamReader {
  const byName = new Map<string, ParamSpec>()
  for (const spec of specs) byName.set(spec.name.toLowerCase(), spec)
  const properties: Record<string, unknown> = {}
  for (const [name, spec] of byName) if (spec.schema !== undefined && spec.schema !== null) properties[name] = spec.schema
  const schema = { type: 'object', properties, required: specs.filter((p) => p.required === true).map((p) => p.name.toLowerCase()) }
  const readers = [...byName].map(([name, spec]) => ({ name, read: styles[spec.style === undefined || spec.style === '' ? defaultStyle : spec.style], schema: properties[name] as object | undefined, explode: spec.explode ?? false }))
  return {
    schema,
    values: (target) => {
      const lower: Values = {}
      for (const key in target) lower[key.toLowerCase()] = target[key] as string | string[]
      const values: Record<string, unknown> = {}
      for (const { name, read, schema: own, explode } of readers) {
        const value = read?.(name, lower, own, explode)
        if (value) values[name] = value
      }
      return values
    },
  }
}

/** `{name}` only: the expressions Prism's URI template (uri-template-lite) reads as plain captures. */
const SIMPLE_EXPRESSION = /\{([A-Za-z0-9_]+)\}/g

/**
 * The path parameters as uri-template-lite's `match` gives them to Prism's validator: a lazy
 * capture per `{name}`, split at commas and percent-decoded, one value left bare. Undefined for a
 * template with any other kind of expression, or a path it does not match.
 */
function pathMatcher(template: string): ((path: string) => Record<string, string | string[]> | undefined) | undefined {
  const names: string[] = []
  const literal = template.split(SIMPLE_EXPRESSION)
  let source = '^'
  for (let i = 0; i < literal.length; i++) {
    const part = literal[i] ?? ''
    if (i % 2 === 1) {
      names.push(part)
      source += '(.*?)'
    } else {
      if (/[{}]/.test(part)) return undefined
      source += part.replace(/[$-/?[-^{|}]/g, '\\$&')
    }
  }
  const pattern = new RegExp(`${source}$`)
  return (path) => {
    const m = pattern.exec(path)
    if (m === null) return undefined
    const out: Record<string, string | string[]> = {}
    for (let i = 0; i < names.length; i++) {
      const values = (m[i + 1] ?? '').split(',').map(decodeURIComponent)
      out[names[i] as string] = values.length > 1 ? values : (values[0] as string)
    }
    return out
  }
}

/**
 * The check for one operation, or undefined when requests to it must go through Prism: it has
 * callbacks, or a body it requires, or a path template beyond plain `{name}` captures.
 */
export function validCheck(op: Operation): ValidCheck | undefined {
  const request = op.request
  if (op.callbacks !== undefined || request?.body?.required === true) return undefined
  const match = pathMatcher(op.path)
  if (match === undefined) return undefined
  const bundle = (op as { __bundled__?: unknown }).__bundled__
  if (request === undefined) return () => true
  // Prism validates headers, query and path one after the other against a schema each; all
  // that matters here is whether any fails, so the three are one schema and one validation.
  const parts: [string, ParamReader][] = []
  if (request.headers !== undefined) parts.push(['header', paramReader(request.headers, deserializers.header as Record<string, Deserializer>, 'simple')])
  if (request.query !== undefined) parts.push(['query', paramReader(request.query, deserializers.query, 'form')])
  if (request.path !== undefined) parts.push(['path', paramReader(request.path, deserializers.path as Record<string, Deserializer>, 'simple')])
  const schema = {
    type: 'object',
    properties: Object.fromEntries(parts.map(([part, reader]) => [part, reader.schema])),
    required: parts.map(([part]) => part),
  } as Parameters<typeof validateAgainstSchema>[1]
  return (path, query, headers) => {
    let params
    try {
      params = match(path)
    } catch {
      // A malformed percent-escape: Prism fails on it too, in its own words.
      return false
    }
    if (params === undefined) return false
    const targets: Record<string, Values> = { header: headers, query, path: params }
    const values: Record<string, unknown> = {}
    for (const [part, reader] of parts) values[part] = reader.values(targets[part] ?? {})
    return validateAgainstSchema(values, schema, true, INPUT, undefined, bundle)._tag === 'None'
  }
}
