/**
 * Small checks shared by the record parsers. A parser throws `Invalid` (or a SealError from
 * the seal parsers); `asStored` turns that into CORRUPT_ENTRY for a value read back from the
 * ledger, `asInput` into BAD_INPUT for a value handed to it.
 */
import { canonicalHeadJson, type HeadJson } from '../seal'
import { LedgerError } from './errors'
import { isIsoTime } from './keys'

export class Invalid extends Error {}

export type Json = Record<string, unknown>

export function record (value: unknown, where: string, required: readonly string[], optional: readonly string[] = []): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Invalid(`${where} must be a JSON object`)
  const json = value as Json
  const unknown = Object.keys(json).filter((f) => !required.includes(f) && !optional.includes(f))
  if (unknown.length > 0) throw new Invalid(`${where} has unknown field ${unknown.join(', ')}`)
  const missing = required.filter((f) => json[f] === undefined)
  if (missing.length > 0) throw new Invalid(`${where} lacks ${missing.join(', ')}`)
  return json
}

/** Any JSON object (no shape imposed): evidence and other free-form fields. */
export function object (value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Invalid(`${where} must be a JSON object`)
  return value as Json
}

export function uint (value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new Invalid(`${where} must be a safe non-negative integer`)
  return value
}

export function iso (value: unknown, where: string): string {
  if (!isIsoTime(value)) throw new Invalid(`${where} must be an ISO 8601 UTC time as toISOString() writes it`)
  return value
}

export function text (value: unknown, where: string, pattern: RegExp): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw new Invalid(`${where} is malformed`)
  return value
}

export function oneOf<T extends string> (value: unknown, where: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new Invalid(`${where} must be one of ${allowed.join(', ')}`)
  return value as T
}

export function array<T> (value: unknown, where: string, item: (v: unknown, where: string) => T): T[] {
  if (!Array.isArray(value)) throw new Invalid(`${where} must be an array`)
  return value.map((v, i) => item(v, `${where}[${i}]`))
}

/** A head in canonical JSON (lowercase hex, no unknown field); does not check the signature. */
export function head (value: unknown, where: string): HeadJson {
  try {
    return canonicalHeadJson(value)
  } catch (err) {
    throw new Invalid(`${where}: ${(err as Error).message}`)
  }
}

function reason (err: unknown): string {
  if (err instanceof Invalid || (err instanceof Error && 'code' in err)) return err.message.replace(/\.+$/, '')
  throw err
}

export function asStored<T> (key: string, value: unknown, parse: (v: unknown) => T): T {
  try {
    return parse(value)
  } catch (err) {
    throw new LedgerError('CORRUPT_ENTRY', `The ledger entry ${key} is not a valid record (${reason(err)}); the data directory was damaged or tampered with.`, { cause: err })
  }
}

export function asInput<T> (what: string, value: unknown, parse: (v: unknown) => T): T {
  try {
    return parse(value)
  } catch (err) {
    if (err instanceof LedgerError) throw err
    throw new LedgerError('BAD_INPUT', `The ${what} is malformed: ${reason(err)}.`, { cause: err })
  }
}

/** A deep copy through JSON, so what is stored is exactly what will be read back. */
export function jsonValue (what: string, value: unknown): unknown {
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch (err) {
    throw new LedgerError('BAD_INPUT', `The ${what} cannot be written as JSON.`, { cause: err })
  }
  if (text === undefined) throw new LedgerError('BAD_INPUT', `The ${what} needs a JSON value.`)
  return JSON.parse(text)
}
