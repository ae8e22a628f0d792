import { MODES, type Mode } from './config/settings.js'
import { GatewayError } from './errors.js'

/**
 * The current mode. A request reads it once when it enters the pipeline, so a switch never
 * changes the terminal under a request already in flight.
 */
export class ModeSwitch {
  #mode: Mode
  readonly #available: (mode: Mode) => string | undefined

  /** `available` answers why a mode cannot be used right now, or undefined when it can. */
  constructor(initial: Mode, available: (mode: Mode) => string | undefined) {
    this.#mode = initial
    this.#available = available
  }

  get current(): Mode {
    return this.#mode
  }

  set(mode: unknown): Mode {
    if (typeof mode !== 'string' || !(MODES as readonly string[]).includes(mode)) {
      throw new GatewayError('HSG_MODE_INVALID', `Unknown mode ${JSON.stringify(mode)}; allowed: ${MODES.join(', ')}.`)
    }
    const why = this.#available(mode as Mode)
    if (why !== undefined) throw new GatewayError('HSG_MODE_UNAVAILABLE', why)
    this.#mode = mode as Mode
    return this.#mode
  }
}
