/** The service's reads of its ledger for the API: keys parsed, a never-watched core named as such. */
import { HeadsError, keyHex, parseKey } from '../heads'
import type { BatchRecord, BatchSummary, Journal, Page, PageQuery, ReceiptEntry, ReceiptsLog } from '../ledger'
import type { HeadJson, Incident } from '../seal'
import type { TimeRange } from '../api'

export class LedgerReads {
  constructor (private readonly log: ReceiptsLog, private readonly journal: Journal) {}

  async listBatches (range: TimeRange): Promise<BatchRecord[]> {
    return await this.log.listBatches(range)
  }

  async listIncidents (range: TimeRange & { key?: string }): Promise<Incident[]> {
    const key = range.key === undefined ? undefined : keyHex(parseKey(range.key))
    return await this.log.listIncidents({ ...range, ...(key ? { key } : {}) })
  }

  async coreReceipts (key: string): Promise<ReceiptEntry[]> {
    const hex = keyHex(parseKey(key))
    const receipts = await this.log.receipts(hex)
    if (receipts.length === 0 && await this.journal.getWatch(hex) === null) {
      throw new HeadsError('NOT_WATCHED', `Core ${hex} was never watched by this service.`)
    }
    return await this.upgrade(receipts)
  }

  async pageBatches (range: TimeRange, page: PageQuery): Promise<Page<BatchSummary>> {
    return await this.log.pageBatches(range, page)
  }

  async pageBatchLeaves (seq: number, page: PageQuery): Promise<Page<HeadJson>> {
    return await this.log.pageBatchLeaves(seq, page)
  }

  async pageIncidents (range: TimeRange & { key?: string }, page: PageQuery): Promise<Page<Incident>> {
    const key = range.key === undefined ? undefined : keyHex(parseKey(range.key))
    return await this.log.pageIncidents({ ...range, ...(key ? { key } : {}) }, page)
  }

  async pageReceipts (key: string, page: PageQuery): Promise<Page<ReceiptEntry>> {
    const hex = keyHex(parseKey(key))
    const found = await this.log.pageReceipts(hex, page)
    if (page.cursor === undefined && found.items.length === 0 && await this.journal.getWatch(hex) === null) {
      throw new HeadsError('NOT_WATCHED', `Core ${hex} was never watched by this service.`)
    }
    return { ...found, items: await this.upgrade(found.items) }
  }

  async receiptAt (key: string, length: number): Promise<ReceiptEntry | null> {
    const entries = await this.log.receiptsAt(keyHex(parseKey(key)), length)
    const newest = entries.reduce<ReceiptEntry | null>((newest, e) => (newest === null || e.batch > newest.batch ? e : newest), null)
    return newest === null ? null : (await this.upgrade([newest]))[0]
  }

  /** Receipts as served: each with the later anchors of its batch root (the log keeps them as acknowledged). */
  private async upgrade (entries: ReceiptEntry[]): Promise<ReceiptEntry[]> {
    return await this.log.entriesWithAnchors(entries)
  }
}
