/**
 * Parsers for the URL values that a schema can only shape-check: time bounds and lengths.
 * Each failure is an ApiError BAD_REQUEST that names the parameter and the accepted forms.
 */
import { PAGE_DEFAULT, PAGE_MAX, type PageQuery } from '../ledger'
import type { TimeRange } from './service-port'
import { ApiError } from './errors'

const EPOCH_SECONDS = /^\d{1,11}$/
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/

/** `1764000000` (epoch seconds) or an ISO 8601 date or date-time with a zone (`2026-11-25`, `…T12:00:00Z`). */
export function parseTime (value: string, name: string): Date {
  const bad = (): ApiError => new ApiError('BAD_REQUEST',
    `${name} must be epoch seconds or an ISO 8601 date or date-time with a zone (2026-11-25 or 2026-11-25T12:00:00Z), got ${JSON.stringify(value)}.`)
  if (EPOCH_SECONDS.test(value)) return new Date(Number(value) * 1000)
  const m = ISO_8601.exec(value)
  if (m === null) throw bad()
  const [, y, mo, d, h, mi, s] = m
  // Date.parse rolls 2026-02-31 over to March; refuse dates and times that do not exist.
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)))
  if (day.getUTCFullYear() !== Number(y) || day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d)) throw bad()
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59)) throw bad()
  const ms = Date.parse(value)
  if (!Number.isFinite(ms)) throw bad()
  return new Date(ms)
}

/** The `from` (inclusive) and `to` (exclusive) of a list query. */
export function parseRange (query: { from?: string, to?: string }): TimeRange {
  const range: TimeRange = {}
  if (query.from !== undefined) range.from = parseTime(query.from, 'from')
  if (query.to !== undefined) range.to = parseTime(query.to, 'to')
  if (range.from !== undefined && range.to !== undefined && range.from.getTime() > range.to.getTime()) {
    throw new ApiError('BAD_REQUEST', 'from must not be later than to.')
  }
  return range
}

/** A length from the URL (already shaped by LENGTH_PATTERN): a safe integer. */
export function parseLength (value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ApiError('BAD_REQUEST', `length must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}, got ${JSON.stringify(value.slice(0, 40))}.`)
  }
  return n
}

/** `limit` (1 to PAGE_MAX, default PAGE_DEFAULT) and `cursor` of a list route. */
export function parsePage (query: { limit?: string, cursor?: string }): PageQuery {
  const limit = query.limit === undefined ? PAGE_DEFAULT : Number(query.limit)
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > PAGE_MAX) {
    throw new ApiError('BAD_REQUEST', `limit must be an integer from 1 to ${PAGE_MAX}, got ${JSON.stringify(String(query.limit).slice(0, 20))}.`)
  }
  return query.cursor === undefined ? { limit } : { limit, cursor: query.cursor }
}
