/**
 * Receipt v1 (DESIGN.md "Formats"): `{ v: 1, head, seal, proof }`, and v2: the same with
 * `anchors`, every later clock that covers the batch root (anchor.ts; docs/formats.md "Receipt
 * (v2)"). Hypercore bytes in `head` are lowercase hex without 0x; EVM bytes in `seal` and `proof`
 * are 0x-prefixed lowercase hex (the contract address may be EIP-55 checksummed). Parsing is
 * strict: every field present, no unknown field, every number a safe integer in range.
 */
import { SealError } from './errors'
import { canonicalHeadJson } from './head-json'
import { keccakHexRaw } from './keccak'
import type { Anchor } from './anchor'
import type { HeadJson, Receipt, SealInfo } from './types'

const BYTES32 = /^0x[0-9a-f]{64}$/
const ADDRESS = /^0x[0-9a-fA-F]{40}$/
const MIXED_CASE = /[a-f].*[A-F]|[A-F].*[a-f]/
const UINT32_MAX = 0xffffffff

type Json = Record<string, unknown>

function bad (why: string, cause?: unknown): SealError {
  return new SealError('BAD_RECEIPT', `The receipt is not a valid receipt: ${why}.`, { cause })
}

function object (value: unknown, where: string, fields: readonly string[]): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(`${where} must be a JSON object`)
  const json = value as Json
  const unknown = Object.keys(json).filter((field) => !fields.includes(field))
  if (unknown.length > 0) throw bad(`${where} has unknown field ${unknown.join(', ')}`)
  const missing = fields.filter((field) => !(field in json))
  if (missing.length > 0) throw bad(`${where} lacks ${missing.join(', ')}`)
  return json
}

function bytes32 (value: unknown, where: string): string {
  if (typeof value !== 'string' || !BYTES32.test(value)) throw bad(`${where} must be 0x and 64 lowercase hex characters`)
  return value
}

function integer (value: unknown, where: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw bad(`${where} must be an integer from ${min} to ${max}`)
  }
  return value
}

// Checking a checksum hashes the address (keccak); the receipts of a batch, and of a service,
// all name the same contract, so a few addresses that passed are remembered (same answer).
const CHECKSUMS_KEPT = 16
const goodChecksums = new Set<string>()

/**
 * EIP-55: the address's hex letters, each upper case where the same position of the keccak256
 * of its lowercase hex (as ASCII) is 8 or more. Written here, not ethers' getAddress: this file is
 * loaded by every verifier, the report's re-check workers among them, and ethers costs each
 * ~17 MB and ~0.16 s to load (test/seal/receipt.test.ts checks it against ethers).
 */
function checksumAddress (address: string): string {
  const lower = address.slice(2).toLowerCase()
  const hash = keccakHexRaw(new TextEncoder().encode(lower))
  let out = '0x'
  for (let i = 0; i < lower.length; i++) out += parseInt(hash[i], 16) >= 8 ? lower[i].toUpperCase() : lower[i]
  return out
}

function address (value: unknown): string {
  if (typeof value !== 'string' || !ADDRESS.test(value)) throw bad('seal.contract must be a 0x address')
  // A mixed-case address must carry a valid EIP-55 checksum; all-lowercase (or all-uppercase,
  // as ethers' getAddress takes it) has none to check.
  if (MIXED_CASE.test(value.slice(2)) && !goodChecksums.has(value)) {
    if (checksumAddress(value) !== value) throw bad('seal.contract has a wrong EIP-55 checksum')
    if (goodChecksums.size >= CHECKSUMS_KEPT) goodChecksums.clear()
    goodChecksums.add(value)
  }
  return value
}

const SEAL_FIELDS = ['chainId', 'contract', 'root', 'leafCount', 'txHash', 'blockNumber', 'blockHash', 'timestamp'] as const

export function parseSealInfo (value: unknown): SealInfo {
  const json = object(value, 'seal', SEAL_FIELDS)
  return {
    chainId: integer(json.chainId, 'seal.chainId', 1),
    contract: address(json.contract),
    root: bytes32(json.root, 'seal.root'),
    leafCount: integer(json.leafCount, 'seal.leafCount', 1, UINT32_MAX),
    txHash: bytes32(json.txHash, 'seal.txHash'),
    blockNumber: integer(json.blockNumber, 'seal.blockNumber', 0),
    blockHash: bytes32(json.blockHash, 'seal.blockHash'),
    timestamp: integer(json.timestamp, 'seal.timestamp', 0)
  }
}

function head (value: unknown): HeadJson {
  try {
    return canonicalHeadJson(value)
  } catch (err) {
    throw bad(`head: ${(err as Error).message}`, err)
  }
}

function proof (value: unknown, where = 'proof'): string[] {
  if (!Array.isArray(value)) throw bad(`${where} must be an array`)
  return value.map((node, i) => bytes32(node, `${where}[${i}]`))
}

const MAX_ANCHORS = 16
const NAME = /^[A-Za-z0-9._:-]{1,64}$/
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
const MAX_TOKEN_CHARS = 64 * 1024
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/

/** Parses one untrusted anchor (`where` names it in the error). */
export function parseAnchor (value: unknown, where = 'the anchor'): Anchor {
  const type = (value as Json | null)?.type
  if (type === 'evm') {
    const json = object(value, where, ['type', 'name', 'seal', 'proof'])
    return { type, name: anchorName(json.name, where), seal: parseSealInfo(json.seal), proof: proof(json.proof, `${where}.proof`) }
  }
  if (type === 'rfc3161') {
    const json = object(value, where, ['type', 'name', 'token', 'time'])
    if (typeof json.token !== 'string' || json.token.length > MAX_TOKEN_CHARS || json.token.length % 4 !== 0 || !BASE64.test(json.token)) throw bad(`${where}.token must be base64 of at most ${MAX_TOKEN_CHARS} characters`)
    if (typeof json.time !== 'string' || !ISO.test(json.time) || Number.isNaN(Date.parse(json.time))) throw bad(`${where}.time must be an ISO 8601 UTC time`)
    return { type, name: anchorName(json.name, where), token: json.token, time: json.time }
  }
  throw bad(`${where}.type must be "evm" or "rfc3161"`)
}

function anchorName (value: unknown, where: string): string {
  if (typeof value !== 'string' || !NAME.test(value)) throw bad(`${where}.name must be 1 to 64 characters of A-Z a-z 0-9 . _ : -`)
  return value
}

function anchors (value: unknown): Anchor[] {
  if (!Array.isArray(value) || value.length > MAX_ANCHORS) throw bad(`anchors must be a list of at most ${MAX_ANCHORS}`)
  return value.map((a, i) => parseAnchor(a, `anchors[${i}]`))
}

/** Parses untrusted JSON into a receipt (v1 or v2); it checks form only (see checkReceipt for meaning). */
export function parseReceipt (value: unknown): Receipt {
  const v = (value as Json | null)?.v
  if (v === 2) {
    const json = object(value, 'the receipt', ['v', 'head', 'seal', 'proof', 'anchors'])
    return { v: 2, head: head(json.head), seal: parseSealInfo(json.seal), proof: proof(json.proof), anchors: anchors(json.anchors) }
  }
  const json = object(value, 'the receipt', ['v', 'head', 'seal', 'proof'])
  if (json.v !== 1) throw bad(`version ${String(json.v)} is neither 1 nor 2`)
  return { v: 1, head: head(json.head), seal: parseSealInfo(json.seal), proof: proof(json.proof) }
}

/** Assembles a receipt from trusted parts, validating the seal the chain reported. */
export function receiptOf (head: HeadJson, seal: SealInfo, proofNodes: string[]): Receipt {
  return { v: 1, head, seal: parseSealInfo(seal), proof: proof(proofNodes) }
}

/**
 * The receipt with the anchors that cover its batch root: v2 when there is any, else the receipt
 * as it is (a v1 receipt stays v1 until a later anchor covers it).
 */
export function withAnchors (receipt: Receipt, more: readonly Anchor[]): Receipt {
  if (more.length === 0) return receipt
  const { v: _v, anchors: had = [], ...rest } = receipt
  return parseReceipt({ ...rest, v: 2, anchors: [...had, ...more] })
}
