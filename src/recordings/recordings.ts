import { basename } from 'node:path'
import type { Logger } from 'pino'
import type { Handler } from '../pipeline/types.js'
import { Recorder, type RecorderStatus } from './recorder.js'
import { Redactor } from './redact.js'
import { ReplayIndex, replayTerminal, type ReplayStatus } from './replay.js'
import { RecordingStore, removeTempFiles } from './store.js'

export interface RecordingsOptions {
  /** The `--recordings` folder. */
  readonly dir: string
  /** `--record-redact`: extra JSON fields scrubbed. */
  readonly redactPaths: readonly string[]
  /** The live secrets no recording may contain. */
  readonly secrets: () => Iterable<string>
  /** The upstream origin recorded in each entry's URL. */
  readonly origin: string
  /** `--replay-max-bytes`: the largest file replay reads. */
  readonly maxBytes?: number
  readonly logger: Logger
  readonly now?: () => number
}

export type RecordingsStatus = ReplayStatus & RecorderStatus

/** The recordings folder as the gateway holds it: the recorder that writes it and the index replay reads. */
export class Recordings {
  readonly recorder: Recorder
  readonly index: ReplayIndex
  readonly #dir: string
  readonly #logger: Logger

  constructor(options: RecordingsOptions) {
    const redactor = new Redactor({ paths: options.redactPaths })
    const logger = options.logger
    this.recorder = new Recorder({
      store: new RecordingStore(options.dir, options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
      redactor,
      secrets: options.secrets,
      origin: options.origin,
      logger,
      ...(options.now === undefined ? {} : { now: options.now }),
    })
    this.index = new ReplayIndex({
      dir: options.dir,
      redactor,
      logger,
      ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
      ...(options.now === undefined ? {} : { now: options.now }),
    })
    this.#dir = options.dir
    this.#logger = logger
  }

  /**
   * Removes the temp files writes killed part-way left in the folder (a `kill -9` while recording):
   * they are no recording, and they can be large. Called once at start, before anything is written.
   */
  async open(): Promise<void> {
    try {
      const { files, bytes } = await removeTempFiles(this.#dir)
      if (files.length > 0) this.#logger.warn({ dir: this.#dir, files: files.map((f) => basename(f)), bytes }, 'removed temp files of interrupted recording writes')
    } catch (err) {
      this.#logger.warn({ dir: this.#dir, err }, 'could not remove temp files of interrupted recording writes')
    }
  }

  /**
   * Record mode's terminal: `upstream` with the recorder around it (the auth and budget stages in
   * front stay as in live mode).
   */
  recording(upstream: Handler): Handler {
    return this.recorder.wrap(upstream)
  }

  /**
   * Replay mode's terminal: answers from the index; a miss goes to `fallback` (the mock, or what
   * records it from Hubstaff), or without one gets the app's 404 naming the nearest recordings.
   */
  replaying(fallback: Handler | undefined): Handler {
    return replayTerminal(this.index, { fallback })
  }

  async status(): Promise<RecordingsStatus> {
    try {
      await this.index.refresh()
    } catch {
      // the status shows what was read last
    }
    return { ...this.index.status(), ...this.recorder.status() }
  }

  flush(): Promise<void> {
    return this.recorder.flush()
  }
}
