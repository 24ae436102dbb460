/**
 * Every seal of one core from one range read of the receipts log (`ReceiptsLog.receiptsViews`),
 * parsed only when asked.
 */
import * as K from './keys'
import type { LazyEntry } from './ledger-bee'
import { receiptOf } from './log-entries'
import type { ReceiptEntry } from './log-records'
import { LedgerError } from './errors'
import type { SealSummary } from './seal-summaries'

/** Every seal of one core, read at once; see `ReceiptsLog.receiptsViews`. */
export interface ReceiptsView {
  /** What `receiptsAt(key, length)` gives. */
  at (length: number): ReceiptEntry[]
  /** What `receipts(key)` gives. */
  all (): ReceiptEntry[]
  /**
   * The most recently sealed of `all()` (highest batch seq; the first of them in key order),
   * or null. Chosen by the seq in each key and only that one parsed: a pass asks it of every
   * changed core, whose history may hold thousands of receipts.
   */
  latest (): ReceiptEntry | null
  /** The latest seal's head and the greatest sealed length (the log that writes them keeps it in memory: seal-summaries.ts). */
  summary (): SealSummary
}

/** The batch seq a receipt key names (`receipt!<key>!<length>!<seq>!<fork>`); null when the key is not one. */
function seqOfReceiptKey (key: string): number | null {
  const parts = key.split(K.SEP)
  const seq = Number(parts[3])
  return parts.length === 5 && /^\d{16}$/.test(parts[3]) && Number.isSafeInteger(seq) ? seq : null
}

/** `ReceiptsView.latest` over a core's entries: a key that names no seq is parsed, and fails as a corrupt entry. */
export function latestOf (entries: LazyEntry[]): ReceiptEntry | null {
  let best: LazyEntry | null = null
  let bestSeq = -1
  for (const e of entries) {
    const seq = seqOfReceiptKey(e.key)
    if (seq === null) return receiptOf({ key: e.key, value: e.value() })
    if (seq > bestSeq) {
      best = e
      bestSeq = seq
    }
  }
  return best === null ? null : receiptOf({ key: best.key, value: best.value() })
}

/** A core's seal summary (seal-summaries.ts) from its entries: the lengths from the keys, the latest parsed. */
export function summaryOf (entries: LazyEntry[]): SealSummary {
  const latest = latestOf(entries)
  let maxLength = 0
  let ofLatestBatch = 0
  for (const e of entries) {
    const length = Number(e.key.split(K.SEP)[2])
    if (!Number.isSafeInteger(length)) throw new LedgerError('CORRUPT_ENTRY', `The receipt key ${e.key.slice(0, 120)} names no length; the data directory was damaged or tampered with.`)
    maxLength = Math.max(maxLength, length)
    if (latest !== null && seqOfReceiptKey(e.key) === latest.batch) ofLatestBatch++
  }
  if (latest === null) return { latest: null, maxLength: 0 }
  const { head, seal } = latest.receipt
  return {
    latest: { length: head.length, fork: head.fork, treeHash: head.treeHash, batch: latest.batch, root: seal.root, sealedAt: seal.timestamp, several: ofLatestBatch > 1 },
    maxLength: Math.max(maxLength, head.length)
  }
}
