import { Pool, type Dispatcher } from 'undici'
import { GatewayError } from '../errors.js'
import type { HeaderMap } from '../pipeline/types.js'

export interface UpstreamRequest {
  readonly method: string
  /** Path and query exactly as they go on the wire, e.g. `/v2/users/me?x=1`. */
  readonly pathAndQuery: string
  readonly headers: Readonly<HeaderMap>
  readonly body?: Buffer | string | undefined
  readonly signal?: AbortSignal | undefined
}

export interface UpstreamResponse {
  readonly status: number
  readonly headers: HeaderMap
  readonly body: Buffer
}

export interface UpstreamClientOptions {
  /** Origin, e.g. `https://api.hubstaff.com`. */
  readonly origin: string
  /** Whole-exchange deadline in milliseconds (headers and body). */
  readonly timeoutMs: number
  /** Keep-alive connections to keep. @default 16 */
  readonly connections?: number
  /** Name used in error details, e.g. "Hubstaff API". */
  readonly label?: string
  /** Largest answer body read, bytes: past it the body is abandoned while it streams. @default 67108864 */
  readonly maxBytes?: number
  /** The setting that sets `maxBytes`, as errors name it. @default '--upstream-max-bytes' */
  readonly maxBytesSetting?: string
}

/** Thrown when the app went away: nobody is left to answer. */
export class RequestAborted extends Error {
  constructor() {
    super('request aborted by the client')
    this.name = 'RequestAborted'
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT'])

/**
 * A keep-alive HTTP client to one origin. Every failure leaves it as a GatewayError
 * (`HSG_UPSTREAM_TIMEOUT` or `HSG_UPSTREAM_UNREACHABLE`) with the low-level error as `cause`,
 * so nothing below this file leaks into answers.
 */
export class UpstreamClient {
  readonly origin: string
  readonly #pool: Pool
  readonly #timeoutMs: number
  readonly #label: string
  readonly #maxBytes: number
  readonly #maxBytesSetting: string

  constructor(options: UpstreamClientOptions) {
    this.origin = options.origin
    this.#timeoutMs = options.timeoutMs
    this.#label = options.label ?? options.origin
    this.#maxBytes = options.maxBytes ?? 64 * 1024 * 1024
    this.#maxBytesSetting = options.maxBytesSetting ?? '--upstream-max-bytes'
    this.#pool = new Pool(options.origin, {
      connections: options.connections ?? 16,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 30_000,
    })
  }

  async request(req: UpstreamRequest): Promise<UpstreamResponse> {
    const deadline = new AbortController()
    const timer = setTimeout(() => deadline.abort(), this.#timeoutMs)
    const signal = req.signal === undefined ? deadline.signal : AbortSignal.any([req.signal, deadline.signal])
    try {
      const res = await this.#pool.request({
        method: req.method,
        path: req.pathAndQuery,
        headers: req.headers as Record<string, string | string[]>,
        body: req.body ?? null,
        signal,
      })
      const body = await this.#read(res.body, res.headers['content-length'])
      return { status: res.statusCode, headers: res.headers, body }
    } catch (err) {
      if (req.signal?.aborted === true) throw new RequestAborted()
      if (err instanceof GatewayError) throw err
      throw this.#wrap(err, deadline.signal.aborted)
    } finally {
      clearTimeout(timer)
    }
  }

  /**
   * The whole body, or HSG_UPSTREAM_TOO_LARGE as soon as it is known to pass the cap: from its
   * Content-Length before a byte is read, else once the bytes read so far pass it. Either way the
   * body is destroyed, which closes the connection instead of draining the rest of it.
   */
  async #read(body: Dispatcher.ResponseData['body'], length: string | string[] | undefined): Promise<Buffer> {
    const declared = typeof length === 'string' ? Number(length) : NaN
    if (declared > this.#maxBytes) {
      body.destroy()
      throw this.#tooLarge(`declares ${declared} bytes`)
    }
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > this.#maxBytes) {
        body.destroy()
        throw this.#tooLarge(`passed ${this.#maxBytes} bytes`)
      }
      chunks.push(chunk)
    }
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)
  }

  #tooLarge(what: string): GatewayError {
    return new GatewayError(
      'HSG_UPSTREAM_TOO_LARGE',
      `${this.#label} sent an answer that ${what}, more than the gateway reads (${this.#maxBytesSetting} ${this.#maxBytes}); it was cut off. Ask for less (a smaller page_limit or date range), or raise ${this.#maxBytesSetting}.`,
      { extensions: { limit: this.#maxBytes } },
    )
  }

  #wrap(err: unknown, timedOut: boolean): GatewayError {
    const code = (err as { code?: string }).code ?? ''
    const seconds = this.#timeoutMs / 1000
    if (timedOut || TIMEOUT_CODES.has(code)) {
      return new GatewayError(
        'HSG_UPSTREAM_TIMEOUT',
        `${this.#label} did not answer within ${seconds} s (--upstream-timeout).`,
        { cause: err },
      )
    }
    return new GatewayError(
      'HSG_UPSTREAM_UNREACHABLE',
      `${this.#label} could not be reached (${code || (err as Error).message}).`,
      { cause: err },
    )
  }

  async close(): Promise<void> {
    await this.#pool.close()
  }

  /** Closes at once, aborting anything in flight (used when a graceful close overruns). */
  async destroy(): Promise<void> {
    await this.#pool.destroy()
  }
}
