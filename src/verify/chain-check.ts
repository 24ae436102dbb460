/**
 * The deciding receipt against the chain view: same chain and contract, its root sealed at
 * exactly the block and time it claims (and, when the view has them, by its transaction, with
 * its leaf count, in a block that is still canonical). Any difference means the receipt or the
 * chain answer was altered, or the seal was reorged away: `invalid`, never a skip.
 */
import type { Receipt } from '../seal'
import { blockHashAnswer, sealAnswer } from './input'
import type { ChainView, Finding } from './types'

type ChainFinding = Extract<Finding, 'WRONG_CHAIN' | 'WRONG_CONTRACT' | 'NOT_ON_CHAIN' | 'SEAL_MISMATCH' | 'BLOCK_HASH_MISMATCH'>

export type ChainCheck =
  | { ok: true, final: boolean }
  | { ok: false, finding: ChainFinding, reason: string }

function fail (finding: ChainFinding, reason: string): ChainCheck {
  return { ok: false, finding, reason }
}

export function checkOnChain (receipt: Receipt, chain: ChainView): ChainCheck {
  const { seal } = receipt
  if (seal.chainId !== chain.chainId) {
    return fail('WRONG_CHAIN', `The receipt is for chain ${seal.chainId}, but the chain read is ${chain.chainId}.`)
  }
  if (seal.contract.toLowerCase() !== chain.contract.toLowerCase()) {
    return fail('WRONG_CONTRACT', `The receipt names contract ${seal.contract}, not the trusted HyperSeal contract ${chain.contract}.`)
  }
  const answer = sealAnswer(chain, seal.root)
  if (answer === null) {
    return fail('NOT_ON_CHAIN', `The root ${seal.root} of the receipt was never sealed on chain ${chain.chainId} (or its seal was reorged away).`)
  }
  if (answer.blockNumber !== seal.blockNumber || answer.timestamp !== seal.timestamp) {
    return fail('SEAL_MISMATCH', `The chain has root ${seal.root} sealed in block ${answer.blockNumber} at ${answer.timestamp}, but the receipt claims block ${seal.blockNumber} at ${seal.timestamp}.`)
  }
  if (answer.txHash !== undefined && answer.txHash.toLowerCase() !== seal.txHash) {
    return fail('SEAL_MISMATCH', `The root ${seal.root} was sealed by transaction ${answer.txHash}, not ${seal.txHash} as the receipt claims.`)
  }
  if (answer.leafCount !== undefined && answer.leafCount !== seal.leafCount) {
    return fail('SEAL_MISMATCH', `The root ${seal.root} was sealed with ${answer.leafCount} leaves, not ${seal.leafCount} as the receipt claims.`)
  }
  const blockHash = blockHashAnswer(chain, seal.blockNumber)
  if (blockHash === null) {
    return fail('BLOCK_HASH_MISMATCH', `The chain has no block ${seal.blockNumber}, where the receipt says its root was sealed.`)
  }
  if (blockHash !== undefined && blockHash !== seal.blockHash) {
    return fail('BLOCK_HASH_MISMATCH', `Block ${seal.blockNumber} is ${blockHash} on the chain, not ${seal.blockHash} as the receipt claims: the receipt's block is not canonical.`)
  }
  // The seal's own block is its first confirmation (as src/chain counts them).
  const confirmations = Math.max(0, chain.headBlock - seal.blockNumber + 1)
  const final = confirmations >= chain.confirmationsRequired ||
    (chain.finalizedBlock !== undefined && seal.blockNumber <= chain.finalizedBlock)
  return { ok: true, final }
}
