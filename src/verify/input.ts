/**
 * The form of a verify call: key, version, the views and their answers. A wrong form is a
 * VerifyError (the caller's bug or a broken data source), never a verdict. The *content* of the
 * receipts, incidents and chain answers is evidence and is judged by the verifier instead.
 */
import { VerifyError } from './errors'
import type { BlockEvidence, ChainEvidence, ReplicaView, SealedAtAnswer, TxEvidence } from './types'

const HEX32 = /^[0-9a-f]{64}$/
const EVM_HASH = /^0x[0-9a-fA-F]{64}$/
const ADDRESS = /^0x[0-9a-fA-F]{40}$/
const HEX_DATA = /^0x(?:[0-9a-fA-F]{2})*$/
/** The largest block time `Date` can show (ms 8.64e15). */
const MAX_TIMESTAMP = 8_640_000_000_000
/** A runtime code larger than this is not a contract (EIP-170 caps it at 24 KiB). */
const MAX_CODE_HEX = 2 + 2 * 64 * 1024
const MAX_LOGS = 256

export function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function isUint (value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

function bad (message: string): VerifyError {
  return new VerifyError('BAD_INPUT', message)
}

function missing (message: string): VerifyError {
  return new VerifyError('MISSING_ANSWER', message)
}

function has (record: object, field: string | number): boolean {
  return Object.prototype.hasOwnProperty.call(record, field)
}

export function parseKey (key: unknown): string {
  if (typeof key !== 'string' || !/^[0-9a-fA-F]{64}$/.test(key)) throw bad('The core key must be 64 hex characters.')
  return key.toLowerCase()
}

export function parseVersion (version: unknown): number {
  // Version 0 names no block: a seal could prove nothing about it, so it is not a question.
  if (!isUint(version) || version < 1) throw bad('The version must be a safe integer ≥ 1 (version v means blocks 0..v-1).')
  return version
}

export function parseList (value: unknown, what: string, optional: boolean): readonly unknown[] {
  if (value === undefined && optional) return []
  if (!Array.isArray(value)) throw bad(`The ${what} must be an array.`)
  return value
}

export function checkReplicaView (replica: unknown): ReplicaView {
  if (!isRecord(replica)) throw bad('The replica view must be an object { length, fork, … }.')
  if (!isUint(replica.length) || !isUint(replica.fork)) throw bad('The replica view needs a safe integer length and fork.')
  if (replica.treeHash !== undefined && replica.treeHash !== null && (typeof replica.treeHash !== 'string' || !HEX32.test(replica.treeHash))) {
    throw bad('The replica\'s tree hash must be 64 lowercase hex characters.')
  }
  if (replica.treeHashAt !== undefined && typeof replica.treeHashAt !== 'function') throw bad('The replica\'s treeHashAt must be a function.')
  if (replica.proofs !== undefined && !isRecord(replica.proofs)) throw bad('The replica\'s proofs must be an object keyed by length.')
  if (replica.proofs !== undefined && replica.treeHashAt !== undefined) {
    throw bad('Give the replica\'s tree either as treeHashAt (a trusted local replica) or as proofs (a remote one), not both.')
  }
  return replica as unknown as ReplicaView
}

export function checkChainEvidence (chain: unknown): ChainEvidence {
  if (!isRecord(chain)) throw bad('The chain evidence must be an object.')
  if (!isUint(chain.chainId) || chain.chainId < 1) throw bad('The chain evidence\'s chainId must be a safe integer ≥ 1.')
  if (!isUint(chain.headBlock)) throw bad('The chain evidence\'s headBlock must be a safe integer ≥ 0.')
  if (chain.finalizedBlock !== undefined && chain.finalizedBlock !== null && !isUint(chain.finalizedBlock)) {
    throw bad('The chain evidence\'s finalizedBlock must be null or a safe integer ≥ 0.')
  }
  for (const field of ['code', 'seals', 'blocks', 'txs']) {
    if (!isRecord(chain[field])) throw bad(`The chain evidence's ${field} must be an object.`)
  }
  return chain as unknown as ChainEvidence
}

/** `sealedAt(root)` as the chain evidence answers it (null: never sealed). */
export function sealedAtAnswer (chain: ChainEvidence, root: string): SealedAtAnswer | null {
  if (!has(chain.seals, root)) throw missing(`The chain evidence has no sealedAt answer for root ${root}; fetch the roots planVerify names.`)
  const answer: unknown = chain.seals[root]
  if (answer === null) return null
  if (!isRecord(answer) || !isUint(answer.blockNumber) || !isUint(answer.timestamp) || answer.timestamp > MAX_TIMESTAMP) {
    throw bad(`The chain evidence's sealedAt answer for root ${root} must be null or { timestamp, blockNumber } with safe integers.`)
  }
  return { timestamp: answer.timestamp, blockNumber: answer.blockNumber }
}

/** The block at `n` (null: the chain has no such block). */
export function blockAnswer (chain: ChainEvidence, n: number): BlockEvidence | null {
  if (!has(chain.blocks, n)) throw missing(`The chain evidence has no answer for block ${n}; fetch the blocks planVerify names.`)
  const block: unknown = chain.blocks[n]
  if (block === null) return null
  if (!isRecord(block) || block.number !== n || typeof block.hash !== 'string' || !EVM_HASH.test(block.hash) || !isUint(block.timestamp) || block.timestamp > MAX_TIMESTAMP) {
    throw bad(`The chain evidence's block ${n} must be null or { number: ${n}, hash, timestamp }.`)
  }
  return { number: n, hash: block.hash.toLowerCase(), timestamp: block.timestamp }
}

/** The mined transaction `hash` (null: the chain has no mined transaction of that hash). */
export function txAnswer (chain: ChainEvidence, hash: string): TxEvidence | null {
  const key = hash.toLowerCase()
  if (!has(chain.txs, key)) throw missing(`The chain evidence has no answer for transaction ${key}; fetch the transactions planVerify names.`)
  const tx: unknown = chain.txs[key]
  if (tx === null) return null
  const form = `The chain evidence's transaction ${key} must be null or { hash, to, status, blockNumber, blockHash, logs }.`
  if (!isRecord(tx) || typeof tx.hash !== 'string' || tx.hash.toLowerCase() !== key) throw bad(form)
  if (tx.to !== null && (typeof tx.to !== 'string' || !ADDRESS.test(tx.to))) throw bad(form)
  if ((tx.status !== 0 && tx.status !== 1) || !isUint(tx.blockNumber) || typeof tx.blockHash !== 'string' || !EVM_HASH.test(tx.blockHash)) throw bad(form)
  if (!Array.isArray(tx.logs) || tx.logs.length > MAX_LOGS) throw bad(form)
  const logs = tx.logs.map((log: unknown) => {
    if (!isRecord(log) || typeof log.address !== 'string' || !ADDRESS.test(log.address) || typeof log.data !== 'string' || !HEX_DATA.test(log.data) ||
      !Array.isArray(log.topics) || log.topics.length > 4 || !log.topics.every((t) => typeof t === 'string' && EVM_HASH.test(t))) throw bad(form)
    return { address: log.address.toLowerCase(), topics: (log.topics as string[]).map((t) => t.toLowerCase()), data: log.data.toLowerCase() }
  })
  return { hash: key, to: tx.to === null ? null : (tx.to as string).toLowerCase(), status: tx.status, blockNumber: tx.blockNumber, blockHash: tx.blockHash.toLowerCase(), logs }
}

/** The runtime code at `address` ('0x': none). */
export function codeAnswer (chain: ChainEvidence, address: string): string {
  const key = address.toLowerCase()
  if (!has(chain.code, key)) throw missing(`The chain evidence has no code for ${key}; fetch the contracts planVerify names.`)
  const code: unknown = chain.code[key]
  if (typeof code !== 'string' || !HEX_DATA.test(code) || code.length > MAX_CODE_HEX) throw bad(`The chain evidence's code for ${key} must be 0x hex of at most 64 KiB.`)
  return code.toLowerCase()
}

/** A trusted local replica's tree hash at `length` (≤ its length). */
export function treeHashAnswer (replica: ReplicaView, length: number): string {
  const answer = replica.treeHashAt?.(length)
  if (answer === undefined || answer === null) {
    throw missing(`The replica view has no tree hash at length ${length}; supply treeHashAt for the lengths planVerify names, or proofs.`)
  }
  if (typeof answer !== 'string' || !HEX32.test(answer)) throw bad(`The replica's tree hash at length ${length} must be 64 lowercase hex characters.`)
  return answer
}
