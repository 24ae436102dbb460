/**
 * Reads of the receipts log for an audit report (src/service/report-audit.ts), each bounded
 * whatever the length of the period or of a core's history: a batch's receipts one by one from
 * its leaves, and a core's latest seal (before a batch, or of all time) from the seal indexes
 * (seal-index.ts) instead of every receipt of the core.
 */
import type { HeadJson } from '../seal'
import { LedgerError } from './errors'
import * as K from './keys'
import type { LedgerBee } from './ledger-bee'
import { receiptOf } from './log-entries'
import type { ReceiptEntry } from './log-records'
import { highPrefix, indexLayout, seqOfHighKey, seqOfSealKey } from './seal-index'

/** Index entries read at a time when walking back. */
const PAGE = 256

/** The receipt of one leaf of batch `seq`; CORRUPT_ENTRY when the log lacks it (every leaf has one). */
export async function leafReceipt (bee: LedgerBee, leaf: Pick<HeadJson, 'key' | 'length' | 'fork'>, seq: number): Promise<ReceiptEntry> {
  const key = K.receiptKey(K.keyHex(leaf.key), leaf.length, seq, leaf.fork)
  const value = await bee.get(key)
  if (value === undefined) throw new LedgerError('CORRUPT_ENTRY', `Batch ${seq} has a leaf of ${leaf.key} at length ${leaf.length} but the log holds no receipt ${key}.`)
  return receiptOf({ key, value })
}

/**
 * The core's seal of the latest batch before `beforeSeq` (of all time when absent), null when
 * none: the greatest seq, then the greatest length and fork. Batches are written in time
 * order, so this is the core's newest receipt before that batch.
 */
export async function latestSealBefore (bee: LedgerBee, key: string | Buffer, beforeSeq = Number.MAX_SAFE_INTEGER): Promise<ReceiptEntry | null> {
  const k = K.keyHex(key)
  let best: { seq: number, receiptKey: string } | null = null
  const consider = (seq: number, receiptKey: string): void => {
    if (seq < beforeSeq && (best === null || seq > best.seq || (seq === best.seq && receiptKey > best.receiptKey))) best = { seq, receiptKey }
  }
  const layout = await indexLayout(bee)
  if (layout !== null) {
    // seal!<key>!<seq>!…, by seq (v1: every seal; v2: those that are not record highs): one reverse read.
    const sealPrefix = `seal!${k}!`
    const [other] = await bee.range({ gte: sealPrefix, lt: sealPrefix + K.pad(beforeSeq), reverse: true, limit: 1 })
    if (other !== undefined) consider(seqOfSealKey(other.key), String(other.value))
    // Record highs grow in seq as in length: walking back from the longest, the first before `beforeSeq` is the latest.
    let lt = highPrefix(k) + K.END
    for (let found = false; !found;) {
      const page = await bee.range({ gte: highPrefix(k), lt, reverse: true, limit: PAGE })
      const high = page.find((e) => seqOfHighKey(e.key) < beforeSeq)
      if (high !== undefined) consider(seqOfHighKey(high.key), String(high.value))
      found = high !== undefined || page.length < PAGE
      if (!found) lt = page[page.length - 1].key
    }
  } else {
    // A log without the indexes (an older service's): every receipt key of the core, a page at a time, values unread.
    const prefix = K.receiptPrefix(k)
    for (let gte = prefix; ;) {
      const page = await bee.rangeLazy({ gte, lt: prefix + K.END, limit: PAGE })
      for (const e of page) consider(Number(e.key.split(K.SEP)[3]), e.key)
      if (page.length < PAGE) break
      gte = page[page.length - 1].key + '\u0000'
    }
  }
  if (best === null) return null
  const { receiptKey } = best
  const value = await bee.get(receiptKey)
  if (value === undefined) throw new LedgerError('CORRUPT_ENTRY', `The seal index points to ${receiptKey}, which holds no receipt.`)
  return receiptOf({ key: receiptKey, value })
}
