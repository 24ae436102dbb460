import type { JsonRpcProvider } from 'ethers'
import { toChainBlock, toMinedReceipt, checkCount, type MinedReceipt } from './answers'
import { toChainError } from './classify'
import { ChainError } from './errors'
import { sleep } from './rpc'

// Waiting is polling with our own deadline (not ethers' tx.wait), so every wait ends: mined,
// WAIT_TIMEOUT, TX_DROPPED or REORGED, and an outage surfaces as its RPC_* code at once.

export interface WaitContext {
  provider: JsonRpcProvider
  pollMs: number
}

async function receiptOf (ctx: WaitContext, txHash: string): Promise<MinedReceipt | null> {
  let receipt
  try {
    receipt = await ctx.provider.getTransactionReceipt(txHash)
  } catch (err) {
    throw toChainError(err, `to read the receipt of ${txHash}`)
  }
  return receipt === null ? null : toMinedReceipt(receipt, txHash)
}

export async function getReceipt (ctx: WaitContext, txHash: string): Promise<MinedReceipt | null> {
  return await receiptOf(ctx, txHash)
}

async function notMined (ctx: WaitContext, txHash: string, timeoutMs: number): Promise<ChainError> {
  let tx
  try {
    tx = await ctx.provider.getTransaction(txHash)
  } catch (err) {
    return toChainError(err, `to look up the transaction ${txHash}`)
  }
  return tx === null
    ? new ChainError('TX_DROPPED', `The node no longer knows the transaction ${txHash}: it was dropped from the mempool; send the seal again.`)
    : new ChainError('WAIT_TIMEOUT', `The transaction ${txHash} was not mined within ${timeoutMs} ms; it is still pending (replace it with a higher fee at the same nonce).`)
}

/** Resolves with the receipt once the transaction is in a block (status included, not thrown). */
export async function waitMined (ctx: WaitContext, txHash: string, timeoutMs: number): Promise<MinedReceipt> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const receipt = await receiptOf(ctx, txHash)
    if (receipt !== null) return receipt
    if (Date.now() >= deadline) throw await notMined(ctx, txHash, timeoutMs)
    await sleep(ctx.pollMs)
  }
}

/**
 * Resolves once the transaction's block has `confirmations` blocks on top of it, counting its
 * own (1 = mined), or with `finalized` once the chain's `finalized` block has reached it. The
 * receipt is read again each round: if it disappears after being seen, the block was
 * reorganised away (REORGED); if it moves to another block, the count restarts there.
 */
export async function waitForConfirmations (ctx: WaitContext, txHash: string, confirmations: number | 'finalized', timeoutMs: number): Promise<MinedReceipt> {
  const deadline = Date.now() + timeoutMs
  let seen: MinedReceipt | null = null
  for (;;) {
    const receipt = await receiptOf(ctx, txHash)
    if (receipt === null && seen !== null) {
      throw new ChainError('REORGED', `The transaction ${txHash}, mined in block ${seen.blockNumber}, left the chain in a reorganisation; seal the root again.`)
    }
    if (receipt !== null) {
      seen = receipt
      const final = confirmations === 'finalized'
        ? await finalizedBlock(ctx) >= receipt.blockNumber
        : await latestBlock(ctx) - receipt.blockNumber + 1 >= confirmations
      if (final && await stillCanonical(ctx, receipt)) return receipt
    }
    if (Date.now() >= deadline) {
      if (seen === null) throw await notMined(ctx, txHash, timeoutMs)
      const what = confirmations === 'finalized' ? 'the finalized block' : `${confirmations} confirmations`
      throw new ChainError('WAIT_TIMEOUT', `The transaction ${txHash} did not reach ${what} within ${timeoutMs} ms; wait longer.`)
    }
    await sleep(ctx.pollMs)
  }
}

async function latestBlock (ctx: WaitContext): Promise<number> {
  try {
    return checkCount('block number', await ctx.provider.getBlockNumber())
  } catch (err) {
    throw toChainError(err, 'to read the latest block number')
  }
}

/**
 * The chain's `finalized` block number. A node that does not know the tag (no finality gadget,
 * or too old) answers an error or nothing: RPC_ERROR, since waiting on it would never end.
 */
export async function finalizedBlock (ctx: WaitContext): Promise<number> {
  let block
  try {
    block = await ctx.provider.getBlock('finalized')
  } catch (err) {
    const coded = toChainError(err, 'to read the finalized block')
    if (coded.code !== 'RPC_ERROR' && coded.code !== 'RPC_BAD_ANSWER') throw coded
    throw new ChainError('RPC_ERROR', 'The chain does not answer the `finalized` block tag; count confirmations instead (HYPERSEAL_CONFIRMATIONS=<n>).', { cause: err })
  }
  if (block === null) throw new ChainError('RPC_ERROR', 'The chain has no `finalized` block; count confirmations instead (HYPERSEAL_CONFIRMATIONS=<n>).')
  return checkCount('finalized block number', block.number)
}

/** The block at the receipt's height still has the receipt's hash (the node's view is consistent). */
async function stillCanonical (ctx: WaitContext, receipt: MinedReceipt): Promise<boolean> {
  let block
  try {
    block = await ctx.provider.getBlock(receipt.blockNumber)
  } catch (err) {
    throw toChainError(err, `to read block ${receipt.blockNumber}`)
  }
  return block !== null && toChainBlock(block).hash === receipt.blockHash
}
