/**
 * The receipts log: a public, append-only Hyperbee of batches, receipts and incidents (key
 * layout in keys.ts). Anyone can replicate it by `key` and check it without our API; its own
 * head (`core`) is a leaf of every batch, so its history is sealed like any other core.
 */
import type Corestore from 'corestore'
import type Hypercore from 'hypercore'
import type { Anchor, HeadJson, Incident, Migration } from '../seal'
import { appendAnchor, latestMark, upgradeEntries, type AnchorMark } from './anchor-records'
import { prepareBatch, type BatchInput } from './batch-input'
import { LedgerError } from './errors'
import * as K from './keys'
import { writeBatch } from './batch-write'
import { LedgerBee, type LazyEntry, type Range } from './ledger-bee'
import { slice } from './log-ranges'
import { latestOf, summaryOf, type ReceiptsView } from './log-views'
import { SealSummaries, type LastSeal, type SealSummary } from './seal-summaries'
import { LogMemory, readResealedRoots } from './log-memory'
import { ensureSealIndex, indexLayout, type IndexLayout } from './seal-index'
import { lastSealOf, verifyEntries } from './verify-reads'
import { batchOf, receiptOf } from './log-entries'
import { appendMigration, listMigrations } from './migrations'
import { pageBatchLeaves, pageBatches, pageIncidents, pageReceipts } from './log-pages'
import { latestSealBefore, leafReceipt } from './report-reads'
import type { BatchRecord, BatchSummary, ReceiptEntry } from './log-records'
import type { Page, PageQuery } from './pages'
import { timeBounds, type TimeFilter } from './time-filter'
import { asStored, uint } from './validate'
import { appendIncident, listIncidents } from './incident-records'

export const RECEIPTS_CORE = 'hyperseal/receipts'
export type { TimeFilter } from './time-filter'
export type { ReceiptsView } from './log-views'

export class ReceiptsLog {
  /** The seal index layout new batches write (seal-index.ts): v2 for a new log, an older log's own. */
  /** Each core's latest seal and greatest sealed length, for the log this process writes (null: read-only). */
  private readonly summaries: SealSummaries | null
  /** Reseals, cores with incidents and the anchors' reach, for the log this process writes (null: read-only). */
  private readonly memory: LogMemory | null

  private constructor (private readonly bee: LedgerBee, private readonly layout: IndexLayout = 'v2', own = false) {
    this.summaries = own ? new SealSummaries() : null
    this.memory = own ? new LogMemory(bee) : null
  }

  static async open (store: Corestore, coreName = RECEIPTS_CORE): Promise<ReceiptsLog> {
    const bee = await LedgerBee.open(store, coreName, { appendOnly: true, what: 'receipts log' })
    try {
      await ensureSealIndex(bee)
      return new ReceiptsLog(bee, await indexLayout(bee) ?? 'v2', true)
    } catch (err) {
      await bee.close()
      throw err
    }
  }

  /** Another service's receipts log, read-only (e.g. a sparse replica from its peers): every record is parsed and checked as on our own. */
  static async openReadOnly (core: Hypercore): Promise<ReceiptsLog> {
    return new ReceiptsLog(await LedgerBee.openReadOnly(core, 'replicated receipts log'))
  }

  /** The log's core: its key to replicate it, and its head for the sealer to capture. */
  get core (): Hypercore { return this.bee.bee.core }
  get key (): Buffer { return this.bee.bee.core.key }
  get discoveryKey (): Buffer { return this.bee.bee.core.discoveryKey }

  /**
   * Writes a sealed batch, its root and time indexes and its receipts in one append. Writing
   * the same batch again (after a crash) is a no-op that returns the same seq; a different
   * batch for a root already recorded is refused with APPEND_ONLY.
   */
  async appendBatch (input: BatchInput): Promise<{ seq: number, created: boolean }> {
    const batch = prepareBatch(input)
    let written: { seq: number, created: boolean, receipts: ReceiptEntry[] }
    try {
      written = await writeBatch(this.bee, batch, this.layout, this.summaries)
    } catch (err) {
      this.summaries?.forget()
      throw err
    } finally {
      this.memory?.wroteBatch()
    }
    const { seq, created, receipts } = written
    if (created) this.summaries?.wrote(seq, receipts.map(({ receipt: { head } }) => head), receipts[0]?.receipt.seal)
    return { seq, created }
  }

  async getBatch (seq: number): Promise<BatchRecord | null> {
    const key = K.batchKey(seq)
    const value = await this.bee.get(key)
    return value === undefined ? null : batchOf({ key, value })
  }

  async batchByRoot (root: string): Promise<BatchRecord | null> {
    const key = K.rootKey(root)
    const seq = await this.bee.get(key)
    if (seq === undefined) return null
    const batch = await this.getBatch(asStored(key, seq, (v) => uint(v, 'seq')))
    if (batch?.root !== K.rootHex(root)) throw new LedgerError('CORRUPT_ENTRY', `The root index ${key} points to batch ${String(seq)}, which is not that root's batch.`)
    return batch
  }

  async latestBatch (): Promise<BatchRecord | null> {
    const [last] = await this.bee.range({ ...K.prefixRange('batch!'), reverse: true, limit: 1 })
    return last === undefined ? null : batchOf(last)
  }

  /** The latest `limit` batches, newest first. */
  async recentBatches (limit: number): Promise<BatchRecord[]> {
    return (await this.bee.range({ ...K.prefixRange('batch!'), reverse: true, limit })).map((e) => batchOf(e))
  }

  /** Roots whose batch the chain forgot and a later batch sealed again (`BatchRecord.resealOf`). */
  async resealedRoots (): Promise<ReadonlySet<string>> {
    return await (this.memory?.resealedRoots() ?? readResealedRoots(this.bee))
  }

  /**
   * Whether the log holds writes that its latest sealed head does not cover, other than the
   * receipts of the batch that sealed that head (written right after it, always: sealing them
   * too would take one more batch, forever). An incident recorded since counts.
   *
   * Hyperbee stores one block per entry put, after its header block, and `appendBatch` puts a
   * batch's entries in one append: its record, its time and root indexes, one receipt per leaf
   * and one reseal index per resealed root. So the log is unchanged exactly when it ends where
   * that append ended.
   */
  async unsealedChanges (): Promise<boolean> {
    const length = this.core.length
    if (length <= 1) return false
    const own = await this.latestReceipt(this.key)
    // Never sealed: the first batch, built while the log was still empty, is the one to discount.
    const base = own === null ? 1 : own.receipt.head.length
    const batch = await this.getBatch(own === null ? 0 : own.batch)
    if (batch === null) return length > base
    const marker = batch.seq === 0 && batch.indexEntries !== undefined ? 1 : 0
    return length > base + 3 + batch.leafCount + (batch.resealOf?.length ?? 0) + (batch.indexEntries ?? 0) + marker
  }

  /** Batches sealed in [from, to), by block time. */
  async listBatches (filter: TimeFilter = {}): Promise<BatchRecord[]> {
    const { from, to } = timeBounds(filter)
    const index = await this.bee.range(K.prefixRange('batch-t!', from, to))
    const out: BatchRecord[] = []
    for (const entry of index) {
      const batch = await this.getBatch(asStored(entry.key, entry.value, (v) => uint(v, 'seq')))
      if (batch === null || entry.key !== K.batchTimeKey(batch.sealedAt, batch.seq)) {
        throw new LedgerError('CORRUPT_ENTRY', `The time index ${entry.key} points to a batch that does not exist or was sealed at another time.`)
      }
      out.push(batch)
    }
    return out
  }

  /** The seal with the smallest length ≥ `minLength` (the oldest one at that length). */
  async earliestReceipt (key: string | Buffer, minLength: number): Promise<ReceiptEntry | null> {
    const k = K.keyHex(key)
    return this.first({ gte: K.receiptLengthPrefix(k, minLength), lt: K.receiptPrefix(k) + K.END, limit: 1 })
  }

  /** The seal with the greatest length (the newest one at that length). */
  async latestReceipt (key: string | Buffer): Promise<ReceiptEntry | null> {
    return this.first({ ...K.prefixRange(K.receiptPrefix(K.keyHex(key))), reverse: true, limit: 1 })
  }

  /** Every seal at exactly `length`, oldest first (more than one only across forks or re-seals). */
  async receiptsAt (key: string | Buffer, length: number): Promise<ReceiptEntry[]> {
    return this.receiptList(K.prefixRange(K.receiptLengthPrefix(K.keyHex(key), length) + K.SEP))
  }

  /**
   * What a verify of `version` needs of a core's seals: the earliest seal covering it and the
   * latest one within `replicaLength`, read by index (verify-reads.ts); null when they cannot be
   * read that way (then read every receipt).
   */
  async verifyReceipts (key: string | Buffer, version: number, replicaLength?: number): Promise<ReceiptEntry[] | null> {
    return await verifyEntries(this.bee, K.keyHex(key), version, replicaLength, this.summaries === null ? null : { summaries: this.summaries, layout: this.layout }, async () => await this.resealedRoots())
  }

  /**
   * The receipts a verify of `version` stands on, as served (with their later anchors): by index,
   * or every receipt of the core when the log cannot answer that way, less those of roots the
   * chain forgot and a later batch sealed again (superseded, not tampering: sealer/reseal.ts).
   */
  async standingReceipts (key: string | Buffer, version: number, replicaLength?: number): Promise<ReceiptEntry[]> {
    const indexed = await this.verifyReceipts(key, version, replicaLength)
    if (indexed !== null) return await this.entriesWithAnchors(indexed)
    const resealed = await this.resealedRoots()
    return await this.entriesWithAnchors((await this.receipts(key)).filter((e) => !resealed.has(e.receipt.seal.root)))
  }

  /** Every seal of the core, by length then time. */
  async receipts (key: string | Buffer): Promise<ReceiptEntry[]> {
    return this.receiptList(K.prefixRange(K.receiptPrefix(K.keyHex(key))))
  }

  /**
   * Every seal of each core, from a single read of the log, parsed only when asked:
   * `at(length)` and `all()` give what `receiptsAt` and `receipts` would (a corrupt entry fails
   * them the same way). One range from the lowest to the highest key is read, so a caller with
   * many cores, sorted, reads the log once instead of twice per core; seals of other cores in
   * that range are skipped undecoded. Views come back in the order of `keys`.
   */
  async receiptsViews (keys: ReadonlyArray<string | Buffer>): Promise<ReceiptsView[]> {
    const hex = keys.map((key) => K.keyHex(key))
    if (hex.length === 0) return []
    const sorted = [...hex].sort()
    const generation = this.summaries?.generation ?? 0
    const entries = await this.bee.rangeLazy({ gte: K.receiptPrefix(sorted[0]), lt: K.receiptPrefix(sorted[sorted.length - 1]) + K.END })
    return hex.map((k) => {
      const mine = slice(entries, K.prefixRange(K.receiptPrefix(k)))
      return {
        at: (length) => this.parseAll(slice(mine, K.prefixRange(K.receiptLengthPrefix(k, length) + K.SEP))),
        all: () => this.parseAll(mine),
        latest: () => latestOf(mine),
        summary: () => {
          const summary = summaryOf(mine)
          this.summaries?.learn(k, summary, generation)
          return summary
        }
      }
    })
  }

  /** The core's most recent seal as a list of cores shows it (verify-reads.ts). */
  async lastSeal (key: string | Buffer): Promise<LastSeal | null> { return await lastSealOf(this.bee, K.keyHex(key), this.summaries) }

  /** The core's latest seal and greatest sealed length from memory, when this log knows them (seal-summaries.ts); read-only logs never do. */
  sealSummary (key: string): SealSummary | undefined {
    return this.summaries?.get(key)
  }

  /**
   * Records an incident once per identity: its kind and its pair of heads (length, fork, tree
   * hash; a fork's pair in either order), whenever and by whichever detector it was seen. The
   * same incident again is a no-op that returns the one stored (`created` false).
   */
  async appendIncident (input: Incident): Promise<{ id: string, created: boolean, incident: Incident }> {
    let result: { id: string, created: boolean, incident: Incident }
    try {
      result = await appendIncident(this.bee, input)
    } catch (err) {
      this.memory?.wroteIncident()
      throw err
    }
    if (result.created) this.memory?.wroteIncident()
    return result
  }

  /** Incidents detected in [from, to), oldest first, of one core or of all. */
  async listIncidents (filter: TimeFilter & { key?: string | Buffer } = {}): Promise<Incident[]> {
    if (filter.key !== undefined && this.memory !== null && !await this.memory.hasIncidents(K.keyHex(filter.key))) {
      timeBounds(filter) // a bad filter is still refused
      return []
    }
    return await listIncidents(this.bee, filter)
  }

  /** An Autobase's migration (migrations.ts), recorded once per pair of system keys. */
  async appendMigration (input: Migration): Promise<{ created: boolean, migration: Migration }> { return await appendMigration(this.bee, input) }
  async listMigrations (key: string): Promise<Migration[]> { return await listMigrations(this.bee, key) }
  /** Records a later anchor (anchor-records.ts): one entry per batch root it covers, and its mark. */
  async appendAnchor (mark: AnchorMark, anchors: ReadonlyArray<{ batchRoot: string, anchor: Anchor }>): Promise<void> {
    try {
      await appendAnchor(this.bee, mark, anchors)
    } finally {
      this.memory?.wroteAnchor()
    }
  }
  /** Which batches anchor `name` covered last; null before its first seal. */
  async anchorMark (name: string): Promise<AnchorMark | null> { return await latestMark(this.bee, name) }
  /**
   * The receipts with every later anchor of their batch roots: what the service serves (v2 when
   * a receipt has any). A receipt of a batch no anchor reached yet is served as it is, unread
   * (log-memory.ts).
   */
  async entriesWithAnchors (entries: readonly ReceiptEntry[]): Promise<ReceiptEntry[]> {
    return await upgradeEntries(this.bee, entries, this.memory === null ? Infinity : await this.memory.anchoredThrough())
  }

  close (): Promise<void> {
    return this.bee.close()
  }

  private async first (range: Range): Promise<ReceiptEntry | null> {
    const [entry] = await this.bee.range(range)
    return entry === undefined ? null : receiptOf(entry)
  }

  /** As `receiptList` does it: every value decoded first, then each entry parsed. */
  private parseAll (entries: LazyEntry[]): ReceiptEntry[] {
    const decoded = entries.map((e) => ({ key: e.key, value: e.value() }))
    return decoded.map((e) => receiptOf(e))
  }

  private async receiptList (range: Range): Promise<ReceiptEntry[]> {
    return (await this.bee.range(range)).map((e) => receiptOf(e))
  }

  /** Batches sealed in [from, to), by block time, without their leaves. */
  async pageBatches (filter: TimeFilter, page: PageQuery): Promise<Page<BatchSummary>> { return await pageBatches(this.bee, filter, page) }
  /** The leaves of batch `seq`, in batch order; NOT_FOUND when there is no such batch. */
  async pageBatchLeaves (seq: number, page: PageQuery): Promise<Page<HeadJson>> { return await pageBatchLeaves(this.bee, seq, page) }
  /** Incidents detected in [from, to), oldest first, of one core or of all. */
  async pageIncidents (filter: TimeFilter & { key?: string | Buffer }, page: PageQuery): Promise<Page<Incident>> { return await pageIncidents(this.bee, filter, page) }
  /** The seals of one core, by length then time (as `receipts`). */
  async pageReceipts (key: string | Buffer, page: PageQuery): Promise<Page<ReceiptEntry>> { return await pageReceipts(this.bee, key, page) }
  /** The receipt of one leaf of batch `seq` (report-reads.ts). */
  async leafReceipt (leaf: Pick<HeadJson, 'key' | 'length' | 'fork'>, seq: number): Promise<ReceiptEntry> { return await leafReceipt(this.bee, leaf, seq) }
  /** The core's seal of the latest batch before `beforeSeq`, or of all time (report-reads.ts). */
  async latestSealBefore (key: string | Buffer, beforeSeq?: number): Promise<ReceiptEntry | null> { return await latestSealBefore(this.bee, key, beforeSeq) }
}
