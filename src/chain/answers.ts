import { isHexString, type Block, type TransactionReceipt } from 'ethers'
import { ChainError } from './errors'

// What the node answers is checked before anyone relies on it: a block number, hash or
// timestamp out of range means a broken or lying endpoint, not a fact to record.

export interface ChainBlock {
  number: number
  hash: string
  /** Seconds since the epoch. */
  timestamp: number
}

export interface MinedReceipt {
  txHash: string
  blockNumber: number
  blockHash: string
  /** 'reverted' when the transaction was mined with status 0 (e.g. a root sealed meanwhile). */
  status: 'success' | 'reverted'
  /** Gas the transaction used, as a decimal string (a bigint does not survive JSON). */
  gasUsed: string
}

export interface SealedAt {
  /** Block timestamp of the seal, seconds since the epoch. */
  timestamp: number
  blockNumber: number
}

function bad (what: string): ChainError {
  return new ChainError('RPC_BAD_ANSWER', `The node answered an invalid ${what}; check the RPC endpoint.`)
}

/** A count the node reports (block number, timestamp, nonce): a safe non-negative integer. */
export function checkCount (what: string, value: unknown): number {
  const n = typeof value === 'bigint' ? (value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : -1) : value
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw bad(what)
  return n
}

export function checkHash (what: string, value: unknown): string {
  if (typeof value !== 'string' || !isHexString(value, 32)) throw bad(what)
  return value.toLowerCase()
}

export function toChainBlock (block: Block): ChainBlock {
  return {
    number: checkCount('block number', block.number),
    hash: checkHash('block hash', block.hash),
    timestamp: checkCount('block timestamp', block.timestamp)
  }
}

export function toMinedReceipt (receipt: TransactionReceipt, txHash: string): MinedReceipt {
  if (checkHash('transaction hash', receipt.hash) !== txHash) throw bad('receipt (for another transaction)')
  if (receipt.status !== 0 && receipt.status !== 1) throw bad('receipt status')
  return {
    txHash,
    blockNumber: checkCount('receipt block number', receipt.blockNumber),
    blockHash: checkHash('receipt block hash', receipt.blockHash),
    status: receipt.status === 1 ? 'success' : 'reverted',
    gasUsed: checkCount('receipt gas used', receipt.gasUsed).toString()
  }
}

/** The contract answers (0, 0) for a root never sealed; a seal always has both fields set. */
export function toSealedAt (timestamp: bigint, blockNumber: bigint): SealedAt | null {
  if (timestamp === 0n && blockNumber === 0n) return null
  const seal = { timestamp: checkCount('seal timestamp', timestamp), blockNumber: checkCount('seal block number', blockNumber) }
  if (seal.timestamp === 0 || seal.blockNumber === 0) throw bad('seal (one of timestamp and block is zero)')
  return seal
}
