import { join } from 'node:path'
import type { Logger } from 'pino'
import type { GatewayRequest, GatewayResponse, Handler } from '../pipeline/types.js'
import { harEntry, harLog, sameExchange, serialiseHar, type HarEntry } from './har.js'
import { normalisePath, recordingKey } from './key.js'
import { FileQueues } from './queue.js'
import type { Redactor } from './redact.js'
import { describeFindings, scanText } from './scan.js'
import { fileNameFor, type RecordingStore } from './store.js'

export interface RecorderOptions {
  readonly store: RecordingStore
  readonly redactor: Redactor
  /** The live secrets (access and refresh tokens, current and recent) no recording may contain. */
  readonly secrets: () => Iterable<string>
  /** The upstream origin, for the absolute URLs HAR wants. */
  readonly origin: string
  readonly logger: Logger
  readonly now?: () => number
}

export interface RecorderStatus {
  /** Exchanges written to a recording. */
  readonly written: number
  /** Exchanges not written because a secret was found in what would have been written. */
  readonly refused: number
  /** Exchanges not written because the disk said no. */
  readonly failed: number
}

/**
 * Answers Hubstaff did not mean for the app: a 401 makes the gateway refresh and ask again, and
 * Hubstaff's 429 pauses traffic and is retried or becomes the gateway's own 429. Recording them
 * would make a replay answer what live mode never answered.
 */
const NOT_RECORDED = new Set([401, 429])

function bearerOf(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(' ') : (value ?? '')
  const m = /^\s*Bearer\s+(\S+)/i.exec(text)
  return m?.[1] === undefined ? [] : [m[1]]
}

/**
 * Record mode: wraps the upstream terminal and writes every exchange it makes to the recording of
 * its request key, after the app's answer is known and before the app gets it (so a recording is
 * on disk once its answer arrived). In one run of the gateway, the first exchange of a key starts
 * its file afresh and later ones are appended in order; an unchanged exchange keeps the times it
 * was first recorded with, so re-recording an unchanged API changes no file.
 *
 * Writing is fail-closed: the file's text is scanned for the live tokens and anything shaped like
 * a credential, and is not written when one is found. A refused or failed write is logged (without
 * the secret) and the app still gets its answer.
 */
export class Recorder {
  readonly #options: RecorderOptions
  readonly #now: () => number
  /** Entries this run has written per file. */
  readonly #session = new Map<string, HarEntry[]>()
  /** What each file held before this run first wrote it: its times are kept for unchanged exchanges. */
  readonly #before = new Map<string, HarEntry[]>()
  /** Exchanges of one file are recorded one after another, in the order they completed. */
  readonly #queues = new FileQueues()
  #written = 0
  #refused = 0
  #failed = 0

  constructor(options: RecorderOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
  }

  /** The recording terminal: `terminal`'s answers, each written down. */
  wrap(terminal: Handler): Handler {
    return async (request) => {
      const startedAt = this.#now()
      const answer = await terminal(request)
      if (!NOT_RECORDED.has(answer.status)) await this.record(request, answer, startedAt)
      return answer
    }
  }

  /** Writes one exchange; never throws (the app's answer does not depend on the disk). */
  record(request: GatewayRequest, answer: GatewayResponse, startedAt: number): Promise<void> {
    const { redactor, origin } = this.#options
    const query = redactor.query(request.query)
    const requestBody = redactor.body(request.body)
    const key = recordingKey(request.method, request.path, query, requestBody)
    const name = fileNameFor(key, request.method, normalisePath(request.path))
    const entry = harEntry({
      method: request.method,
      url: `${origin}${request.path}${query === '' ? '' : `?${query}`}`,
      requestHeaders: redactor.headers(request.headers),
      requestBody,
      status: answer.status,
      responseHeaders: redactor.headers(answer.headers),
      responseBody: redactor.body(answer.body) ?? Buffer.alloc(0),
      startedAt,
      durationMs: this.#now() - startedAt,
    })
    const secrets = [...this.#options.secrets(), ...bearerOf(request.headers.authorization)]
    return this.#queues.run(name, () => this.#append(name, key, entry, secrets))
  }

  /** Resolves once every exchange recorded so far is on disk (or refused). */
  async flush(): Promise<void> {
    await this.#queues.idle()
    await this.#options.store.flush()
  }

  status(): RecorderStatus {
    return { written: this.#written, refused: this.#refused, failed: this.#failed }
  }

  async #append(name: string, key: string, entry: HarEntry, secrets: readonly string[]): Promise<void> {
    const { store, logger } = this.#options
    try {
      let session = this.#session.get(name)
      if (session === undefined) {
        this.#before.set(name, await store.existing(name))
        session = []
      }
      const old = this.#before.get(name)?.[session.length]
      const kept = old !== undefined && sameExchange(old, entry) ? { ...entry, startedDateTime: old.startedDateTime, time: old.time, timings: old.timings } : entry
      const entries = [...session, kept]
      const text = serialiseHar(harLog(entries))
      const findings = scanText(text, secrets)
      if (findings.length > 0) {
        this.#refused++
        logger.error(
          { code: 'HSG_RECORD_REFUSED', file: store.pathOf(name), request: key, found: describeFindings(findings) },
          'recording not written: it would contain a secret',
        )
        return
      }
      await store.write(name, text)
      this.#session.set(name, entries)
      this.#written++
    } catch (err) {
      this.#failed++
      logger.error({ code: 'HSG_RECORD_FAILED', file: join(store.dir, name), request: key, reason: (err as Error).message }, 'recording not written')
    }
  }
}
