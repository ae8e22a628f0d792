import type { Logger } from 'pino'
import { readFile } from 'node:fs/promises'
import { ConfigError, GatewayError, isGatewayError } from '../errors.js'
import type { GatewayRequest, GatewayResponse, Handler } from '../pipeline/types.js'
import type { Dataset, DatasetSize } from '../twin/dataset.js'
import type { Sessions, SessionState } from '../twin/sessions.js'
import type { World } from '../twin/world.js'
import { longestRange } from './blank-after.js'
import type { PreparedMock } from './load.js'

/** Hubstaff's blank reply past its 30-second limit, in its most common form. */
function blankReply(): GatewayResponse {
  return { status: 504, headers: {}, body: Buffer.alloc(0), source: 'mock', upstreamCalls: 0 }
}

/** Resolves after `ms`, or at once when the app goes away. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}

export interface MockStatus {
  readonly loaded: boolean
  readonly spec?: string
  readonly specSource?: PreparedMock['source']['origin']
  readonly operations?: number
  /** Where the simulated organization comes from: `seed <seed> (<size>)` or `fixtures <file>`. */
  readonly organization?: string
  /** Named sessions held. */
  readonly sessions?: number
}

export interface MockModeOptions {
  readonly spec?: string | undefined
  readonly stateDir: string
  readonly logger: Logger
  /** `--mock-seed`: seeds the organization and `Prefer: dynamic=true` data. @default 'hubstaff-gateway' */
  readonly seed?: string
  /** `--mock-size`. @default 'small' */
  readonly size?: DatasetSize
  /** `--mock-fixtures FILE`: the organization is exactly this file's records. */
  readonly fixtures?: string | undefined
  /** `--mock-blank-after`, seconds: a longer date range gets Hubstaff's blank reply (504, empty body). */
  readonly blankAfter?: number | undefined
  /** `--mock-latency`, ms: every answer waits a time in this range. */
  readonly latency?: { readonly min: number; readonly max: number } | undefined
  /** `--mock-session-idle`, seconds. @default 1800 */
  readonly sessionIdle?: number
  /** `--mock-sessions-max`. @default 1000 */
  readonly sessionsMax?: number
  /** The clock, epoch ms: the organization is dated from it. @default Date.now */
  readonly now?: () => number
}

interface Loaded {
  readonly prepared: PreparedMock
  readonly handler: Handler
  readonly sessions: Sessions<World>
}

/**
 * The mock as the gateway holds it: the description (for Prism's request checks and the answers
 * the twin does not cover) and the twin's simulated organization with its sessions. Loading takes
 * a second or more; a gateway that starts in live mode with no `--spec` loads them when the mock
 * is first used, so that its own start-up (and any start-up error) stays quick. `load()` is also
 * how the gateway loads them up front: when it starts in mock mode, and whenever `--spec` or
 * `--mock-fixtures` names a file, so that a bad one stops start-up instead of failing the first request.
 */
export class MockMode {
  readonly #options: MockModeOptions
  readonly #logger: Logger
  readonly #now: () => number
  #loading: Promise<Loaded> | undefined
  #loaded: Loaded | undefined
  #announced = false
  readonly #blankAfterMs: number | undefined

  constructor(options: MockModeOptions) {
    this.#options = options
    this.#logger = options.logger
    this.#now = options.now ?? Date.now
    this.#blankAfterMs = options.blankAfter === undefined ? undefined : options.blankAfter * 1000
  }

  /** Loads and prepares once; concurrent callers share the work, and a failure may be retried. */
  load(): Promise<Loaded> {
    this.#loading ??= this.#load().catch((err: unknown) => {
      this.#loading = undefined
      throw err
    })
    return this.#loading
  }

  async #load(): Promise<Loaded> {
    const [{ mockTerminal }, { twinAnswerer }, { createEngine }, { OPERATIONS, SCHEMAS }, sessions, prepared] = await Promise.all([
      import('./terminal.js'),
      import('../twin/terminal.js'),
      import('../twin/engine.js'),
      import('../api/description.js'),
      this.#sessions(),
      import('./load.js').then(({ loadMock }) => loadMock(this.#options)),
    ])
    const twin = twinAnswerer({ engine: createEngine({ operations: OPERATIONS, schemas: SCHEMAS }), sessions, now: this.#now })
    const handler = mockTerminal(prepared, { ...(this.#options.seed === undefined ? {} : { seed: this.#options.seed }), twin })
    this.#loaded = { prepared, handler, sessions }
    return this.#loaded
  }

  /** The sessions over the seeded organization, built now so that a bad `--mock-fixtures` stops start-up. */
  async #sessions(): Promise<Sessions<World>> {
    const [{ Sessions }, { World }] = await Promise.all([import('../twin/sessions.js'), import('../twin/world.js')])
    const { fixtures, seed = 'hubstaff-gateway', size = 'small' } = this.#options
    const now = this.#now()
    let dataset: Dataset
    if (fixtures !== undefined) {
      const { parseFixtures } = await import('../twin/fixtures.js')
      let body: unknown
      try {
        body = JSON.parse(await readFile(fixtures, 'utf8')) as unknown
      } catch (err) {
        throw new ConfigError(`invalid --mock-fixtures "${fixtures}": ${(err as Error).message}`)
      }
      try {
        dataset = parseFixtures(body, { now })
      } catch (err) {
        throw new ConfigError(`invalid --mock-fixtures "${fixtures}": ${(err as Error).message}`)
      }
    } else {
      const { generateDataset } = await import('../twin/generate/index.js')
      dataset = generateDataset({ seed, size, now })
    }
    const sessions = new Sessions<World>({
      seed: () => dataset,
      build: (d) => World.fromDataset(d),
      idleMs: (this.#options.sessionIdle ?? 1800) * 1000,
      max: this.#options.sessionsMax ?? 1000,
      now: this.#now,
    })
    sessions.prepare()
    return sessions
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
    this.#logger.info({ ...status, ms: this.#loaded?.prepared.loadMs }, 'mock spec loaded')
  }

  /** The pipeline's terminal for the mock mode. */
  readonly terminal: Handler = async (request: GatewayRequest): Promise<GatewayResponse> => {
    const latency = this.#options.latency
    if (latency !== undefined) await pause(latency.min + Math.floor(Math.random() * (latency.max - latency.min + 1)), request.signal)
    if (this.#blankAfterMs !== undefined && longestRange(request.path, request.query) > this.#blankAfterMs) return blankReply()
    const { handler } = await this.load()
    this.announce()
    return handler(request)
  }

  /**
   * What names the world a request is answered from, for the cache and the split: the session and
   * the world's generation, so that no answer is served across sessions nor across a reset.
   */
  worldTag(header: string | readonly string[] | undefined): string {
    return this.#loaded?.sessions.tag(header) ?? (header === undefined ? '' : 'unloaded')
  }

  /** `GET /_gateway/mock/state`. */
  async state(session: string | undefined): Promise<SessionState> {
    return (await this.load()).sessions.state(session)
  }

  /** `POST /_gateway/mock/reset`. */
  async reset(session: string | undefined): Promise<void> {
    ;(await this.load()).sessions.reset(session)
  }

  /** `PUT /_gateway/mock/fixtures`: the body must describe an organization, or nothing changes. */
  async loadFixtures(body: unknown, session: string | undefined): Promise<SessionState> {
    const { sessions } = await this.load()
    const { parseFixtures, FixturesError } = await import('../twin/fixtures.js')
    let dataset: Dataset
    try {
      dataset = parseFixtures(body, { now: this.#now() })
    } catch (err) {
      if (isGatewayError(err) || !(err instanceof FixturesError)) throw err
      // Where the mistake is, as data, so that a test can point at it without parsing the text.
      const at = err.key === undefined ? undefined : `${err.key}${err.index === undefined ? '' : `[${err.index}]`}${err.field === undefined ? '' : `.${err.field}`}`
      throw new GatewayError('HSG_MOCK_FIXTURES_INVALID', `The fixtures were not loaded: ${err.message}`, at === undefined ? {} : { extensions: { field: at } })
    }
    sessions.loadFixtures(dataset, session)
    return sessions.state(session)
  }

  status(): MockStatus {
    const loaded = this.#loaded
    if (loaded === undefined) return { loaded: false }
    const { prepared, sessions } = loaded
    const { fixtures, seed = 'hubstaff-gateway', size = 'small' } = this.#options
    return {
      loaded: true,
      spec: prepared.source.location,
      specSource: prepared.source.origin,
      operations: prepared.operations.count,
      organization: fixtures === undefined ? `seed ${seed} (${size})` : `fixtures ${fixtures}`,
      sessions: sessions.size,
    }
  }
}
