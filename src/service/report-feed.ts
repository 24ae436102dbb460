/**
 * The audit report's reads of the receipts log, streamed: the batches of the period without
 * their leaves, their leaves a page at a time, and each batch's receipts read only when the
 * builder is about to re-check them (a window of one seal time: the builder's order). Memory
 * holds the batch summaries, a key set and the seal times of the period by core (8 bytes a
 * seal), never the receipts of a period. Reads only.
 */
import type { ReceiptsLog } from '../ledger'
import type { BatchSummary } from '../ledger'
import type { HeadJson } from '../seal'
import type { ReceiptEntry } from '../report'

const PAGE = 1_000

/** Every batch sealed in [from, to), by time, without leaves. */
export async function periodBatches (log: ReceiptsLog, range: { from: Date, to: Date }): Promise<BatchSummary[]> {
  const out: BatchSummary[] = []
  for (let cursor: string | undefined; ;) {
    const page = await log.pageBatches(range, { limit: PAGE, ...(cursor !== undefined ? { cursor } : {}) })
    out.push(...page.items)
    if (page.next === null) return out
    cursor = page.next
  }
}

/** The leaves of batch `seq`, a page at a time. */
export async function * batchLeaves (log: ReceiptsLog, seq: number): AsyncGenerator<HeadJson[]> {
  for (let cursor: string | undefined; ;) {
    const page = await log.pageBatchLeaves(seq, { limit: PAGE, ...(cursor !== undefined ? { cursor } : {}) })
    yield page.items
    if (page.next === null) return
    cursor = page.next
  }
}

export interface LeafScan {
  /** Every core with a leaf in the period's batches. */
  keys: Set<string>
  /** Seal times (ms) in the period by core, for `wanted` cores, in time order. */
  times: Map<string, number[]>
  /** The first batch of the period holding each core (for its seal before the period). */
  firstSeq: Map<string, number>
  /** The batches with a leaf that `holds` accepts. */
  held: Set<number>
}

/** One pass over the leaves of the period's batches (no receipt read): times of `wanted` cores, batches that `holds` one. */
export async function scanLeaves (log: ReceiptsLog, batches: readonly BatchSummary[], wanted: (key: string) => boolean, holds: (key: string) => boolean): Promise<LeafScan> {
  const scan: LeafScan = { keys: new Set(), times: new Map(), firstSeq: new Map(), held: new Set() }
  for (const b of batches) {
    const at = Date.parse(b.sealedAt)
    for await (const leaves of batchLeaves(log, b.seq)) {
      for (const { key } of leaves) {
        scan.keys.add(key)
        if (holds(key)) scan.held.add(b.seq)
        if (!wanted(key)) continue
        const times = scan.times.get(key)
        if (times === undefined) {
          scan.times.set(key, [at])
          scan.firstSeq.set(key, b.seq)
        } else {
          times.push(at)
        }
      }
    }
  }
  return scan
}

/** Runs of batches sealed at the same time: the builder's chunks (it sorts within one, and a chunk never goes back in time). */
export function bySealTime (batches: readonly BatchSummary[]): BatchSummary[][] {
  const groups: BatchSummary[][] = []
  for (const b of [...batches].sort((x, y) => Date.parse(x.sealedAt) - Date.parse(y.sealedAt) || x.seq - y.seq)) {
    const last = groups.at(-1)
    if (last !== undefined && last[0].sealedAt === b.sealedAt) last.push(b)
    else groups.push([b])
  }
  return groups
}

/** The receipts of the reported cores in a run of batches, as the builder takes them. */
export async function windowReceipts (log: ReceiptsLog, group: readonly BatchSummary[], reported: ReadonlySet<string>): Promise<ReceiptEntry[]> {
  const entries: ReceiptEntry[] = []
  for (const b of group) {
    for await (const leaves of batchLeaves(log, b.seq)) {
      for (const leaf of leaves) {
        if (!reported.has(leaf.key)) continue
        const e = await log.leafReceipt(leaf, b.seq)
        entries.push({ receipt: e.receipt, ...(e.contradicts !== undefined ? { contradicts: e.contradicts } : {}) })
      }
    }
  }
  return entries
}
