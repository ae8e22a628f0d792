import { arr, int32, oneOf, ref } from '../schemas/build.js'
import type { JsonSchema, Param, SuccessAnswer } from '../types.js'

/** Builders shared by the operation tables, so that each operation reads as one short entry. */

/** Record ids in paths are integers, except a webhook's, which is a string. */
export const pathParam = (name: string, schema: JsonSchema = int32()): Param => ({ name, in: 'path', schema, required: true })

export const query = (name: string, schema: JsonSchema, required = false): Param => (required ? { name, in: 'query', schema, required } : { name, in: 'query', schema })

/** A list of record ids (`user_ids=1,2` or `user_ids[]=1&user_ids[]=2`). */
export const ids = (name: string): Param => query(name, arr(int32()))

export const PAGE_START_ID = query('page_start_id', int32({ default: 0 }))
export const PAGE_LIMIT = query('page_limit', int32())
/** The cursor every list takes: the first id of the page (inclusive) and the page size. */
export const PAGE: readonly Param[] = [PAGE_START_ID, PAGE_LIMIT]

/** `include=users,projects`: the related records sent alongside a list. */
export const include = (...values: string[]): Param => query('include', arr(oneOf(values)))

/** `<name>[start]` and `<name>[stop]`, a period filter. */
export const range = (name: string, schema: JsonSchema, required = false): Param[] => [query(`${name}[start]`, schema, required), query(`${name}[stop]`, schema, required)]

/** What nearly every operation documents; a few leave out 404 (nothing to find) or document nothing. */
export const ERRORS: readonly number[] = [400, 401, 403, 404, 429]
export const ERRORS_NO_404: readonly number[] = [400, 401, 403, 429]
/** Writes guarded by `lock_version`: a stale one is refused with 422 (error_code 11003), which the official document leaves out. */
export const ERRORS_STALE: readonly number[] = [400, 401, 403, 404, 422, 429]

export const record = (key: string, schema: string, status: 200 | 201 = 200): SuccessAnswer => ({ kind: 'record', status, key, schema })

export const list = (key: string, schema: string, sideloads?: readonly string[]): SuccessAnswer =>
  sideloads === undefined ? { kind: 'list', status: 200, key, schema, paginated: true } : { kind: 'list', status: 200, key, schema, paginated: true, sideloads }

export const NO_CONTENT: SuccessAnswer = { kind: 'none', status: 204 }

export const other = (schema: JsonSchema, status: 200 | 201 = 200): SuccessAnswer => ({ kind: 'other', status, schema })

export const body = (schema: string): { schema: JsonSchema; required: boolean } => ({ schema: ref(schema), required: true })
