/**
 * The start-up check of recent final seals. A seal whose receipts are written can still be
 * lost: a development chain restored from an older state, or a real chain reorganised deeper
 * than the configured confirmations. The latest batches of the receipts log are looked up on
 * chain (`sealedAt(root)` and the canonical block hash); every batch whose root the chain no
 * longer holds where its receipts say is sealed again: its heads, plus the receipts log's head,
 * in one new batch recorded with `resealOf` (the old roots). Its receipts are new; the old ones
 * stay in the append-only log, superseded (the service's verify skips a resealed root's receipts).
 */
import type { BatchRecord } from '../ledger'
import { readHeadAndRoots } from '../heads'
import { buildBatch, headFromJson, headToJson, treeNodeToJson, type Head, type TreeNodeJson } from '../seal'
import type { SealerDeps } from './deps'
import { contradictionKey, contradictionsOf, finalizeBatch } from './finalize'
import { driveToFinal } from './submit'

/** How many of the latest batches are looked up at start. */
export const RECENT_BATCHES = 64

export interface Resealed {
  /** Roots the chain no longer holds as recorded. */
  roots: string[]
  /** The root of the batch that sealed their heads again. */
  by: string
}

/** True when the chain holds `b`'s root in the block (number, hash, time) its receipts name. */
async function stillSealed (deps: SealerDeps, b: BatchRecord): Promise<boolean> {
  const at = await deps.chain.sealedAt(b.root)
  if (at === null || at.blockNumber !== b.seal.blockNumber || at.timestamp !== b.seal.timestamp) return false
  return (await deps.chain.getBlock(b.seal.blockNumber))?.hash === b.seal.blockHash
}

/** The recent batches of this chain and contract that the chain forgot, oldest first. */
export async function forgottenBatches (deps: SealerDeps, limit = RECENT_BATCHES): Promise<BatchRecord[]> {
  const resealed = await deps.log.resealedRoots()
  const out: BatchRecord[] = []
  for (const b of await deps.log.recentBatches(limit)) {
    // Seals on another chain or contract are not this client's to check (a moved deployment).
    if (resealed.has(b.root) || b.seal.chainId !== deps.chainId || b.seal.contract.toLowerCase() !== deps.contract.toLowerCase()) continue
    if (!await stillSealed(deps, b)) out.push(b)
  }
  return out.reverse()
}

/** The roots each leaf of `b` was stored with (null for receipts written before roots were kept). */
async function rootsOfLeaves (deps: SealerDeps, b: BatchRecord): Promise<Array<TreeNodeJson[] | null>> {
  return await Promise.all(b.leaves.map(async (leaf) => {
    const entry = (await deps.log.receiptsAt(leaf.key, leaf.length)).find((e) => e.batch === b.seq && e.receipt.head.fork === leaf.fork)
    return entry?.roots ?? null
  }))
}

/**
 * Checks the recent seals and seals again what the chain forgot. Returns what was resealed
 * (empty when nothing was lost); throws like a pass when the chain fails (nothing is lost: the
 * reseal batch is journaled first, and the next check skips roots already resealed).
 */
export async function checkRecentSeals (deps: SealerDeps, limit = RECENT_BATCHES): Promise<Resealed[]> {
  const forgotten = await forgottenBatches(deps, limit)
  if (forgotten.length === 0) return []
  const heads: Head[] = []
  const roots: Array<TreeNodeJson[] | null> = []
  const seen = new Set<string>()
  for (const b of forgotten) {
    const leafRoots = await rootsOfLeaves(deps, b)
    b.leaves.forEach((leaf, i) => {
      const id = contradictionKey(leaf)
      if (seen.has(id)) return
      seen.add(id)
      heads.push(headFromJson(leaf))
      roots.push(leafRoots[i])
    })
  }
  // The log's own head: it changed since those batches (their receipts), and it makes the new
  // root differ from every old one.
  const own = readHeadAndRoots(deps.log.core)
  if (own !== null && !seen.has(contradictionKey(headToJson(own.head)))) {
    heads.push(own.head)
    roots.push(own.roots.map(treeNodeToJson))
  }
  const old = forgotten.map((b) => b.root)
  deps.logger.warn({ roots: old }, 'the chain no longer holds these acknowledged seals: sealing their heads again')
  const batch = buildBatch(heads)
  const inflight = await deps.journal.prepareBatch({ root: batch.root, leaves: [...batch.headsJson], roots, resealOf: old })
  const seal = await driveToFinal(deps, inflight)
  // Marked as a crash recovery would find them again: from the incidents the heads contradict.
  await finalizeBatch(deps, inflight, seal, await contradictionsOf(deps, inflight.leaves), batch)
  deps.logger.warn({ resealed: old, by: batch.root, tx: seal.txHash }, 'resealed: the forgotten batches have new receipts')
  return [{ roots: old, by: batch.root }]
}
