/**
 * Receipt v1 (DESIGN.md "Formats"): `{ v: 1, head, seal, proof }`. Hypercore bytes in `head`
 * are lowercase hex without 0x; EVM bytes in `seal` and `proof` are 0x-prefixed lowercase hex
 * (the contract address may be EIP-55 checksummed). Parsing is strict: every field present,
 * no unknown field, every number a safe integer in range.
 */
import { getAddress } from 'ethers'
import { SealError } from './errors'
import { canonicalHeadJson } from './head-json'
import type { HeadJson, Receipt, SealInfo } from './types'

const BYTES32 = /^0x[0-9a-f]{64}$/
const ADDRESS = /^0x[0-9a-fA-F]{40}$/
const UINT32_MAX = 0xffffffff

type Json = Record<string, unknown>

function bad (why: string, cause?: unknown): SealError {
  return new SealError('BAD_RECEIPT', `The receipt is not a valid v1 receipt: ${why}.`, { cause })
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

function address (value: unknown): string {
  if (typeof value !== 'string' || !ADDRESS.test(value)) throw bad('seal.contract must be a 0x address')
  // A mixed-case address must carry a valid EIP-55 checksum; all-lowercase has none to check.
  if (value !== value.toLowerCase() && !goodChecksums.has(value)) {
    try {
      getAddress(value)
    } catch (err) {
      throw bad('seal.contract has a wrong EIP-55 checksum', err)
    }
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

function proof (value: unknown): string[] {
  if (!Array.isArray(value)) throw bad('proof must be an array')
  return value.map((node, i) => bytes32(node, `proof[${i}]`))
}

/** Parses untrusted JSON into a receipt; it checks form only (see checkReceipt for meaning). */
export function parseReceipt (value: unknown): Receipt {
  const json = object(value, 'the receipt', ['v', 'head', 'seal', 'proof'])
  if (json.v !== 1) throw bad(`version ${String(json.v)} is not 1`)
  return { v: 1, head: head(json.head), seal: parseSealInfo(json.seal), proof: proof(json.proof) }
}

/** Assembles a receipt from trusted parts, validating the seal the chain reported. */
export function receiptOf (head: HeadJson, seal: SealInfo, proofNodes: string[]): Receipt {
  return { v: 1, head, seal: parseSealInfo(seal), proof: proof(proofNodes) }
}
