/**
 * Re-verification of one receipt against the chain's answers now: the receipt checks on its
 * own (writer's signature, Merkle proof: checkReceipt), it names this service's chain and
 * contract, and the chain holds its root at the same time, block, transaction and leaf count,
 * with the same block hash; `pending` while it has fewer confirmations than the policy asks.
 */
import { checkReceipt, type Receipt } from '../seal'
import type { ChainSeal, ReceiptVerdict } from './types'

export interface ChainAnswers {
  chainId: number
  contract: string
  headBlock: number
  confirmations: number
  seals: Readonly<Record<string, ChainSeal | null>>
  blockHashes: Readonly<Record<number, string | null>>
}

export function recheckReceipt (receipt: unknown, chain: ChainAnswers): { status: ReceiptVerdict, reason?: string } {
  const checked = checkReceipt(receipt)
  if (!checked.ok) return { status: 'invalid', reason: `${checked.code}: ${checked.reason}` }
  const seal = (checked.receipt as Receipt).seal
  if (seal.chainId !== chain.chainId) return { status: 'invalid', reason: `The receipt names chain ${seal.chainId}, not ${chain.chainId}.` }
  if (seal.contract.toLowerCase() !== chain.contract.toLowerCase()) return { status: 'invalid', reason: `The receipt names contract ${seal.contract}, not ${chain.contract}.` }
  const found = chain.seals[seal.root]
  if (found === undefined) return { status: 'invalid', reason: `No chain answer was gathered for root ${seal.root}.` }
  if (found === null) return { status: 'invalid', reason: `The contract has no seal of root ${seal.root}.` }
  if (found.timestamp !== seal.timestamp || found.blockNumber !== seal.blockNumber) {
    return { status: 'invalid', reason: `The chain sealed root ${seal.root} at block ${found.blockNumber} (time ${found.timestamp}), the receipt says block ${seal.blockNumber} (time ${seal.timestamp}).` }
  }
  if (found.txHash.toLowerCase() !== seal.txHash.toLowerCase()) return { status: 'invalid', reason: `The chain sealed root ${seal.root} in transaction ${found.txHash}, not ${seal.txHash}.` }
  if (found.leafCount !== seal.leafCount) return { status: 'invalid', reason: `The chain's seal of ${seal.root} has ${found.leafCount} leaves, the receipt says ${seal.leafCount}.` }
  const hash = chain.blockHashes[seal.blockNumber]
  if (hash !== undefined && hash !== null && hash.toLowerCase() !== seal.blockHash.toLowerCase()) {
    return { status: 'invalid', reason: `Block ${seal.blockNumber} has hash ${hash} on chain, the receipt says ${seal.blockHash}.` }
  }
  if (chain.headBlock - seal.blockNumber + 1 < Math.max(1, chain.confirmations)) {
    return { status: 'pending', reason: `The seal has ${Math.max(0, chain.headBlock - seal.blockNumber + 1)} of ${chain.confirmations} confirmations.` }
  }
  return { status: 'verified' }
}
