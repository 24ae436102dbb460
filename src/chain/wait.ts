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
 * own (1 = mined). The receipt is read again each round: if it disappears after being seen, the
 * block was reorganised away (REORGED); if it moves to another block, the count restarts there.
 */
export async function waitForConfirmations (ctx: WaitContext, txHash: string, confirmations: number, timeoutMs: number): Promise<MinedReceipt> {
  const deadline = Date.now() + timeoutMs
  let seen: MinedReceipt | null = null
  for (;;) {
    const receipt = await receiptOf(ctx, txHash)
    if (receipt === null && seen !== null) {
      throw new ChainError('REORGED', `The transaction ${txHash}, mined in block ${seen.blockNumber}, left the chain in a reorganisation; seal the root again.`)
    }
    if (receipt !== null) {
      seen = receipt
      const head = await latestBlock(ctx)
      if (head - receipt.blockNumber + 1 >= confirmations && await stillCanonical(ctx, receipt)) return receipt
    }
    if (Date.now() >= deadline) {
      if (seen === null) throw await notMined(ctx, txHash, timeoutMs)
      throw new ChainError('WAIT_TIMEOUT', `The transaction ${txHash} did not reach ${confirmations} confirmations within ${timeoutMs} ms; wait longer.`)
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
