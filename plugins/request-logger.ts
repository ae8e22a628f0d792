import type { FastifyBaseLogger } from 'fastify'
import type { Bindings, ChildLoggerOptions, Logger } from 'pino'

/**
 * A request's logger that becomes a pino child only when it writes a line. Fastify makes a child
 * per request; pino serialises (and redacts) its bindings at once, which on a cache hit costs more
 * than the hit itself, and at the default level most requests log one line, at warn none.
 */
export class LazyChildLogger {
  readonly #parent: Logger
  readonly #bindings: Bindings
  #child: Logger | undefined

  constructor(parent: Logger, bindings: Bindings) {
    this.#parent = parent
    this.#bindings = bindings
  }

  #real(): Logger {
    return (this.#child ??= this.#parent.child(this.#bindings))
  }

  #write(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', args: unknown[]): void {
    if (this.#child === undefined && !this.#parent.isLevelEnabled(level)) return
    const logger = this.#real()
    logger[level].call(logger, ...(args as [obj: unknown, msg?: string]))
  }

  get level(): string {
    return (this.#child ?? this.#parent).level
  }

  set level(level: string) {
    this.#real().level = level
  }

  isLevelEnabled(level: string): boolean {
    return (this.#child ?? this.#parent).isLevelEnabled(level)
  }

  fatal(...args: unknown[]): void {
    this.#write('fatal', args)
  }
  error(...args: unknown[]): void {
    this.#write('error', args)
  }
  warn(...args: unknown[]): void {
    this.#write('warn', args)
  }
  info(...args: unknown[]): void {
    this.#write('info', args)
  }
  debug(...args: unknown[]): void {
    this.#write('debug', args)
  }
  trace(...args: unknown[]): void {
    this.#write('trace', args)
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.#real().child(bindings, options)
  }

  bindings(): Bindings {
    return this.#real().bindings()
  }
}

/** Fastify's childLoggerFactory: lazy unless the route asks for its own level or serializers. */
export function lazyChildLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  if (Object.keys(options).length > 0) return logger.child(bindings, options)
  return new LazyChildLogger(logger as Logger, bindings)
}

/** Whether `log` writes lines at `level` (a lazy child and a pino logger both know). */
export function logsAt(log: FastifyBaseLogger, level: string): boolean {
  return (log as unknown as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.(level) !== false
}
