/**
 * The receipts log's lists a page at a time (the API's lists), each read bounded by the page
 * size; cursors name the last key read (pages.ts).
 */
import type { HeadJson, Incident } from '../seal'
import { LedgerError } from './errors'
import * as K from './keys'
import type { LedgerBee } from './ledger-bee'
import { incidentOf, receiptOf } from './log-entries'
import { parseBatchSummary, type BatchSummary, type ReceiptEntry } from './log-records'
import { checkPageQuery, decodeIndexCursor, encodeCursor, readPage, type Page, type PageQuery } from './pages'
import { timeBounds, type TimeFilter } from './time-filter'
import { array, asStored, head, uint } from './validate'


/** Batches sealed in [from, to), by block time, without their leaves. */
export async function pageBatches (bee: LedgerBee, filter: TimeFilter, page: PageQuery): Promise<Page<BatchSummary>> {
  const { from, to } = timeBounds(filter)
  const list = { name: 'batches', index: K.prefixRange('batch-t!'), range: K.prefixRange('batch-t!', from, to) }
  const found = await readPage((r) => bee.range(r), list, page, (e) => e)
  const items: BatchSummary[] = []
  for (const entry of found.items) {
    const seq = asStored(entry.key, entry.value, (v) => uint(v, 'seq'))
    const value = await bee.get(K.batchKey(seq))
    const summary = value === undefined ? null : asStored(K.batchKey(seq), value, parseBatchSummary).summary
    if (summary === null || summary.seq !== seq || entry.key !== K.batchTimeKey(summary.sealedAt, seq)) {
      throw new LedgerError('CORRUPT_ENTRY', `The time index ${entry.key} points to a batch that does not exist or was sealed at another time.`)
    }
    items.push(summary)
  }
  return { items, next: found.next }
}

/** The leaves of batch `seq`, in batch order; NOT_FOUND when there is no such batch. */
export async function pageBatchLeaves (bee: LedgerBee, seq: number, page: PageQuery): Promise<Page<HeadJson>> {
  checkPageQuery(page)
  const key = K.batchKey(seq)
  const value = await bee.get(key)
  if (value === undefined) throw new LedgerError('NOT_FOUND', `There is no batch ${seq}.`)
  const { summary, leaves } = asStored(key, value, parseBatchSummary)
  if (summary.seq !== seq) throw new LedgerError('CORRUPT_ENTRY', `The ledger entry ${key} holds batch ${summary.seq}.`)
  const name = `leaves:${seq}`
  const start = page.cursor === undefined ? 0 : decodeIndexCursor(page.cursor, name, leaves.length) + 1
  const end = Math.min(leaves.length, start + page.limit)
  // Only this page's leaves are checked: the cost of a page does not grow with the batch.
  const items = asStored(key, leaves.slice(start, end), (v) => array(v, `leaves from ${start}`, head))
  return { items, next: end < leaves.length ? encodeCursor(name, K.pad(end - 1)) : null }
}

/** Incidents detected in [from, to), oldest first, of one core or of all. */
export async function pageIncidents (bee: LedgerBee, filter: TimeFilter & { key?: string | Buffer }, page: PageQuery): Promise<Page<Incident>> {
  const { from, to } = timeBounds(filter)
  const key = filter.key === undefined ? undefined : K.keyHex(filter.key)
  const [name, prefix] = key === undefined ? ['incidents', 'incident-t!'] : [`incidents:${key}`, K.incidentPrefix(key)]
  return readPage((r) => bee.range(r), { name, index: K.prefixRange(prefix), range: K.prefixRange(prefix, from, to) }, page, (e) => incidentOf(e, key !== undefined))
}

/** The seals of one core, by length then time (as `receipts`). */
export async function pageReceipts (bee: LedgerBee, key: string | Buffer, page: PageQuery): Promise<Page<ReceiptEntry>> {
  const k = K.keyHex(key)
  const index = K.prefixRange(K.receiptPrefix(k))
  return readPage((r) => bee.range(r), { name: `receipts:${k}`, index, range: index }, page, (e) => receiptOf(e))
}
