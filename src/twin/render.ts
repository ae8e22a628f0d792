import type { JsonSchema } from '../api/types.js'
import type { Row } from './dataset.js'
import { refName, resolve, type Schemas } from './schema.js'
import type { World } from './world.js'

/**
 * A stored row as Hubstaff shows it: the schema's public fields in the schema's order, nothing
 * internal (`_` links), nothing write-only (a member's `password`), and nested records (`member.user`)
 * drawn from their own collection, so a user renamed once reads renamed everywhere.
 */

type Out = Record<string, unknown>
type Step = (row: Readonly<Record<string, unknown>>, world: World, out: Out, depth: number) => void
export type RenderRow = (row: Readonly<Record<string, unknown>>, world: World, depth?: number) => Out

/** Nested records go this deep; a schema that refers back to itself stops here. */
const MAX_DEPTH = 3

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Set while a render draws on another record; such a rendering may change without its row changing. */
let linked = false

export class Renderer {
  private readonly compiled = new Map<string, RenderRow>()
  /** Rows are never changed in place, so a row drawn on nothing else renders to the same text for good. */
  private readonly texts = new Map<string, WeakMap<object, string>>()

  constructor(private readonly schemas: Schemas) {}

  /** The renderer of the schema named `name` (every field shown when the description lacks it). */
  of(name: string): RenderRow {
    let render = this.compiled.get(name)
    if (render === undefined) {
      render = this.compile(this.schemas[name])
      this.compiled.set(name, render)
    }
    return render
  }

  /** A row's rendering as JSON text, kept with the row when it draws on no other record. */
  text(name: string, row: Readonly<Record<string, unknown>>, world: World): string {
    let cache = this.texts.get(name)
    if (cache === undefined) this.texts.set(name, (cache = new WeakMap()))
    const held = cache.get(row)
    if (held !== undefined) return held
    linked = false
    const text = JSON.stringify(this.of(name)(row, world))
    if (!linked) cache.set(row, text)
    return text
  }

  private compile(schema: JsonSchema | undefined): RenderRow {
    const s = resolve(schema, this.schemas)
    const properties = s?.properties
    if (properties === undefined) {
      return (row) => {
        const out: Out = {}
        for (const key in row) if (!key.startsWith('_')) out[key] = row[key]
        return out
      }
    }
    const steps: Step[] = []
    for (const [name, property] of Object.entries(properties)) {
      if (name.startsWith('_') || property.writeOnly === true) continue
      steps.push(this.step(name, property))
    }
    return (row, world, depth = 0) => {
      const out: Out = {}
      for (const step of steps) step(row, world, out, depth)
      return out
    }
  }

  private step(name: string, property: JsonSchema): Step {
    const plain: Step = (row, _world, out) => {
      const value = row[name]
      if (value !== undefined) out[name] = value
    }
    if (property.$ref !== undefined) {
      const target = refName(property.$ref)
      const links = [`${name}_id`, `_${name}_id`]
      return (row, world, out, depth) => {
        const value = row[name]
        if (depth >= MAX_DEPTH) return plain(row, world, out, depth)
        if (isObject(value)) {
          out[name] = this.of(target)(value, world, depth + 1)
          return
        }
        if (value !== undefined) {
          out[name] = value
          return
        }
        // A link to another collection's record: shown as that record is now.
        for (const link of links) {
          const id = row[link]
          if (typeof id !== 'number') continue
          linked = true
          const record = world.get(target, id)
          if (record !== undefined) out[name] = this.of(target)(record, world, depth + 1)
          return
        }
      }
    }
    const items = property.items
    if (property.type === 'array' && items?.$ref !== undefined) {
      const target = refName(items.$ref)
      return (row, world, out, depth) => {
        const value = row[name]
        if (!Array.isArray(value) || depth >= MAX_DEPTH) return plain(row, world, out, depth)
        const render = this.of(target)
        out[name] = value.map((item: unknown) => (isObject(item) ? render(item, world, depth + 1) : item))
      }
    }
    // Rows are keyed by numbers; where Hubstaff shows an id as text (a webhook's), so does the twin.
    if (name === 'id' && resolve(property, this.schemas)?.type === 'string') {
      return (row, _world, out) => {
        const value = row[name]
        if (value !== undefined) out[name] = typeof value === 'number' ? String(value) : value
      }
    }
    return plain
  }
}

/** The properties of a record schema, for the engine's questions about fields (empty when unknown). */
export function propertiesOf(schemas: Schemas, name: string): Readonly<Record<string, JsonSchema>> {
  return resolve(schemas[name], schemas)?.properties ?? {}
}

export type { Row }
