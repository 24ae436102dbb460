/**
 * A sealed batch into the receipts log (`ReceiptsLog.appendBatch`): its record, its root and time
 * indexes, its receipts and their seal index entries, in one locked append.
 */
import type { PreparedBatch } from './batch-input'
import * as K from './keys'
import type { LedgerBee, PutResult } from './ledger-bee'
import { batchOf } from './log-entries'
import type { ReceiptEntry } from './log-records'
import { INDEX_MARKER, planSealIndex, SPARSE_INDEX_MARKER, type IndexLayout } from './seal-index'
import type { SealSummaries } from './seal-summaries'
import { asStored, uint } from './validate'

export async function writeBatch (bee: LedgerBee, batch: PreparedBatch, layout: IndexLayout, summaries: SealSummaries | null): Promise<{ seq: number, created: boolean, receipts: ReceiptEntry[] }> {
  return await bee.write(async (tx) => {
    const known = await tx.get(K.rootKey(batch.root))
    let seq: number
    if (known !== undefined) {
      seq = asStored(K.rootKey(batch.root), known, (v) => uint(v, 'seq'))
    } else {
      const [last] = await tx.range({ ...K.prefixRange('batch!'), reverse: true, limit: 1 })
      seq = last === undefined ? 0 : batchOf(last).seq + 1
    }
    const receipts = batch.receipts(seq)
    // A new batch's record highs are judged against every seal before it: what the summaries say, when they know the core.
    const tops = known === undefined && summaries !== null ? summaries : null
    const index = await planSealIndex(tx, seq, receipts.map(({ receipt: { head } }) => ({ key: head.key, length: head.length, fork: head.fork, receiptKey: K.receiptKey(head.key, head.length, seq, head.fork) })), layout, (key) => tops?.get(key)?.maxLength)
    // A batch not written before has a new seq, and every key below but the reseal ones names
    // its seq: none can exist yet, so they are written without reading first. The same batch
    // again (after a crash) checks every key against what is stored.
    const entries: Array<readonly [string, unknown]> = [
      [K.batchKey(seq), batch.record(seq, index.length)],
      [K.batchTimeKey(batch.sealedAt, seq), seq],
      [K.rootKey(batch.root), seq]
    ]
    for (const entry of receipts) {
      const { key, length, fork } = entry.receipt.head
      entries.push([K.receiptKey(key, length, seq, fork), entry])
    }
    entries.push(...index)
    const writes: PutResult[] = []
    if (known === undefined) {
      await tx.putManyNew(entries)
      writes.push('written')
    } else {
      for (const [k, v] of entries) writes.push(await tx.putOnce(k, v))
    }
    // Batch 0 of a new log says the log is indexed (a log that had receipts got it at open).
    if (seq === 0) writes.push(await (layout === 'v1' ? tx.putOnce(INDEX_MARKER, 'v1') : tx.putOnce(SPARSE_INDEX_MARKER, 'v2')))
    for (const root of batch.resealOf) writes.push(await tx.putOnce(K.resealKey(root), seq))
    return { seq, created: writes.includes('written'), receipts }
  })
}
