/**
 * Every error answer of the API, decided in one place: a domain error's class and code pick a
 * rule of the tables below (status, answer code, public message); Fastify's own errors and the
 * API's errors get theirs. Nothing here looks at message text.
 *
 * A 4xx answer shows the domain's message (it is about the caller's input and tells them what
 * to fix). A 5xx answer never does: the rule's fixed sentence goes out, the real message goes to
 * the log, so RPC details, paths and internal state stay on the server.
 */
import { AlertsError } from '../alerts'
import { ChainError } from '../chain'
import { ConfigError } from '../config'
import { HeadsError } from '../heads'
import { LedgerError } from '../ledger'
import { SealError } from '../seal'
import { SealerError } from '../sealer'
import { StructureError } from '../structures'
import { VerifyError } from '../verify'
import { CodedError } from '../util'
import { ALERTS_RULES, API_RULES, CHAIN_RULES, CONFIG_RULES, HEADS_RULES, LEDGER_RULES, SEAL_RULES, SEALER_RULES, STRUCTURE_RULES, VERIFY_RULES, type Rule } from './error-rules'

export type ApiErrorCode =
  | 'BAD_REQUEST' // a parameter, query or body fails its schema or its parse
  | 'TOKEN_IN_QUERY' // a token was put in the URL; it belongs in the Authorization header
  | 'UNAUTHORIZED' // an admin route was called without a Bearer token
  | 'FORBIDDEN' // the Bearer token is not the admin token
  | 'NOT_FOUND' // no such route, or no such receipt
  | 'PAYLOAD_TOO_LARGE' // the body is over the limit
  | 'UNSUPPORTED_MEDIA_TYPE' // the body is not application/json
  | 'RATE_LIMITED' // too many requests from one address on the public routes
  | 'BUSY' // the expensive routes are at their concurrency cap; try again shortly
  | 'NOT_READY' // /ready: a readiness check failed
  | 'PAGES_NOT_BUILT' // a web page was asked for, but the pages were not built (npm run build)
  | 'INTERNAL' // anything unexpected (the message is never shown)

export class ApiError extends CodedError<ApiErrorCode> {}

export interface ErrorAnswer {
  status: number
  headers: Record<string, string>
  body: { error: { code: string, message: string } }
  /** How loud the log line is: a 4xx is the caller's problem, a 500 is ours. */
  level: 'debug' | 'warn' | 'error'
}

/** Each domain's error class and its table (each table is a Record<Code, Rule>: complete at compile time). */
export const DOMAINS: ReadonlyArray<{ name: string, cls: new (code: never, message: string) => CodedError<string>, rules: Readonly<Record<string, Rule>> }> = [
  { name: 'heads', cls: HeadsError, rules: HEADS_RULES },
  { name: 'ledger', cls: LedgerError, rules: LEDGER_RULES },
  { name: 'chain', cls: ChainError, rules: CHAIN_RULES },
  { name: 'seal', cls: SealError, rules: SEAL_RULES },
  { name: 'sealer', cls: SealerError, rules: SEALER_RULES },
  { name: 'config', cls: ConfigError, rules: CONFIG_RULES },
  { name: 'verify', cls: VerifyError, rules: VERIFY_RULES },
  { name: 'structures', cls: StructureError, rules: STRUCTURE_RULES },
  { name: 'alerts', cls: AlertsError, rules: ALERTS_RULES },
  { name: 'api', cls: ApiError, rules: API_RULES }
]

/** Fastify's own client errors (FST_ERR_*), by code; any other 4xx of Fastify is BAD_REQUEST. */
const FASTIFY_CODES: Record<string, ApiErrorCode> = {
  FST_ERR_VALIDATION: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE'
}

export const RETRY_AFTER_SECONDS = 5

function answer (rule: Rule, shown: string): ErrorAnswer {
  const headers: Record<string, string> = { ...(rule.headers ?? {}) }
  if (rule.retry === true) headers['retry-after'] = String(RETRY_AFTER_SECONDS)
  const message = rule.message ?? shown
  return {
    status: rule.status,
    headers,
    body: { error: { code: rule.code, message } },
    level: rule.level ?? (rule.status >= 500 ? (rule.status === 500 ? 'error' : 'warn') : 'debug')
  }
}

/** The rule of a domain error, or undefined when the error is no domain's. */
export function ruleOf (err: unknown): Rule | undefined {
  for (const { cls, rules } of DOMAINS) {
    if (err instanceof cls) return Object.prototype.hasOwnProperty.call(rules, err.code) ? rules[err.code] : undefined
  }
  return undefined
}

/** Turns anything thrown (or handed to Fastify's error handler) into the API's error answer. */
export function toErrorAnswer (err: unknown): ErrorAnswer {
  const rule = ruleOf(err)
  if (rule !== undefined) return answer(rule, (err as Error).message)
  const fst = err as { code?: unknown, statusCode?: unknown, message?: unknown }
  if (typeof fst?.code === 'string' && fst.code.startsWith('FST_')) {
    const code = FASTIFY_CODES[fst.code]
    if (code !== undefined) return answer(API_RULES[code], String(fst.message))
    const status = typeof fst.statusCode === 'number' && fst.statusCode >= 400 && fst.statusCode < 500 ? fst.statusCode : 0
    if (status !== 0) return answer({ ...API_RULES.BAD_REQUEST, status }, String(fst.message))
  }
  return answer(API_RULES.INTERNAL, '')
}
