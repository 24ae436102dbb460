/**
 * Entry keys of the receipts log and the journal. Hyperbee orders keys bytewise, so every
 * number is zero-padded to 16 decimal digits (Number.MAX_SAFE_INTEGER has 16) and every time
 * is a canonical ISO 8601 UTC string (`toISOString()`, fixed width for years 0000–9999): then
 * string order is numeric and chronological order, and each query below is one range read.
 *
 *   batch!<seq>                          → BatchRecord
 *   batch-t!<sealedAt>!<seq>             → seq          (batches by time)
 *   root!<0xroot>                        → seq          (batch by root)
 *   receipt!<key>!<length>!<seq>!<fork>  → ReceiptEntry (by core, length, then batch = time)
 *   incident!<key>!<detectedAt>!<n>      → Incident
 *   incident-t!<detectedAt>!<key>!<n>    → Incident     (incidents by time)
 *   reseal!<0xroot>                      → seq          (the batch that sealed a forgotten root's heads again)
 *   migration!<key>!<from>!<to>          → Migration    (an Autobase's system core moved from one key to another; once per pair)
 *   watch!<key> · stale!<key> · state!<name>            (journal; in-flight batches are files)
 *
 * `~` (0x7e) sorts after every digit, hex letter and `!`, so `<prefix>~` closes a range.
 */
import { LedgerError } from './errors'

export const SEP = '!'
export const END = '~'
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const HEX32 = /^[0-9a-f]{64}$/
const ROOT = /^0x[0-9a-f]{64}$/
const NAME = /^[A-Za-z0-9._:-]{1,128}$/

function bad (why: string): LedgerError {
  return new LedgerError('BAD_INPUT', why)
}

/** A safe non-negative integer as 16 zero-padded decimal digits. */
export function pad (n: number, what = 'number'): string {
  if (!Number.isSafeInteger(n) || n < 0) throw bad(`The ${what} must be a safe non-negative integer, not ${String(n)}.`)
  return String(n).padStart(16, '0')
}

/** A core key as 64 lowercase hex characters (callers decode z-base-32 before the ledger). */
export function keyHex (key: string | Buffer): string {
  if (Buffer.isBuffer(key)) {
    if (key.byteLength !== 32) throw bad(`A core key has 32 bytes, not ${key.byteLength}.`)
    return key.toString('hex')
  }
  const hex = typeof key === 'string' ? key.toLowerCase() : ''
  if (!HEX32.test(hex)) throw bad('A core key must be 64 hex characters.')
  return hex
}

/** A batch root as 0x and 64 lowercase hex characters. */
export function rootHex (root: string): string {
  const hex = typeof root === 'string' ? root.toLowerCase() : ''
  if (!ROOT.test(hex)) throw bad('A batch root must be 0x and 64 hex characters.')
  return hex
}

/** True for a canonical `toISOString()` string. */
export function isIsoTime (value: unknown): value is string {
  return typeof value === 'string' && ISO.test(value) && new Date(value).toISOString() === value
}

/** A time bound (ISO string or Date) as a canonical ISO string. */
export function isoTime (value: string | Date, what = 'time'): string {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN
  const iso = Number.isFinite(ms) ? new Date(ms).toISOString() : ''
  if (!ISO.test(iso)) throw bad(`The ${what} must be an ISO 8601 date between years 0000 and 9999.`)
  return iso
}

/** Names of in-flight batches and service-state entries: no separator, bounded length. */
export function name (value: string, what: string): string {
  if (typeof value !== 'string' || !NAME.test(value)) throw bad(`The ${what} must be 1 to 128 characters of A-Z a-z 0-9 . _ : -.`)
  return value
}

export const batchKey = (seq: number): string => `batch!${pad(seq, 'batch sequence')}`
export const batchTimeKey = (iso: string, seq: number): string => `batch-t!${iso}!${pad(seq)}`
export const rootKey = (root: string): string => `root!${rootHex(root)}`

export const receiptPrefix = (key: string): string => `receipt!${key}!`
export const receiptLengthPrefix = (key: string, length: number): string => `receipt!${key}!${pad(length, 'length')}`
export const receiptKey = (key: string, length: number, seq: number, fork: number): string =>
  `${receiptLengthPrefix(key, length)}!${pad(seq)}!${pad(fork, 'fork')}`

export const incidentPrefix = (key: string): string => `incident!${key}!`
export const migrationPrefix = (key: string): string => `migration!${key}!`
export const migrationKey = (key: string, from: string, to: string): string => `migration!${key}!${from}!${to}`
export const incidentKey = (key: string, iso: string, n: number): string => `incident!${key}!${iso}!${pad(n)}`
export const incidentTimeKey = (iso: string, key: string, n: number): string => `incident-t!${iso}!${key}!${pad(n)}`

export const resealKey = (root: string): string => `reseal!${rootHex(root)}`

export const watchKey = (key: string): string => `watch!${key}`
export const staleKey = (key: string): string => `stale!${key}`
export const inflightKey = (id: string): string => `inflight!${name(id, 'in-flight batch id')}`
export const stateKey = (entry: string): string => `state!${name(entry, 'state name')}`

/** The range of keys starting with `prefix`, optionally narrowed to `[prefix+from, prefix+to)`. */
export function prefixRange (prefix: string, from?: string, to?: string): { gte: string, lt: string } {
  return { gte: prefix + (from ?? ''), lt: prefix + (to ?? END) }
}
