import type { Logger } from 'pino'
import { existsSync } from 'node:fs'
import { prepareOperations, type OperationIndex } from './operations.js'
import { bundledSpecPath, cachedSpecPath, readSpec, type SpecSource } from './spec-source.js'

/** A spec read and its operations prepared for Prism: everything the mock terminal needs. */
export interface PreparedMock {
  readonly source: SpecSource
  readonly operations: OperationIndex
  /** How long reading and preparing took, in ms. */
  readonly loadMs: number
}

export interface LoadMockOptions {
  /** `--spec FILE|URL`; when given, it is the only source and any problem with it stops start-up. */
  readonly spec?: string | undefined
  readonly stateDir: string
  readonly logger: Logger
}

async function prepare(origin: SpecSource['origin'], location: string): Promise<Omit<PreparedMock, 'loadMs'>> {
  const source = await readSpec(origin, location)
  return { source, operations: await prepareOperations(source) }
}

/**
 * Reads the mock's spec and prepares its operations. An explicit `--spec` must work
 * (HSG_CONFIG_INVALID naming it otherwise); the cached official copy is preferred over the bundled
 * spec, but a damaged one only costs a warning, so that the offline mock always starts.
 */
export async function loadMock(options: LoadMockOptions): Promise<PreparedMock> {
  const started = performance.now()
  let prepared: Omit<PreparedMock, 'loadMs'> | undefined
  if (options.spec !== undefined) prepared = await prepare('flag', options.spec)
  else {
    const cached = cachedSpecPath(options.stateDir)
    if (existsSync(cached)) {
      try {
        prepared = await prepare('cached', cached)
      } catch (err) {
        options.logger.warn({ spec: cached, reason: (err as Error).message }, 'cached Hubstaff spec unusable; the mock uses the bundled spec')
      }
    }
    prepared ??= await prepare('bundled', bundledSpecPath())
  }
  return { ...prepared, loadMs: Math.round(performance.now() - started) }
}
