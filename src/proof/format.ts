/**
 * Record proof v1 (docs/formats.md "Record proof"): a portable JSON document proving that one
 * block of a core, one entry of a Hyperbee or one file of a Hyperdrive existed, with these bytes,
 * no later than a seal. Parsing is strict (every field present, no unknown field, sizes bounded);
 * the receipts inside are parsed by the seal checks, the rest here.
 */
import { ProofError } from './errors'
import type { ProvenBlock } from './tree'

export type ProofType = 'block' | 'hyperbee-entry' | 'hyperdrive-file'
export type PartRole = 'core' | 'db' | 'blobs'

export interface ProofPart {
  role: PartRole
  /** The receipt of the earliest seal covering what this part proves (parsed by the seal checks). */
  receipt: unknown
  blocks: ProvenBlock[]
  /** The tree nodes, without their indexes: those follow from the blocks (tree.ts `proofNodeIndexes`), in that order. */
  nodes: ProofNode[]
}

export interface ProofNode { size: number, hash: Buffer }

export interface RecordProof {
  v: 1
  kind: 'hyperseal-record-proof'
  type: ProofType
  /** The core (`block`), the bee or the drive (its db core) the proof is about. */
  key: string
  /** `block`: the proven block's index. */
  index?: number
  /** `hyperbee-entry` and `hyperdrive-file`: the bee (db) version the lookup ran at. */
  version?: number
  /** `hyperbee-entry`: the entry's key bytes. */
  entry?: Buffer
  /** `hyperbee-entry`: the value the proof claims `get(entry)` returns at `version` (null: no entry). */
  value?: Buffer | null
  /** `hyperdrive-file`: the file's path. */
  path?: string
  parts: ProofPart[]
}

/** Bounds that keep checking a proof cheap whatever its author wants. */
export const MAX_PROOF_BLOCKS = 4096
export const MAX_PROOF_NODES = 65_536
export const MAX_BLOCK_BYTES = 16 * 1024 * 1024
export const MAX_KEY_BYTES = 4096

type Json = Record<string, unknown>
const HEX = /^(?:[0-9a-f]{2})*$/
const HEX32 = /^[0-9a-f]{64}$/

function bad (why: string): ProofError {
  return new ProofError('BAD_PROOF', `The record proof is not a valid v1 record proof: ${why}.`)
}

function object (value: unknown, where: string, required: readonly string[], optional: readonly string[] = []): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(`${where} must be a JSON object`)
  const json = value as Json
  const unknown = Object.keys(json).filter((f) => !required.includes(f) && !optional.includes(f))
  if (unknown.length > 0) throw bad(`${where} has unknown field ${unknown.join(', ')}`)
  const missing = required.filter((f) => !(f in json))
  if (missing.length > 0) throw bad(`${where} lacks ${missing.join(', ')}`)
  return json
}

function uint (value: unknown, where: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw bad(`${where} must be an integer ≥ ${min}`)
  return value
}

function hex (value: unknown, where: string, max: number): Buffer {
  if (typeof value !== 'string' || !HEX.test(value) || value.length > 2 * max) throw bad(`${where} must be lowercase hex of at most ${max} bytes`)
  return Buffer.from(value, 'hex')
}

function list (value: unknown, where: string, max: number): unknown[] {
  if (!Array.isArray(value) || value.length > max) throw bad(`${where} must be a list of at most ${max} items`)
  return value
}

function part (value: unknown, where: string): ProofPart {
  const json = object(value, where, ['role', 'receipt', 'blocks', 'nodes'])
  if (json.role !== 'core' && json.role !== 'db' && json.role !== 'blobs') throw bad(`${where}.role must be core, db or blobs`)
  const blocks = list(json.blocks, `${where}.blocks`, MAX_PROOF_BLOCKS).map((b, i) => {
    const block = object(b, `${where}.blocks[${i}]`, ['index', 'data'])
    return { index: uint(block.index, `${where}.blocks[${i}].index`), data: hex(block.data, `${where}.blocks[${i}].data`, MAX_BLOCK_BYTES) }
  })
  if (blocks.length === 0) throw bad(`${where}.blocks must hold at least one block`)
  const nodes = list(json.nodes, `${where}.nodes`, MAX_PROOF_NODES).map((n, i) => {
    const node = object(n, `${where}.nodes[${i}]`, ['size', 'hash'])
    if (typeof node.hash !== 'string' || !HEX32.test(node.hash)) throw bad(`${where}.nodes[${i}].hash must be 64 lowercase hex characters`)
    return { size: uint(node.size, `${where}.nodes[${i}].size`), hash: Buffer.from(node.hash, 'hex') }
  })
  return { role: json.role, receipt: json.receipt, blocks, nodes }
}

const ROLES: Record<ProofType, PartRole[]> = { block: ['core'], 'hyperbee-entry': ['db'], 'hyperdrive-file': ['db', 'blobs'] }

export function parseRecordProof (value: unknown): RecordProof {
  const top = object(value, 'the proof', ['v', 'kind', 'type', 'key', 'parts'], ['index', 'version', 'entry', 'value', 'path'])
  if (top.v !== 1) throw bad('v must be 1')
  if (top.kind !== 'hyperseal-record-proof') throw bad('kind must be "hyperseal-record-proof"')
  const type = top.type
  if (type !== 'block' && type !== 'hyperbee-entry' && type !== 'hyperdrive-file') throw bad('type must be block, hyperbee-entry or hyperdrive-file')
  if (typeof top.key !== 'string' || !HEX32.test(top.key)) throw bad('key must be 64 lowercase hex characters')
  const parts = list(top.parts, 'parts', 2).map((p, i) => part(p, `parts[${i}]`))
  const roles = ROLES[type]
  if (parts.length !== roles.length || parts.some((p, i) => p.role !== roles[i])) throw bad(`a ${type} proof has the parts ${roles.join(', ')}, in that order`)
  const out: RecordProof = { v: 1, kind: 'hyperseal-record-proof', type, key: top.key, parts }
  const only = (fields: string[]): void => {
    const extra = ['index', 'version', 'entry', 'value', 'path'].filter((f) => f in top && !fields.includes(f))
    if (extra.length > 0) throw bad(`a ${type} proof has no ${extra.join(', ')}`)
  }
  if (type === 'block') {
    only(['index'])
    out.index = uint(top.index, 'index')
  } else {
    only(type === 'hyperbee-entry' ? ['version', 'entry', 'value'] : ['version', 'path'])
    out.version = uint(top.version, 'version', 1)
    if (type === 'hyperbee-entry') {
      out.entry = hex(top.entry, 'entry', MAX_KEY_BYTES)
      if (!('value' in top)) throw bad('a hyperbee-entry proof lacks value')
      out.value = top.value === null ? null : hex(top.value, 'value', MAX_BLOCK_BYTES)
    } else {
      if (typeof top.path !== 'string' || top.path.length === 0 || top.path.length > MAX_KEY_BYTES) throw bad('path must be a non-empty string')
      out.path = top.path
    }
  }
  return out
}

export function recordProofToJson (proof: RecordProof): Json {
  const { parts, entry, value, ...rest } = proof
  return {
    ...rest,
    ...(entry !== undefined ? { entry: entry.toString('hex') } : {}),
    ...(value !== undefined ? { value: value === null ? null : value.toString('hex') } : {}),
    parts: parts.map((p) => ({
      role: p.role,
      receipt: p.receipt,
      blocks: p.blocks.map((b) => ({ index: b.index, data: Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength).toString('hex') })),
      nodes: p.nodes.map((n) => ({ size: n.size, hash: n.hash.toString('hex') }))
    }))
  }
}
