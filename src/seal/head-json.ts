import { SealError } from './errors'
import { assertHeadShape } from './head-signature'
import type { Head, HeadJson } from './types'

const HEX32 = /^[0-9a-f]{64}$/
const HEX = /^(?:[0-9a-f]{2})*$/
const HEAD_FIELDS = ['key', 'length', 'fork', 'treeHash', 'signature', 'manifest']

/** Hypercore bytes are lowercase hex without 0x in JSON (DESIGN.md). */
export function headToJson (head: Head): HeadJson {
  assertHeadShape(head)
  return {
    key: head.key.toString('hex'),
    length: head.length,
    fork: head.fork,
    treeHash: head.treeHash.toString('hex'),
    signature: head.signature.toString('hex'),
    manifest: head.manifest.toString('hex')
  }
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function bad (what: string): SealError {
  return new SealError('BAD_HEAD', `The head is malformed: ${what}.`)
}

function hexText (json: Record<string, unknown>, field: string, pattern: RegExp, what: string): string {
  const value = json[field]
  if (typeof value !== 'string' || !pattern.test(value)) throw bad(`${field} must be ${what}`)
  return value
}

function uintField (json: Record<string, unknown>, field: string): number {
  const value = json[field]
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw bad(`${field} must be a safe non-negative integer`)
  }
  return value
}

/**
 * Checks untrusted head JSON and returns a copy in canonical form (lowercase hex, safe
 * integers, no other field): what `headToJson(headFromJson(json))` gives, without the trip
 * through Buffers (the ledgers check thousands of heads a pass). No signature check.
 */
export function canonicalHeadJson (json: unknown): HeadJson {
  if (!isRecord(json)) throw bad('it must be a JSON object')
  const unknown = Object.keys(json).filter((field) => !HEAD_FIELDS.includes(field))
  if (unknown.length > 0) throw bad(`unknown field ${unknown.join(', ')}`)
  const signature = hexText(json, 'signature', HEX, 'lowercase hex')
  const manifest = hexText(json, 'manifest', HEX, 'lowercase hex')
  if (signature.length === 0) throw bad('signature must not be empty')
  if (manifest.length === 0) throw bad('manifest must not be empty')
  return {
    key: hexText(json, 'key', HEX32, '64 lowercase hex characters'),
    length: uintField(json, 'length'),
    fork: uintField(json, 'fork'),
    treeHash: hexText(json, 'treeHash', HEX32, '64 lowercase hex characters'),
    signature,
    manifest
  }
}

/** Parses untrusted JSON into a Head; it does not check the signature (see verifyHeadSignature). */
export function headFromJson (json: unknown): Head {
  const checked = canonicalHeadJson(json)
  return {
    key: Buffer.from(checked.key, 'hex'),
    length: checked.length,
    fork: checked.fork,
    treeHash: Buffer.from(checked.treeHash, 'hex'),
    signature: Buffer.from(checked.signature, 'hex'),
    manifest: Buffer.from(checked.manifest, 'hex')
  }
}
