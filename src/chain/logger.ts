/**
 * The logging this area needs, in pino's argument order (`logger.warn({ pid }, 'message')`),
 * so the service can pass its pino logger straight in.
 */
export interface ChainLogger {
  debug (obj: object, msg: string): void
  info (obj: object, msg: string): void
  warn (obj: object, msg: string): void
  error (obj: object, msg: string): void
}

const noop = (): void => {}

export const SILENT_LOGGER: ChainLogger = { debug: noop, info: noop, warn: noop, error: noop }
