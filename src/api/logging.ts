/**
 * Logging without secrets. Three layers, because each catches what the others cannot:
 * - the request serializer logs the method, the path and a query string whose credential-like
 *   values are censored, and never the headers;
 * - pino's path redaction censors `req.headers.authorization` (and cookies) if a caller logs
 *   raw headers anyway;
 * - a log formatter censors, at any depth of a logged plain object, every field whose name
 *   holds "key", "token", "secret", "password"…, except the names that by this project's
 *   vocabulary hold public values (`key` is a core's public key; see PUBLIC_NAMES).
 */
import pino, { type DestinationStream, type Logger as PinoLogger, type LoggerOptions } from 'pino'
import { errInfo } from '../util'

export const CENSOR = '[Redacted]'
const SECRET_NAME = /key|token|secret|passw|passphrase|authorization|cookie|mnemonic|credential/i
/** Public by definition here: a core key, its discovery key, the receipts log's key. */
const PUBLIC_NAMES = new Set(['key', 'keys', 'publicKey', 'discoveryKey', 'receiptsLog'])
const MAX_DEPTH = 8

const isSecretName = (name: string): boolean => SECRET_NAME.test(name) && !PUBLIC_NAMES.has(name)

function isPlain (value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** A copy of `value` with secret-named fields censored (plain objects and arrays only). */
export function redactSecrets (value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return value
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1))
  if (!isPlain(value)) return value
  const out: Record<string, unknown> = {}
  for (const [name, v] of Object.entries(value)) out[name] = isSecretName(name) ? CENSOR : redactSecrets(v, depth + 1)
  return out
}

/** The URL with the values of credential-like query parameters censored. */
export function redactUrl (url: string): string {
  const q = url.indexOf('?')
  if (q === -1) return url
  const params = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=')
    let name = eq === -1 ? pair : pair.slice(0, eq)
    try {
      name = decodeURIComponent(name)
    } catch {
      // Undecodable names are logged as sent: their values are still censored below.
      return `${pair.slice(0, eq === -1 ? pair.length : eq)}=${CENSOR}`
    }
    return isSecretName(name) && eq !== -1 ? `${pair.slice(0, eq)}=${CENSOR}` : pair
  })
  return `${url.slice(0, q)}?${params.join('&')}`
}

const serializers = {
  req: (req: { method?: string, url?: string, ip?: string }) => ({ method: req.method, url: redactUrl(String(req.url ?? '')), remoteAddress: req.ip }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
  // Callers log `{ err: errInfo(err) }` (already safe) or a raw Error: both end as { code?, message }.
  err: (err: unknown) => (err instanceof Error ? errInfo(err) : err)
}

const redact = { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie'], censor: CENSOR }

/** A pino logger with the redaction above, for the service and the API alike. */
export function createLogger (opts: { level?: string, destination?: DestinationStream } = {}): PinoLogger {
  const options: LoggerOptions = {
    level: opts.level ?? 'info',
    redact,
    serializers,
    formatters: { log: (obj: Record<string, unknown>) => redactSecrets(obj) as Record<string, unknown> }
  }
  return opts.destination === undefined ? pino(options) : pino(options, opts.destination)
}

/** Any pino logger, wrapped with the same redaction for the API's logs. */
export function apiLogger (base: PinoLogger): PinoLogger {
  return base.child({ component: 'api' }, { redact, serializers, formatters: { log: (obj: object) => redactSecrets(obj) as object } })
}
