/**
 * The shape of the project's own description of the Hubstaff API v2: one definition per operation,
 * from which the OpenAPI document (served at /v2/docs, given to Prism), the cache key's array
 * parameters and the twin's routes are all derived, so none of them can drift from the others.
 * This folder is the floor: it imports nothing from the rest of `src/`.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** The subset of JSON Schema the description uses (OpenAPI 3.0 flavour: `nullable`, `$ref` by schema name). */
export interface JsonSchema {
  readonly type?: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object'
  readonly format?: string
  readonly enum?: readonly (string | number | null)[]
  readonly items?: JsonSchema
  readonly properties?: Readonly<Record<string, JsonSchema>>
  readonly required?: readonly string[]
  readonly additionalProperties?: boolean | JsonSchema
  readonly nullable?: boolean
  /** A schema of `SCHEMAS` by name, e.g. `User` (the generator writes `#/components/schemas/User`). */
  readonly $ref?: string
  /** Accepted in a request, never shown in an answer (a member's `password`). */
  readonly writeOnly?: boolean
  readonly readOnly?: boolean
  readonly minimum?: number
  readonly maximum?: number
  readonly minLength?: number
  readonly maxLength?: number
  readonly pattern?: string
  /** What Hubstaff assumes when the field or parameter is left out (`status=active` for project lists). */
  readonly default?: string | number | boolean
  readonly description?: string
}

export interface Param {
  readonly name: string
  readonly in: 'path' | 'query'
  /** Scalar, or `{ type: 'array', items }` for a list parameter (`user_ids=1,2` ≡ `user_ids[]=1&user_ids[]=2`). */
  readonly schema: JsonSchema
  readonly required?: boolean
}

/** What a successful answer holds. */
export type SuccessAnswer =
  /** `{"<key>": {...}}`: one record of schema `schema`. */
  | { readonly kind: 'record'; readonly status: 200 | 201; readonly key: string; readonly schema: string }
  /**
   * `{"<key>": [...], "pagination": {...}}`: records of schema `schema`; `sideloads` are the
   * `include=` values the operation accepts, each a sibling array (`users` → `{"users": [...]}`).
   */
  | { readonly kind: 'list'; readonly status: 200; readonly key: string; readonly schema: string; readonly paginated: boolean; readonly sideloads?: readonly string[] }
  /** No body (204). */
  | { readonly kind: 'none'; readonly status: 204 }
  /** Anything else, described by its own schema (the docs, error codes, a bulk result). */
  | { readonly kind: 'other'; readonly status: 200 | 201; readonly schema: JsonSchema }

/** Which records of a collection an operation works on: those whose `field` equals path parameter `param`. */
export interface Scope {
  readonly param: string
  /** A public field (`project_id`) or an internal one, spelt with a leading `_` (`_organization_id`). */
  readonly field: string
}

/**
 * How the twin (the simulated Hubstaff of mock mode) answers an operation. Collections are named by
 * their record schema (`Project`, `OrganizationMember`). The common kinds are run generically by the
 * twin's engine (filters derived from parameter names, pagination, includes, date ranges from the
 * ranged-endpoint table); `custom` names a handler the twin writes by hand.
 */
export type TwinBehaviour =
  | { readonly kind: 'list'; readonly collection: string; readonly scope?: Scope }
  | { readonly kind: 'get'; readonly collection: string; readonly idParam: string; readonly scope?: Scope }
  | { readonly kind: 'create'; readonly collection: string; readonly scope?: Scope }
  | { readonly kind: 'update'; readonly collection: string; readonly idParam: string }
  /** `archive`: Hubstaff keeps the record and sets `field` to `value` instead of removing it. */
  | { readonly kind: 'delete'; readonly collection: string; readonly idParam: string; readonly archive?: { readonly field: string; readonly value: string } }
  | { readonly kind: 'custom'; readonly name: string }

export interface Operation {
  /** Hubstaff's operationId, e.g. `getV2ProjectsProjectIdTasks`. */
  readonly id: string
  readonly method: HttpMethod
  /** The path template, e.g. `/v2/projects/{project_id}/tasks`. */
  readonly path: string
  readonly tag: string
  /** One line in the project's own words. */
  readonly summary: string
  readonly params: readonly Param[]
  /** The JSON request body, when the operation takes one. */
  readonly body?: { readonly schema: JsonSchema; readonly required: boolean }
  readonly ok: SuccessAnswer
  /** The error statuses the operation documents (400, 401, 403, 404, 409, 422, 429 ...). */
  readonly errors: readonly number[]
  readonly twin: TwinBehaviour
}
