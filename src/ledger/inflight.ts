/**
 * In-flight batches (journal) and their state machine. A batch is written `prepared` before
 * its transaction is sent, so a crash at any point leaves a record to resolve on restart:
 *
 *   prepared ──sent──▶ sent ──mined──▶ mined ──final──▶ final (then removable)
 *      ▲ │               │ ▲             │
 *      │ └────mined──────┼─┼─────────────┘  (found on chain after a crash before `sent`)
 *      │                 │ └ sent again: a replacement at the same nonce
 *      ├────dropped──────┘                  (the node forgot the transaction)
 *      └────reorged──────────────── mined   (its block left the canonical chain)
 *
 * The functions are pure: they return the next record or throw BAD_TRANSITION.
 */
import type { HeadJson, TreeNodeJson } from '../seal'
import { LedgerError } from './errors'

export type InflightState = 'prepared' | 'sent' | 'mined' | 'final'

export interface TxInfo {
  hash: string
  nonce: number
  /** Fees in wei as decimal strings; EIP-1559 fields or a legacy gasPrice. */
  maxFeePerGas?: string
  maxPriorityFeePerGas?: string
  gasPrice?: string
  sentAt: string
}

export interface SentTx extends TxInfo {
  /** Earlier transactions of this batch, oldest first (replaced, dropped or reorged away). */
  replaced: TxInfo[]
}

export interface MinedInfo {
  blockNumber: number
  blockHash: string
  /** Block time, seconds since the epoch. */
  timestamp: number
  txHash?: string
}

export interface FinalInfo {
  blockNumber: number
  blockHash: string
  finalizedAt: string
}

export interface ReorgInfo {
  blockNumber: number
  blockHash: string
  detectedAt: string
}

export interface InflightBatch {
  id: string
  root: string
  /** Prepare order: batches are settled oldest first. */
  seq: number
  leaves: HeadJson[]
  /** The roots of each leaf's length (null where unknown), kept with its receipt. */
  roots: Array<TreeNodeJson[] | null>
  /** Set on a batch that seals again the heads of batches the chain forgot (their roots). */
  resealOf?: string[]
  state: InflightState
  createdAt: string
  updatedAt: string
  /** Transactions sent for this batch so far, replacements included. */
  attempts: number
  tx?: SentTx
  mined?: MinedInfo
  final?: FinalInfo
  reorgs: ReorgInfo[]
}

function refuse (batch: InflightBatch, step: string): LedgerError {
  return new LedgerError('BAD_TRANSITION', `The in-flight batch ${batch.id} is ${batch.state} and cannot be marked ${step}.`)
}

function historyOf (tx: SentTx | undefined): TxInfo[] {
  if (tx === undefined) return []
  const { replaced, ...info } = tx
  return [...replaced, info]
}

export function toSent (batch: InflightBatch, tx: TxInfo, at: string): InflightBatch {
  if (batch.state !== 'prepared' && batch.state !== 'sent') throw refuse(batch, 'sent')
  // The same transaction again: recorded twice after a crash, or rebroadcast after `dropped`.
  if (batch.tx?.hash === tx.hash) return batch.state === 'sent' ? batch : { ...batch, state: 'sent', updatedAt: at }
  if (batch.state === 'sent' && batch.tx !== undefined && batch.tx.nonce !== tx.nonce) {
    throw new LedgerError('BAD_TRANSITION', `The in-flight batch ${batch.id} has transaction ${batch.tx.hash} pending at nonce ${batch.tx.nonce}; a replacement must use the same nonce (mark it dropped first to send at another).`)
  }
  return { ...batch, state: 'sent', updatedAt: at, attempts: batch.attempts + 1, tx: { ...tx, replaced: historyOf(batch.tx) } }
}

export function toDropped (batch: InflightBatch, at: string): InflightBatch {
  if (batch.state !== 'sent') throw refuse(batch, 'dropped')
  return { ...batch, state: 'prepared', updatedAt: at }
}

export function toMined (batch: InflightBatch, mined: MinedInfo, at: string): InflightBatch {
  if (batch.state !== 'prepared' && batch.state !== 'sent') throw refuse(batch, 'mined')
  return { ...batch, state: 'mined', updatedAt: at, mined }
}

export function toFinal (batch: InflightBatch, final: FinalInfo, at: string): InflightBatch {
  if (batch.state !== 'mined') throw refuse(batch, 'final')
  return { ...batch, state: 'final', updatedAt: at, final }
}

export function toReorged (batch: InflightBatch, at: string): InflightBatch {
  if (batch.state !== 'mined' || batch.mined === undefined) throw refuse(batch, 'reorged')
  const { mined, ...rest } = batch
  const reorg: ReorgInfo = { blockNumber: mined.blockNumber, blockHash: mined.blockHash, detectedAt: at }
  return { ...rest, state: 'prepared', updatedAt: at, reorgs: [...batch.reorgs, reorg] }
}
