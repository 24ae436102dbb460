/**
 * The form of a verify call: key, version, the two views and their answers. A wrong form is a
 * VerifyError (the caller's bug or a broken data source), never a verdict. The *content* of the
 * receipts and incidents is evidence and is judged by the verifier instead.
 */
import { VerifyError } from './errors'
import type { ChainView, ReplicaView, SealAnswer } from './types'

const HEX32 = /^[0-9a-f]{64}$/
const EVM_HASH = /^0x[0-9a-fA-F]{64}$/
const ADDRESS = /^0x[0-9a-fA-F]{40}$/
/** The largest block time `Date` can show (ms 8.64e15). */
const MAX_TIMESTAMP = 8_640_000_000_000

export function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function isUint (value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

function bad (message: string): VerifyError {
  return new VerifyError('BAD_INPUT', message)
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
  if (replica.prefixProof !== undefined && replica.treeHashAt !== undefined) {
    throw bad('Give the replica\'s tree either as treeHashAt (a trusted local replica) or as prefixProof (a remote one), not both.')
  }
  return replica as unknown as ReplicaView
}

export function checkChainView (chain: unknown): ChainView {
  if (!isRecord(chain)) throw bad('The chain view must be an object.')
  if (!isUint(chain.chainId) || chain.chainId < 1) throw bad('The chain view\'s chainId must be a safe integer ≥ 1.')
  if (typeof chain.contract !== 'string' || !ADDRESS.test(chain.contract)) throw bad('The chain view\'s contract must be a 0x address.')
  if (!isUint(chain.headBlock)) throw bad('The chain view\'s headBlock must be a safe integer ≥ 0.')
  if (!isUint(chain.confirmationsRequired) || chain.confirmationsRequired < 1) throw bad('The chain view\'s confirmationsRequired must be a safe integer ≥ 1.')
  if (chain.finalizedBlock !== undefined && !isUint(chain.finalizedBlock)) throw bad('The chain view\'s finalizedBlock must be a safe integer ≥ 0.')
  if (!isRecord(chain.seals)) throw bad('The chain view\'s seals must be an object keyed by root.')
  if (chain.blockHashes !== undefined && !isRecord(chain.blockHashes)) throw bad('The chain view\'s blockHashes must be an object keyed by block number.')
  return chain as unknown as ChainView
}

/** `sealedAt(root)` as the chain view answers it (null: never sealed). */
export function sealAnswer (chain: ChainView, root: string): SealAnswer | null {
  if (!has(chain.seals, root)) {
    throw new VerifyError('MISSING_ANSWER', `The chain view has no sealedAt answer for root ${root}; fetch the roots planVerify names.`)
  }
  const answer: unknown = chain.seals[root]
  if (answer === null) return null
  if (!isRecord(answer) || !isUint(answer.blockNumber) || !isUint(answer.timestamp) || answer.timestamp > MAX_TIMESTAMP) {
    throw bad(`The chain view's answer for root ${root} must be null or { timestamp, blockNumber } with safe integers.`)
  }
  if (answer.txHash !== undefined && (typeof answer.txHash !== 'string' || !EVM_HASH.test(answer.txHash))) {
    throw bad(`The chain view's txHash for root ${root} must be a 0x 32-byte hash.`)
  }
  if (answer.leafCount !== undefined && (!isUint(answer.leafCount) || answer.leafCount < 1)) {
    throw bad(`The chain view's leafCount for root ${root} must be a safe integer ≥ 1.`)
  }
  return answer as unknown as SealAnswer
}

/** The canonical hash of a block; undefined when the view has no block hashes at all. */
export function blockHashAnswer (chain: ChainView, blockNumber: number): string | null | undefined {
  if (chain.blockHashes === undefined) return undefined
  if (!has(chain.blockHashes, blockNumber)) {
    throw new VerifyError('MISSING_ANSWER', `The chain view has block hashes but none for block ${blockNumber}; fetch the blocks planVerify names.`)
  }
  const hash: unknown = chain.blockHashes[blockNumber]
  if (hash !== null && (typeof hash !== 'string' || !EVM_HASH.test(hash))) {
    throw bad(`The chain view's hash of block ${blockNumber} must be null or a 0x 32-byte hash.`)
  }
  return hash === null ? null : hash.toLowerCase()
}

/** A trusted replica's tree hash at `length` (≤ its length). */
export function treeHashAnswer (replica: ReplicaView, length: number): string {
  const answer = replica.treeHashAt?.(length)
  if (answer === undefined || answer === null) {
    throw new VerifyError('MISSING_ANSWER', `The replica view has no tree hash at length ${length}; supply treeHashAt for the lengths planVerify names, or a prefixProof.`)
  }
  if (typeof answer !== 'string' || !HEX32.test(answer)) throw bad(`The replica's tree hash at length ${length} must be 64 lowercase hex characters.`)
  return answer
}
