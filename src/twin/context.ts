import type { RangedEndpoint } from '../api/ranges.js'
import type { Operation } from '../api/types.js'
import type { Collection } from './collection.js'
import type { Headers } from './answer.js'
import type { Renderer } from './render.js'
import type { Query, RouteFinder } from './request.js'
import type { Schemas } from './schema.js'
import type { World } from './world.js'

export type RangeLookup = (operation: Operation) => RangedEndpoint | undefined

/** What every request shares: the description, compiled once. */
export interface EngineContext {
  readonly operations: readonly Operation[]
  readonly schemas: Schemas
  readonly renderer: Renderer
  readonly ranged: RangeLookup
  readonly find: RouteFinder
  /** Operations by `METHOD path-template`, for handlers that answer like a sibling operation. */
  readonly byTemplate: ReadonlyMap<string, Operation>
}

/** One request, read. */
export interface Call {
  readonly ctx: EngineContext
  readonly world: World
  readonly operation: Operation
  readonly method: string
  readonly headers: Headers
  /** Path parameters as sent. */
  readonly params: Readonly<Record<string, string>>
  readonly query: Query
  readonly rawBody: Buffer | undefined
  readonly now: number
}

export type { Collection }
