/**
 * The last step of a batch: once its seal is final, write the batch and one receipt per head
 * to the receipts log, then close the batch in the journal. The log write is idempotent (the
 * same batch again is a no-op), so a crash anywhere here is repaired by running it again.
 */
import type { InflightBatch } from '../ledger'
import { batchFromJson, type Batch, type HeadJson, type IncidentKind, type SealInfo } from '../seal'
import type { SealerDeps } from './deps'

export type Contradictions = Map<string, IncidentKind>

export const contradictionKey = (head: Pick<HeadJson, 'key' | 'length' | 'fork' | 'treeHash'>): string =>
  `${head.key}:${head.length}:${head.fork}:${head.treeHash}`

/**
 * Which heads of a batch were sealed despite a rewind or fork. A pass knows it in memory;
 * after a crash it is found again from the incidents the pass wrote before sealing.
 */
export async function contradictionsOf (deps: SealerDeps, leaves: HeadJson[]): Promise<Contradictions> {
  const found: Contradictions = new Map()
  for (const incident of await deps.log.listIncidents({})) {
    found.set(contradictionKey(incident.observed), incident.kind)
  }
  return new Map(leaves.filter((l) => found.has(contradictionKey(l))).map((l) => [contradictionKey(l), found.get(contradictionKey(l))!]))
}

/**
 * `built` is the batch this pass built for `b` (its signatures already checked); after a
 * restart there is none and the batch is rebuilt, and checked, from the journal's leaves.
 */
export async function finalizeBatch (deps: SealerDeps, b: InflightBatch, seal: SealInfo, contradictions: Contradictions, built?: Batch): Promise<void> {
  // Nothing is acknowledged (receipts written, the pass answered) before the chain state that
  // holds the seal is on disk: a development chain killed now keeps it.
  await deps.persistChain?.()
  const batch = batchFromJson({ v: 1, root: b.root, heads: b.leaves }, built)
  const receipts = b.leaves.map((leaf, i) => {
    const kind = contradictions.get(contradictionKey(leaf))
    const roots = b.roots[i]
    return { receipt: batch.receiptFor(i, seal), ...(kind ? { contradicts: kind } : {}), ...(roots !== null ? { roots } : {}) }
  })
  const { created } = await deps.log.appendBatch({ leaves: b.leaves, seal, receipts, batch, ...(b.resealOf !== undefined ? { resealOf: b.resealOf } : {}) })
  deps.fault?.('after-receipts')
  await deps.journal.markFinal(b.id, { blockNumber: seal.blockNumber, blockHash: seal.blockHash })
  await deps.journal.removeInflight(b.id)
  if (created) {
    deps.metrics?.headsSealed.inc(b.leaves.length)
    deps.metrics?.lastSealTime.set(seal.timestamp)
    const mined = await deps.chain.getTransactionReceipt(seal.txHash).catch(() => null)
    if (mined !== null) deps.metrics?.gasUsed.inc(Number(mined.gasUsed))
  }
  deps.logger.info({ root: seal.root, tx: seal.txHash, block: seal.blockNumber, heads: b.leaves.length }, 'batch sealed and final: receipts written')
}
