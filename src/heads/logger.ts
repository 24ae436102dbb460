/**
 * The logging this area needs, in pino's argument order (`logger.warn({ peer }, 'message')`), so
 * the service can pass its pino logger straight in.
 */
export interface HeadsLogger {
  debug (obj: object, msg: string): void
  info (obj: object, msg: string): void
  warn (obj: object, msg: string): void
  error (obj: object, msg: string): void
}

const noop = (): void => {}

export const SILENT_LOGGER: HeadsLogger = { debug: noop, info: noop, warn: noop, error: noop }

/** An error as a small log-safe object (no stack, no buffers). */
export function errInfo (err: unknown): { code?: string, message: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code
    return typeof code === 'string' ? { code, message: err.message } : { message: err.message }
  }
  return { message: String(err) }
}
