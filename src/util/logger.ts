/**
 * The logging every area needs, in pino's argument order (`logger.warn({ peer }, 'message')`), so
 * the service can pass its pino logger straight in and tests can pass SILENT_LOGGER.
 */
export interface Logger {
  debug (obj: object, msg: string): void
  info (obj: object, msg: string): void
  warn (obj: object, msg: string): void
  error (obj: object, msg: string): void
}

const noop = (): void => {}

export const SILENT_LOGGER: Logger = { debug: noop, info: noop, warn: noop, error: noop }

/** An error as a small log-safe object (code and message; no stack, no buffers, no cause chain). */
export function errInfo (err: unknown): { code?: string, message: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code
    return typeof code === 'string' ? { code, message: err.message } : { message: err.message }
  }
  return { message: String(err) }
}
