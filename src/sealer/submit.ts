/**
 * Drives one journaled batch to a final seal. Every step is recorded in the journal right after
 * it happens, and every state can be resumed by a new process (recovery runs this same code):
 *
 *   prepared: already on chain? record it as mined. Else send seal(root) and record `sent`.
 *   sent:     wait for the transaction; not mined in time → replace it at the same nonce with
 *             fees raised ≥ 10%; dropped or reverted → look the root up on chain again.
 *   mined:    wait for the confirmations; a reorg that drops the block → back to prepared.
 *
 * A resend of a root that a lost transaction sealed meanwhile reverts with
 * HyperSealAlreadySealed, which only sends us back to the lookup: a root is sealed once.
 */
import { ChainError, replacementFees, type SealLocation, type TxFees } from '../chain'
import type { InflightBatch, SentTx } from '../ledger'
import type { SealInfo } from '../seal'
import { timingOf, type SealerDeps } from './deps'

const MAX_STEPS = 50

function isCode (err: unknown, ...codes: string[]): boolean {
  return err instanceof ChainError && codes.includes(err.code)
}

function feesOf (tx: SentTx): TxFees {
  if (tx.maxFeePerGas !== undefined && tx.maxPriorityFeePerGas !== undefined) {
    return { maxFeePerGas: BigInt(tx.maxFeePerGas), maxPriorityFeePerGas: BigInt(tx.maxPriorityFeePerGas) }
  }
  return { gasPrice: BigInt(tx.gasPrice ?? '0') }
}

function feeFields (fees: TxFees): Record<string, string> {
  return Object.fromEntries(Object.entries(fees).map(([k, v]) => [k, String(v)]))
}

async function markFound (deps: SealerDeps, b: InflightBatch, found: SealLocation): Promise<InflightBatch> {
  deps.fault?.('after-mined')
  return await deps.journal.markMined(b.id, { blockNumber: found.blockNumber, blockHash: found.blockHash, timestamp: found.timestamp, txHash: found.txHash })
}

async function fromPrepared (deps: SealerDeps, b: InflightBatch): Promise<InflightBatch> {
  const found = await deps.chain.findSeal(b.root)
  if (found !== null) return await markFound(deps, b, found)
  let sent
  try {
    sent = await deps.chain.seal(b.root, b.leaves.length)
  } catch (err) {
    if (isCode(err, 'REVERTED_ALREADY_SEALED')) return b // mined meanwhile: the next step finds it
    throw err
  }
  deps.fault?.('after-send')
  deps.logger.info({ root: b.root, tx: sent.txHash, nonce: sent.nonce, leaves: b.leaves.length }, 'seal transaction sent')
  return await deps.journal.markSent(b.id, { hash: sent.txHash, nonce: sent.nonce, ...feeFields(sent.fees) })
}

async function replace (deps: SealerDeps, b: InflightBatch, tx: SentTx): Promise<InflightBatch> {
  const { maxReplacements } = timingOf(deps)
  if (tx.replaced.length >= maxReplacements) {
    throw new ChainError('WAIT_TIMEOUT', `The seal of ${b.root} is still pending after ${maxReplacements} fee raises; it stays journaled and the next pass waits for it again.`)
  }
  const fees = replacementFees(feesOf(tx), await deps.chain.feeData())
  try {
    const sent = await deps.chain.seal(b.root, b.leaves.length, { nonce: tx.nonce, fees })
    deps.logger.warn({ root: b.root, old: tx.hash, tx: sent.txHash, nonce: tx.nonce }, 'seal transaction not mined in time: replaced with higher fees')
    return await deps.journal.markSent(b.id, { hash: sent.txHash, nonce: tx.nonce, ...feeFields(sent.fees) })
  } catch (err) {
    // The nonce was used meanwhile (our transaction, or another process with the same key).
    if (!isCode(err, 'NONCE_EXPIRED', 'REVERTED_ALREADY_SEALED')) throw err
    const found = await deps.chain.findSeal(b.root)
    return found !== null ? await markFound(deps, b, found) : await deps.journal.markDropped(b.id)
  }
}

async function fromSent (deps: SealerDeps, b: InflightBatch): Promise<InflightBatch> {
  const tx = b.tx as SentTx
  let mined
  try {
    mined = await deps.chain.waitMined(tx.hash, timingOf(deps).minedTimeoutMs)
  } catch (err) {
    if (!isCode(err, 'WAIT_TIMEOUT', 'TX_DROPPED')) throw err
    const found = await deps.chain.findSeal(b.root) // an earlier, replaced transaction may have won
    if (found !== null) return await markFound(deps, b, found)
    if (isCode(err, 'TX_DROPPED')) return await deps.journal.markDropped(b.id)
    return await replace(deps, b, tx)
  }
  const found = await deps.chain.findSeal(b.root)
  if (found !== null) return await markFound(deps, b, found)
  if (mined.status === 'reverted') return await deps.journal.markDropped(b.id)
  throw new ChainError('RPC_BAD_ANSWER', `The transaction ${tx.hash} succeeded but the contract does not report ${b.root} sealed; check the RPC endpoint.`)
}

/** Waits for the confirmations; returns the seal once final, or the batch sent back to prepared. */
async function fromMined (deps: SealerDeps, b: InflightBatch): Promise<InflightBatch | SealLocation> {
  const mined = b.mined!
  try {
    await deps.chain.waitForConfirmations(mined.txHash!, deps.confirmations === 'finalized' ? 'finalized' : Math.max(1, deps.confirmations), timingOf(deps).confirmTimeoutMs)
  } catch (err) {
    if (!isCode(err, 'REORGED', 'TX_DROPPED')) throw err
  }
  const found = await deps.chain.findSeal(b.root)
  if (found !== null && found.blockHash === mined.blockHash && found.txHash === mined.txHash) return found
  deps.logger.warn({ root: b.root, block: mined.blockNumber }, 'the sealing block left the chain (reorg): sealing the root again')
  return await deps.journal.markReorged(b.id)
}

export async function driveToFinal (deps: SealerDeps, inflight: InflightBatch): Promise<SealInfo> {
  let b = inflight
  for (let step = 0; step < MAX_STEPS; step++) {
    if (b.state === 'prepared') b = await fromPrepared(deps, b)
    else if (b.state === 'sent') b = await fromSent(deps, b)
    else if (b.state === 'mined') {
      const next = await fromMined(deps, b)
      if (!('state' in next)) {
        return {
          chainId: deps.chainId,
          contract: deps.contract,
          root: b.root,
          leafCount: b.leaves.length,
          txHash: next.txHash,
          blockNumber: next.blockNumber,
          blockHash: next.blockHash,
          timestamp: next.timestamp
        }
      }
      b = next
    } else {
      throw new ChainError('RPC_BAD_ANSWER', `batch ${b.id} is ${b.state}; only unfinished batches are driven`)
    }
  }
  throw new ChainError('WAIT_TIMEOUT', `The seal of ${b.root} did not settle after ${MAX_STEPS} steps; it stays journaled for the next pass.`)
}
