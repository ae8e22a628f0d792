import { RANGED_ENDPOINTS, templatesOf, type RangedEndpoint } from '../api/ranges.js'
import type { Operation } from '../api/types.js'
import { errorAnswer, type Headers, type TwinAnswer } from './answer.js'
import { checkPathLinks, inScope, pathId, reachable, scopeValue } from './access.js'
import type { Call, EngineContext } from './context.js'
import { CUSTOM, type Handler } from './custom/index.js'
import { TwinError, notFound } from './errors.js'
import { answerList } from './list.js'
import { Renderer } from './render.js'
import { readQuery, routeFinder } from './request.js'
import type { Schemas } from './schema.js'
import type { World } from './world.js'
import { create, recordAnswer, remove, update } from './write.js'

/**
 * The twin's engine: answers a request from a world as Hubstaff would, or says it does not cover
 * the operation (undefined), and the caller asks Prism instead. One engine serves every world.
 */

export interface TwinRequest {
  readonly method: string
  /** The path without its query (a `?...` tail is ignored). */
  readonly path: string
  /** The raw query string, without `?`. */
  readonly query: string
  readonly headers: Headers
  readonly body: Buffer | undefined
  /** Epoch ms: "today", the history limits and new records' timestamps are read from it. */
  readonly now: number
}

export type { TwinAnswer }

export interface EngineOptions {
  readonly operations: readonly Operation[]
  readonly schemas: Schemas
  /** Hubstaff's ranged endpoints (range parameter, span, history). @default RANGED_ENDPOINTS */
  readonly ranged?: readonly RangedEndpoint[]
}

export interface Engine {
  answer(world: World, request: TwinRequest): TwinAnswer | undefined
}

function list(call: Call): TwinAnswer | undefined {
  const twin = call.operation.twin
  return twin.kind === 'list' ? answerList(call, twin.collection, twin.scope) : undefined
}

function get(call: Call): TwinAnswer | undefined {
  const twin = call.operation.twin
  if (twin.kind !== 'get') return undefined
  const row = reachable(call, twin.collection, pathId(call, twin.idParam))
  if (twin.scope !== undefined && !inScope(row, twin.scope.field, scopeValue(call, twin.scope))) throw notFound()
  checkPathLinks(call, row, twin.idParam)
  return recordAnswer(call, call.operation, twin.collection, row)
}

function handlerOf(operation: Operation): Handler | undefined {
  const twin = operation.twin
  switch (twin.kind) {
    case 'list':
      return list
    case 'get':
      return get
    case 'create':
      return (call) => create(call, twin.collection)
    case 'update':
      return (call) => update(call, twin.collection, twin.idParam)
    case 'delete':
      return (call) => remove(call, twin.collection, twin.idParam, twin.archive)
    case 'custom':
      return CUSTOM[twin.name]
  }
}

export function createEngine(options: EngineOptions): Engine {
  const ranges = new Map<string, RangedEndpoint>()
  for (const endpoint of options.ranged ?? RANGED_ENDPOINTS) for (const template of templatesOf(endpoint)) ranges.set(`GET ${template}`, endpoint)
  const byTemplate = new Map<string, Operation>()
  for (const operation of options.operations) byTemplate.set(`${operation.method} ${operation.path}`, operation)
  const ctx: EngineContext = {
    operations: options.operations,
    schemas: options.schemas,
    renderer: new Renderer(options.schemas),
    ranged: (operation) => ranges.get(`${operation.method} ${operation.path}`),
    find: routeFinder(options.operations),
    byTemplate,
  }
  const handlers = new Map<Operation, Handler | undefined>()
  for (const operation of options.operations) handlers.set(operation, handlerOf(operation))
  return {
    answer(world, request) {
      const cut = request.path.indexOf('?')
      const path = cut === -1 ? request.path : request.path.slice(0, cut)
      const method = request.method.toUpperCase()
      const route = ctx.find(method === 'HEAD' ? 'GET' : method, path)
      if (route === undefined) return undefined
      const handler = handlers.get(route.operation)
      if (handler === undefined) return undefined
      const call: Call = {
        ctx,
        world,
        operation: route.operation,
        method,
        headers: request.headers,
        params: route.params,
        query: readQuery(request.query.startsWith('?') ? request.query.slice(1) : request.query, route.operation),
        rawBody: request.body,
        now: request.now,
      }
      try {
        return handler(call)
      } catch (err) {
        if (err instanceof TwinError) return errorAnswer(err)
        throw err
      }
    },
  }
}
