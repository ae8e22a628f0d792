import { createInstance, type IHttpConfig, type IHttpOperationConfig, type IHttpRequest, type IHttpResponse } from '@stoplight/prism-http'
// Prism's own mocker, to wrap it (see `preparedMocker`); the package has no `exports` map and is pinned.
import mocker from '@stoplight/prism-http/dist/mocker/index.js'
import { GatewayError } from '../errors.js'
import type { Operation } from './operations.js'

/**
 * Prism's HTTP mocker, embedded: no server, no child process. Prism logs every step through pino
 * at info level; in a gateway that is tens of lines per request, so it gets a logger that drops
 * everything (the gateway's own request line says what happened).
 */

type PrismLogger = Parameters<typeof createInstance>[1]['logger']
/** `DiagnosticSeverity.Error` of @stoplight/types, which the gateway does not depend on directly. */
const ERROR_SEVERITY = 0
type Prism = ReturnType<typeof createInstance>

function quietLogger(): PrismLogger {
  const drop = (): void => {}
  const logger: Record<string, unknown> = { level: 'silent', isLevelEnabled: () => false }
  for (const level of ['fatal', 'error', 'warn', 'info', 'success', 'debug', 'trace', 'start']) logger[level] = drop
  logger.child = () => logger
  return logger as unknown as PrismLogger
}

type Mocker = typeof mocker.default
type MockerOutput = ReturnType<ReturnType<Mocker>>

/** Static answers kept per operation: one per Accept header, status and example asked for. */
const PREPARED_PER_OPERATION = 32

/** The static answers prepared so far, per operation (see `preparedMocker`). */
const preparedAnswers = new WeakMap<object, Map<string, MockerOutput>>()

/** What chooses a static answer besides the operation: the status and example asked for, and the Accept header. */
function answerKey(config: IHttpOperationConfig, accept: string): string {
  return `${config.code ?? ''} ${config.exampleKey ?? ''} ${config.ignoreExamples === true} ${config.mediaTypes?.join(',') ?? ''} ${accept}`
}

/**
 * The answer Prism gave before to a valid request for `operation` with the same `config` and
 * Accept header, if any (a static answer only: `config` asks for no generated data).
 */
export function preparedAnswer(operation: Operation, config: IHttpConfig, accept: string): IHttpResponse | undefined {
  if (config.mock.dynamic === true) return undefined
  const known = preparedAnswers.get(operation)?.get(answerKey(config.mock, accept))
  return known?._tag === 'Right' ? known.right : undefined
}

/**
 * Prism's mocker, with its static answers prepared once per operation. Without `dynamic`, what
 * it answers to a valid request depends on the operation, the Accept header and the `code` and
 * `example` asked for, nothing else; yet each call negotiates again, samples again and serialises
 * the body for its debug log whatever the level (about two thirds of its time). Request
 * validation still runs on every request, and a request that fails it is never answered from here.
 */
function preparedMocker(): Mocker {
  const mock = mocker.default
  return (opts) => {
    const { resource, input, config } = opts
    const cacheable = config.dynamic !== true && resource.callbacks === undefined && !input.validations.some((v) => (v.severity as number) === ERROR_SEVERITY)
    if (!cacheable) return mock(opts)
    const accept = Object.entries(input.data.headers ?? {}).find(([name]) => name.toLowerCase() === 'accept')?.[1] ?? ''
    const key = answerKey(config, accept)
    return (logger) => {
      const answers = preparedAnswers.get(resource) ?? new Map<string, MockerOutput>()
      preparedAnswers.set(resource, answers)
      const known = answers.get(key)
      if (known !== undefined) return known
      const answer = mock(opts)(logger)
      if (answer._tag === 'Right' && answers.size < PREPARED_PER_OPERATION) answers.set(key, answer)
      return answer
    }
  }
}

export function createPrism(): Prism {
  return createInstance(mockConfig({ dynamic: false }), { logger: quietLogger(), mock: preparedMocker() })
}

/**
 * A fresh config per request: Prism writes the request's Accept header into `config.mock`, so a
 * shared object would carry one request's media types into the next.
 */
export function mockConfig(mock: IHttpOperationConfig): IHttpConfig {
  return {
    mock,
    // Requests are checked as Hubstaff would check them; a bad one gets the spec's 400 answer.
    validateRequest: true,
    // Answers come from the spec itself (the tests validate them); checking each again costs time.
    validateResponse: false,
    // The mock needs no token: apps send none, and the gateway never sends one to the mock.
    checkSecurity: false,
    errors: false,
    upstreamProxy: undefined,
    isProxy: false,
  }
}

const PRISM_ERRORS = 'https://stoplight.io/prism/errors#'

/** Prism's problems in the gateway's words (`HSG_MOCK_*`), keeping Prism's detail and status. */
export function fromPrismError(err: unknown, method: string, path: string): GatewayError {
  const e = err as { name?: unknown; message?: unknown; detail?: unknown; status?: unknown; additional?: { validation?: unknown } }
  const type = typeof e.name === 'string' && e.name.startsWith(PRISM_ERRORS) ? e.name.slice(PRISM_ERRORS.length) : undefined
  const detail = typeof e.detail === 'string' && e.detail !== '' ? e.detail : typeof e.message === 'string' ? e.message : String(err)
  const status = typeof e.status === 'number' ? e.status : undefined
  if (type === 'NOT_FOUND') {
    return new GatewayError('HSG_MOCK_BAD_PREFER', `${detail} The spec has no such answer for ${method} ${path}; drop the preference or name one the spec defines.`)
  }
  if (type === 'UNPROCESSABLE_ENTITY' || type === 'INVALID_CONTENT_TYPE' || type === 'NOT_ACCEPTABLE') {
    const validation = Array.isArray(e.additional?.validation) ? { validation: e.additional.validation } : undefined
    return new GatewayError('HSG_MOCK_REQUEST_INVALID', detail, { status: status ?? 422, ...(validation === undefined ? {} : { extensions: validation }) })
  }
  return new GatewayError('HSG_MOCK_FAILED', `The mock could not answer ${method} ${path}: ${detail}`, { cause: err })
}

/**
 * One request through Prism, against the one operation already chosen. A request that breaks the
 * spec's rules gets Prism's pick of the spec's 422 or 400 answer, always 422 when there is one (a
 * `Prefer: code=` does not change that pick). Hubstaff answers invalid parameters with 400 and
 * keeps 422 for other things (a stale `lock_version`), so such a request is asked again of
 * `refusal`, the same operation without its 422 answer. `valid` says whether the request passed
 * Prism's validation (the twin answers only requests that did).
 */
export async function askPrism(prism: Prism, input: IHttpRequest, operation: Operation, config: IHttpConfig, refusal?: Operation): Promise<{ output: IHttpResponse; valid: boolean }> {
  const method = input.method.toUpperCase()
  let result
  let valid = true
  try {
    result = await prism.request(input, [operation], config)()
    valid = result._tag !== 'Right' || !result.right.validations.input.some((v) => (v.severity as number) === ERROR_SEVERITY)
    if (refusal !== undefined && result._tag === 'Right' && result.right.output.statusCode === 422 && config.mock.code !== 422 && !valid) {
      result = await prism.request(input, [refusal], config)()
    }
  } catch (err) {
    throw fromPrismError(err, method, input.url.path)
  }
  if (result._tag === 'Left') throw fromPrismError(result.left, method, input.url.path)
  return { output: result.right.output, valid }
}
