import type { Logger } from 'pino'
import type { GatewayRequest, GatewayResponse, Handler } from '../pipeline/types.js'
import { dateRanges } from './date-range.js'
import type { LoadMockOptions, PreparedMock } from './load.js'
import type { MockTerminalOptions } from './terminal.js'

/** The longest date range a query asks for, ms (0 when it asks for none). */
function longestRange(query: string): number {
  if (!query.includes('%5B') && !query.includes('[')) return 0
  return Math.max(0, ...dateRanges(new URLSearchParams(query)).map((r) => r.stop - r.start))
}

/** Hubstaff's blank reply past its 30-second limit, in its most common form. */
function blankReply(): GatewayResponse {
  return { status: 504, headers: {}, body: Buffer.alloc(0), source: 'mock', upstreamCalls: 0 }
}

export interface MockStatus {
  readonly loaded: boolean
  readonly spec?: string
  readonly specSource?: PreparedMock['source']['origin']
  readonly operations?: number
}

/**
 * The mock as the gateway holds it. Prism and the spec take a second or more to load; a gateway
 * that starts in live mode with no `--spec` loads them when the mock is first used, so that its
 * own start-up (and any start-up error) stays quick. `load()` is also how the gateway loads them
 * up front: when it starts in mock mode, and whenever `--spec` names a spec, so that a bad one
 * stops start-up instead of failing the first request.
 */
export class MockMode {
  readonly #options: LoadMockOptions & MockTerminalOptions
  readonly #logger: Logger
  #loading: Promise<{ prepared: PreparedMock; handler: Handler }> | undefined
  #prepared: PreparedMock | undefined
  #announced = false

  readonly #blankAfterMs: number | undefined

  /**
   * `blankAfter` (seconds, `--mock-blank-after`): a date range longer than this gets Hubstaff's
   * blank reply (504, empty body) instead of data, as Hubstaff answers a query that passes its
   * 30-second limit, so an app can test its handling offline.
   */
  constructor(options: { spec?: string | undefined; stateDir: string; logger: Logger; seed?: string; blankAfter?: number | undefined }) {
    this.#options = options
    this.#logger = options.logger
    this.#blankAfterMs = options.blankAfter === undefined ? undefined : options.blankAfter * 1000
  }

  /** Loads and prepares once; concurrent callers share the work, and a failure may be retried. */
  load(): Promise<{ prepared: PreparedMock; handler: Handler }> {
    this.#loading ??= (async () => {
      const [{ loadMock }, { mockTerminal }] = await Promise.all([import('./load.js'), import('./terminal.js')])
      const prepared = await loadMock(this.#options)
      this.#prepared = prepared
      return { prepared, handler: mockTerminal(prepared, this.#options) }
    })().catch((err: unknown) => {
      this.#loading = undefined
      throw err
    })
    return this.#loading
  }

  /**
   * Logs which spec the mock serves, once it is loaded, and only once. The server calls it after
   * `gateway listening` (a start-up that fails prints nothing but its one error line); a mock
   * loaded on first use says it then.
   */
  announce(): void {
    const status = this.status()
    if (this.#announced || !status.loaded) return
    this.#announced = true
    this.#logger.info({ ...status, ms: this.#prepared?.loadMs }, 'mock spec loaded')
  }

  /** The pipeline's terminal for the mock mode. */
  readonly terminal: Handler = async (request: GatewayRequest): Promise<GatewayResponse> => {
    if (this.#blankAfterMs !== undefined && longestRange(request.query) > this.#blankAfterMs) return blankReply()
    const { handler } = await this.load()
    this.announce()
    return handler(request)
  }

  status(): MockStatus {
    const prepared = this.#prepared
    if (prepared === undefined) return { loaded: false }
    return { loaded: true, spec: prepared.source.location, specSource: prepared.source.origin, operations: prepared.operations.count }
  }
}
