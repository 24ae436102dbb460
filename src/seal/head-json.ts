import { treeNodeToJson, type TreeNodeJson } from './agreement'
import { SealError } from './errors'
import { assertHeadRoots, assertHeadShape } from './head-signature'
import { MAX_ROOTS, type TreeNode } from './hypercore-tree'
import type { Head, HeadJson } from './types'

const HEX32 = /^[0-9a-f]{64}$/
const HEX = /^(?:[0-9a-f]{2})*$/
const HEAD_FIELDS = ['key', 'length', 'fork', 'treeHash', 'signature', 'manifest', 'roots']
const NODE_FIELDS = ['index', 'size', 'hash']

/** Hypercore bytes are lowercase hex without 0x in JSON (DESIGN.md). */
export function headToJson (head: Head): HeadJson {
  assertHeadShape(head)
  return {
    key: head.key.toString('hex'),
    length: head.length,
    fork: head.fork,
    treeHash: head.treeHash.toString('hex'),
    signature: head.signature.toString('hex'),
    manifest: head.manifest.toString('hex'),
    ...(head.roots === undefined ? {} : { roots: head.roots.map(treeNodeToJson) })
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

function nodeOf (json: TreeNodeJson): TreeNode {
  return { index: json.index, size: json.size, hash: Buffer.from(json.hash, 'hex') }
}

/** Optional `roots`: the tree roots at `length`, which must hash to `treeHash`. */
function rootsField (json: Record<string, unknown>, length: number, treeHash: string): TreeNodeJson[] | undefined {
  const value = json.roots
  if (value === undefined) return undefined
  if (!Array.isArray(value) || value.length > MAX_ROOTS) throw bad(`roots must be an array of at most ${MAX_ROOTS} nodes`)
  const roots = value.map((n: unknown, i): TreeNodeJson => {
    if (!isRecord(n) || Object.keys(n).some((k) => !NODE_FIELDS.includes(k))) throw bad(`roots[${i}] must be { index, size, hash }`)
    return { index: uintField(n, 'index'), size: uintField(n, 'size'), hash: hexText(n, 'hash', HEX32, '64 lowercase hex characters') }
  })
  try {
    assertHeadRoots(length, Buffer.from(treeHash, 'hex'), roots.map(nodeOf))
  } catch {
    throw bad(`roots must be the flat-tree roots of length ${length}, hashing to its tree hash`)
  }
  return roots
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
  const length = uintField(json, 'length')
  const treeHash = hexText(json, 'treeHash', HEX32, '64 lowercase hex characters')
  const roots = rootsField(json, length, treeHash)
  return {
    key: hexText(json, 'key', HEX32, '64 lowercase hex characters'),
    length,
    fork: uintField(json, 'fork'),
    treeHash,
    signature,
    manifest,
    ...(roots === undefined ? {} : { roots })
  }
}

/** Parses untrusted JSON into a Head; it does not check the signature (see verifyHeadSignature). */
export function headFromJson (json: unknown): Head {
  return headOfCanonical(canonicalHeadJson(json))
}

/**
 * The Head of JSON that `canonicalHeadJson` already checked (a parsed receipt's `head`): the
 * bytes only, without checking the text a second time (the audit report parses every receipt).
 */
export function headOfCanonical (checked: HeadJson): Head {
  return {
    key: Buffer.from(checked.key, 'hex'),
    length: checked.length,
    fork: checked.fork,
    treeHash: Buffer.from(checked.treeHash, 'hex'),
    signature: Buffer.from(checked.signature, 'hex'),
    manifest: Buffer.from(checked.manifest, 'hex'),
    ...(checked.roots === undefined ? {} : { roots: checked.roots.map(nodeOf) })
  }
}
