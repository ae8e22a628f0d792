import { OPERATIONS, SCHEMAS, SIDELOAD_SCHEMAS } from './description.js'
import type { JsonSchema, Operation, Param, SuccessAnswer } from './types.js'

/**
 * The OpenAPI 3.0.3 document of the description: what `/v2/docs` serves and what Prism answers
 * from when the twin does not. `spec/hubstaff-v2.openapi.json` is this document as written by
 * `npm run spec:generate`; a test keeps the two equal.
 */

type Json = Record<string, unknown>

const SCHEMA_PREFIX = '#/components/schemas/'

/** A description schema in OpenAPI terms: `$ref: 'User'` becomes `#/components/schemas/User`. */
function toOpenApi(schema: JsonSchema): Json {
  const out: Json = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref') out.$ref = SCHEMA_PREFIX + (value as string)
    else if (key === 'items' || key === 'additionalProperties') out[key] = typeof value === 'object' ? toOpenApi(value as JsonSchema) : value
    else if (key === 'properties') out.properties = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([name, s]) => [name, toOpenApi(s)]))
    else out[key] = value
  }
  return out
}

const ref = (name: string): Json => ({ $ref: SCHEMA_PREFIX + name })

/**
 * Like Hubstaff (a Ruby app), the period parameters take a date or a date-time, with or without
 * an offset (none means UTC); `format: date-time` would refuse all but the strictest form.
 */
const LENIENT_DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?$'

function parameter(param: Param): Json {
  const { schema } = param
  const out: Json = { name: param.name, in: param.in }
  if (param.required === true) out.required = true
  if (schema.type === 'array') {
    out.style = 'form'
    out.explode = false
    out.description = `Comma separated (\`${param.name}=1,2\`); \`${param.name}[]=1&${param.name}[]=2\` is accepted too.`
  }
  if (param.in === 'query' && schema.type === 'string' && schema.format === 'date-time') {
    const lenient: Json = { ...toOpenApi(schema), pattern: LENIENT_DATE_TIME }
    delete lenient.format
    out.description = 'ISO 8601 date-time or date; without an offset it is UTC.'
    out.schema = lenient
  } else {
    out.schema = toOpenApi(schema)
  }
  return out
}

const json = (schema: Json): Json => ({ 'application/json': { schema } })

function envelope(ok: Extract<SuccessAnswer, { kind: 'record' | 'list' }>): Json {
  if (ok.kind === 'record') return { type: 'object', required: [ok.key], properties: { [ok.key]: ref(ok.schema) }, additionalProperties: false }
  const properties: Json = { [ok.key]: { type: 'array', items: ref(ok.schema) } }
  for (const name of ok.sideloads ?? []) {
    const schema = SIDELOAD_SCHEMAS[name]
    if (schema !== undefined && name !== ok.key) properties[name] = { type: 'array', items: ref(schema) }
  }
  if (ok.paginated) properties.pagination = ref('Pagination')
  return { type: 'object', required: [ok.key], properties, additionalProperties: false }
}

function success(ok: SuccessAnswer): Json {
  switch (ok.kind) {
    case 'record':
      return { description: `One ${ok.schema}`, headers: { ETag: { $ref: '#/components/headers/ETag' }, 'Cache-Control': { $ref: '#/components/headers/CacheControlRecord' } }, content: json(envelope(ok)) }
    case 'list':
      return { description: `${ok.schema} records${ok.paginated ? ', a page at a time' : ''}`, headers: { 'Cache-Control': { $ref: '#/components/headers/CacheControlList' } }, content: json(envelope(ok)) }
    case 'none':
      return { description: 'Done; nothing to send back' }
    case 'other':
      return { description: 'The result', content: json(toOpenApi(ok.schema)) }
  }
}

/** The error answers, by status: the envelope `Error`, with a typical example of each. */
const ERROR_RESPONSES: Readonly<Record<number, readonly [string, string, Json]>> = {
  400: ['BadRequest', 'Invalid parameters', { code: 'invalid_params', error: 'The provided parameters are invalid.', error_code: 11000 }],
  401: ['Unauthorized', 'Missing, expired or revoked access token', { code: 'unauthorized', error: 'Unauthorized' }],
  403: ['Forbidden', 'No access, or the organization is not on an active plan', { code: 'forbidden', error: 'API access is only for organizations on an active plan', error_code: 10003 }],
  404: ['NotFound', 'No such record', { code: 'not_found', error: 'Could not find record', error_code: 12000 }],
  409: ['Conflict', 'The record exists already', { code: 'conflict', error: 'A record with these values already exists.', error_code: 11002 }],
  422: ['StaleObject', 'lock_version is stale: someone else changed the record', { code: 'stale_object', error: 'The record has been modified. Please refresh and try again.', error_code: 11003 }],
  429: ['TooManyRequests', 'Over the budget of 1000 requests per hour per application', { code: 'rate_limit', error: 'Rate limit exceeded', error_code: 13000 }],
}

function errorResponse(status: number): Json {
  const known = ERROR_RESPONSES[status]
  if (known !== undefined) return { $ref: `#/components/responses/${known[0]}` }
  return { description: `HTTP ${status}`, content: json(ref('Error')) }
}

function operation(op: Operation): Json {
  const responses: Json = { [String(op.ok.status)]: success(op.ok) }
  for (const status of op.errors) responses[String(status)] = errorResponse(status)
  const out: Json = { operationId: op.id, tags: [op.tag], summary: op.summary, parameters: op.params.map(parameter) }
  if (op.body !== undefined) out.requestBody = { required: op.body.required, content: json(toOpenApi(op.body.schema)) }
  out.responses = responses
  return out
}

function components(): Json {
  const schemas: Json = {
    Pagination: {
      type: 'object',
      description: 'Present only when another page exists.',
      required: ['next_page_start_id'],
      properties: { next_page_start_id: { type: 'integer', format: 'int64', description: 'Send it as page_start_id for the next page.' } },
      additionalProperties: false,
    },
  }
  for (const name of Object.keys(SCHEMAS).sort()) schemas[name] = toOpenApi(SCHEMAS[name] as JsonSchema)
  const responses: Json = {}
  for (const [name, description, example] of Object.values(ERROR_RESPONSES)) {
    responses[name] = { description, content: { 'application/json': { schema: ref('Error'), example } } }
  }
  ;(responses.TooManyRequests as Json).headers = { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } }
  return {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from https://account.hubstaff.com/access_tokens (the gateway sends it; apps send none).' },
    },
    headers: {
      ETag: { description: 'Weak validator of a single record.', schema: { type: 'string' } },
      CacheControlRecord: { description: 'Single records must be revalidated.', schema: { type: 'string' }, example: 'max-age=0, private, must-revalidate' },
      CacheControlList: { description: 'Lists are not cacheable.', schema: { type: 'string' }, example: 'no-cache' },
      RetryAfter: { description: 'Seconds until the hourly budget has room again.', schema: { type: 'integer', minimum: 0 } },
    },
    responses,
    schemas,
  }
}

export function openApiDocument(): object {
  const paths: Record<string, Json> = {}
  for (const op of OPERATIONS) {
    const path = (paths[op.path] ??= {})
    path[op.method.toLowerCase()] = operation(op)
  }
  const tags = [...new Set(OPERATIONS.map((op) => op.tag))].sort().map((name) => ({ name }))
  return {
    openapi: '3.0.3',
    info: {
      title: 'Hubstaff API v2 (hubstaff-gateway)',
      version: '2.0.0-hsg.2',
      description:
        'Every operation of the Hubstaff API v2, as hubstaff-gateway describes it from the public facts (paths, parameters, fields, limits): ' +
        'real envelopes ({"projects": [...]}, include= side-loads as sibling arrays), cursor pagination (pagination.next_page_start_id only when another page exists) ' +
        'and the error envelope. Generated from src/api by `npm run spec:generate`; edit the description there, not this file.',
    },
    servers: [{ url: 'https://api.hubstaff.com' }],
    security: [{ bearer: [] }],
    tags,
    paths,
    components: components(),
  }
}
