/**
 * The journal: private state of the service. The watch list and stale marks live in one file of
 * JSON lines, held in memory (journal-watches.ts); in-flight batches in files of their own
 * (inflight-store.ts), so that a finished batch frees its bytes: nothing of a batch stays in
 * the journal once it is final. The pass history (pass-history.ts) keeps a few lines a day: runs
 * of passes, starts and stops, stale/back transitions, unwatches. A Hyperbee keeps a little
 * service state (and, in data directories of earlier versions, the watch list, moved to the file
 * at open).
 */
import type Corestore from 'corestore'
import type { HeadJson, TreeNodeJson } from '../seal'
import { LedgerError } from './errors'
import * as T from './inflight'
import { InflightStore } from './inflight-store'
import { WatchFile, type StaleChange, type WatchChange } from './journal-watches'
import { PassHistory } from './pass-history'
import { staleTransitions } from './pass-records'
import * as K from './keys'
import { LedgerBee, type Entry, type Range } from './ledger-bee'
import { inflightParts, parseFinal, parseLabel, parseLegacyInflight, parseMined, parseStale, parseTx, parseWatch, peer, type StaleMark, type WatchEntry, type WatchInput } from './journal-records'
import { roots as rootsOf } from './log-records'
import { readPage, type Page, type PageQuery } from './pages'
import { array, asInput, asStored, head, jsonValue, text } from './validate'

export const JOURNAL_CORE = 'hyperseal/journal'

export type TxInput = Omit<T.TxInfo, 'sentAt' | 'maxFeePerGas' | 'maxPriorityFeePerGas' | 'gasPrice'> & {
  maxFeePerGas?: string | bigint
  maxPriorityFeePerGas?: string | bigint
  gasPrice?: string | bigint
  sentAt?: string
}

export interface PrepareInput {
  root: string
  leaves: HeadJson[]
  /** The roots of each leaf's length (null or absent where unknown). */
  roots?: Array<TreeNodeJson[] | null>
  /** Roots of forgotten batches whose heads this batch seals again. */
  resealOf?: string[]
  /** Defaults to the root. */
  id?: string
}

const now = (): string => new Date().toISOString()

const WATCH_PREFIX = 'watch!'

export class Journal {
  private constructor (
    private readonly bee: LedgerBee,
    private readonly inflight: InflightStore,
    private readonly watches: WatchFile,
    /** Every pass, start and stop, stale/back transition and unwatch (pass-history.ts). */
    readonly passes: PassHistory
  ) {}

  /**
   * Opens the journal on `store` (its Hyperbee) and `dir` (its in-flight batch files and its
   * watch list). What a journal of an earlier version kept in the Hyperbee (in-flight batches,
   * the watch list and stale marks) is moved to the files.
   */
  static async open (store: Corestore, dir: string, coreName = JOURNAL_CORE): Promise<Journal> {
    const bee = await LedgerBee.open(store, coreName, { appendOnly: false, what: 'journal' })
    const inflight = new InflightStore(dir)
    try {
      await inflight.clean()
      const watches = await WatchFile.open(dir, async () => ({
        entries: (await bee.range(K.prefixRange(WATCH_PREFIX))).map((e) => asStored(e.key, e.value, parseWatch)),
        marks: (await bee.range(K.prefixRange('stale!'))).map((e) => [e.key.slice('stale!'.length), asStored(e.key, e.value, parseStale)] as [string, StaleMark])
      }))
      const passes = await PassHistory.open(dir).catch(async (err: unknown) => { await watches.close(); throw err })
      const journal = new Journal(bee, inflight, watches, passes)
      await journal.moveLegacyInflight()
      await journal.dropLegacyWatches()
      return journal
    } catch (err) {
      await bee.close()
      throw err
    }
  }

  /** Adds a core, or merges new peers into a watched one (and sets its label); `added` is true for a new core. */
  async addWatch (key: string | Buffer, peers: string[] = [], label?: string): Promise<{ added: boolean, entry: WatchEntry }> {
    const [result] = await this.addWatches([{ key, peers, ...(label === undefined ? {} : { label }) }])
    return result
  }

  /**
   * `addWatch` for many cores in one write, so one flush whatever their number. Results come
   * in the order of `items`; a key given twice is merged (its second result has `added` false).
   * A label replaces the core's label; no label leaves it as it was.
   */
  async addWatches (items: WatchInput[]): Promise<Array<{ added: boolean, entry: WatchEntry }>> {
    const wanted = items.map((item) => ({
      key: K.keyHex(item.key),
      peers: asInput('peer list', item.peers ?? [], (v) => array(v, 'peers', peer)),
      label: item.label === undefined ? undefined : parseLabel(item.label)
    }))
    if (wanted.length === 0) return []
    return this.watches.exclusive(async () => {
      const at = now()
      const changed = new Map<string, WatchEntry>()
      const results = wanted.map((w) => {
        const old = changed.get(w.key) ?? this.watches.get(w.key)
        const entry: WatchEntry = { key: w.key, peers: [...new Set([...(old?.peers ?? []), ...w.peers])], addedAt: old?.addedAt ?? at }
        const label = w.label ?? old?.label
        if (label !== undefined) entry.label = label
        if (old === undefined || entry.peers.length !== old.peers.length || label !== old.label) changed.set(w.key, entry)
        return { added: old === undefined, entry }
      })
      await this.watches.write([...changed.values()].map((watch): WatchChange => ({ watch })))
      return results
    })
  }

  /** Stops watching a core (and drops its stale mark); false when it was not watched. */
  async removeWatch (key: string | Buffer): Promise<boolean> {
    const k = K.keyHex(key)
    return this.watches.exclusive(async () => {
      const entry = this.watches.get(k)
      if (entry === undefined) return false
      await this.passes.recordCores([{ unwatch: { key: k, at: now(), addedAt: entry.addedAt } }])
      await this.watches.write([{ unwatch: k }])
      return true
    })
  }

  async getWatch (key: string | Buffer): Promise<WatchEntry | null> {
    const k = K.keyHex(key)
    return this.watches.exclusive(async () => this.watches.get(k) ?? null)
  }

  /** The number of watched cores. */
  get watchedCount (): number {
    return this.watches.size
  }

  /** The watched cores a page at a time, by key (cursors as when they were entries of the Hyperbee: `watch!<key>`). */
  async pageWatched (page: PageQuery): Promise<Page<WatchEntry>> {
    const index = K.prefixRange(WATCH_PREFIX)
    const read = async (range: Range): Promise<Entry[]> => {
      const after = range.gte === index.gte ? null : range.gte.slice(WATCH_PREFIX.length)
      // `after` is the last key read followed by a 0 byte: the first key at or above it is the next one.
      return this.watches.after(after === null ? null : after.replace(/\u0000$/, ''), range.limit ?? Number.MAX_SAFE_INTEGER)
        .map((value) => ({ key: WATCH_PREFIX + value.key, value }))
    }
    return this.watches.exclusive(() => readPage(read, { name: 'cores', index, range: index }, page, (e) => e.value as WatchEntry))
  }

  async listWatched (): Promise<WatchEntry[]> {
    return this.watches.exclusive(async () => this.watches.after(null, Number.MAX_SAFE_INTEGER))
  }

  /** Records a batch before its transaction is sent: its leaves are written once, here. */
  async prepareBatch (input: PrepareInput): Promise<T.InflightBatch> {
    const root = K.rootHex(input.root)
    const id = K.name(input.id ?? root, 'in-flight batch id')
    const leaves = asInput('batch leaves', input.leaves, (v) => array(v, 'leaves', head))
    if (leaves.length === 0) throw new LedgerError('BAD_INPUT', 'An in-flight batch needs at least one leaf.')
    const roots = asInput('leaf roots', input.roots ?? leaves.map(() => null), (v) => {
      if (!Array.isArray(v) || v.length !== leaves.length) throw new Error('there must be one entry per leaf')
      return v.map((r: unknown, i) => r === null || r === undefined ? null : rootsOf(r, leaves[i], `roots[${i}]`))
    })
    const resealOf = input.resealOf === undefined ? undefined : asInput('resealed roots', input.resealOf, (v) => array(v, 'resealOf', (r, w) => text(r, w, /^0x[0-9a-f]{64}$/)))
    return this.inflight.exclusive(async () => {
      const existing = await this.inflight.read(id)
      if (existing !== null) {
        if (existing.root === root && JSON.stringify(existing.leaves) === JSON.stringify(leaves)) return existing
        throw new LedgerError('BAD_TRANSITION', `The in-flight batch ${id} exists with other content; pick another id.`)
      }
      const at = now()
      const batch: T.InflightBatch = {
        id, root, seq: await this.inflight.nextSeq(), leaves, roots, ...(resealOf !== undefined ? { resealOf } : {}),
        state: 'prepared', createdAt: at, updatedAt: at, attempts: 0, reorgs: []
      }
      const parts = inflightParts(batch)
      await this.inflight.create(parts.leaves, parts.state)
      return batch
    })
  }

  async markSent (id: string, tx: TxInput): Promise<T.InflightBatch> {
    const info = asInput('transaction', { ...tx, sentAt: tx.sentAt ?? now() }, (v) => parseTx(v))
    return this.transition(id, (b, at) => T.toSent(b, info, at))
  }

  /** The node no longer knows the pending transaction: back to prepared, to send again. */
  async markDropped (id: string): Promise<T.InflightBatch> {
    return this.transition(id, (b, at) => T.toDropped(b, at))
  }

  async markMined (id: string, mined: T.MinedInfo): Promise<T.InflightBatch> {
    const info = asInput('mined block', mined, parseMined)
    return this.transition(id, (b, at) => T.toMined(b, info, at))
  }

  /** The mined block left the canonical chain: back to prepared, to be sealed again. */
  async markReorged (id: string): Promise<T.InflightBatch> {
    return this.transition(id, (b, at) => T.toReorged(b, at))
  }

  async markFinal (id: string, final: Omit<T.FinalInfo, 'finalizedAt'> & { finalizedAt?: string }): Promise<T.InflightBatch> {
    const info = asInput('final block', { ...final, finalizedAt: final.finalizedAt ?? now() }, parseFinal)
    return this.transition(id, (b, at) => T.toFinal(b, info, at))
  }

  async getInflight (id: string): Promise<T.InflightBatch | null> {
    return await this.inflight.read(K.name(id, 'in-flight batch id'))
  }

  /** Every batch not yet final, oldest first: what a restart must resolve against the chain. */
  async listUnfinished (): Promise<T.InflightBatch[]> {
    return (await this.inflight.list()).filter((b) => b.state !== 'final')
  }

  /** Deletes a final batch once its receipts are in the receipts log: its files are gone. */
  async removeInflight (id: string): Promise<void> {
    await this.inflight.exclusive(async () => {
      const batch = await this.mustGet(id)
      if (batch.state !== 'final') throw new LedgerError('BAD_TRANSITION', `The in-flight batch ${id} is ${batch.state}; only a final batch can be removed.`)
      await this.inflight.remove(id)
    })
  }

  /** Every stale mark, by core key (live: it changes with `updateStale`). */
  async staleMarks (): Promise<ReadonlyMap<string, StaleMark>> {
    return this.watches.exclusive(async () => this.watches.staleMarks())
  }

  /** Sets (a mark) or clears (null) the stale marks of several cores in one write. */
  async updateStale (changes: ReadonlyMap<string, StaleMark | null>): Promise<void> {
    if (changes.size === 0) return
    const checked = [...changes].map(([key, mark]): StaleChange => ({ stale: K.keyHex(key), mark: mark === null ? null : asInput('stale mark', jsonValue('stale mark', mark), parseStale) }))
    await this.watches.exclusive(async () => {
      // The transitions go to the pass history first: a crash before the marks are written
      // makes the next pass set them again, and a repeated `stale` is harmless.
      await this.passes.recordCores(staleTransitions(this.watches.staleMarks(), checked, now()))
      await this.watches.write(checked)
    })
  }

  /** Service state (e.g. the last pass time): any JSON value under a short name. */
  async setState (entry: string, value: unknown): Promise<void> {
    const key = K.stateKey(entry)
    const json = jsonValue(`state ${entry}`, value)
    await this.bee.write((tx) => tx.put(key, json))
  }

  async getState (entry: string): Promise<unknown> {
    return this.bee.get(K.stateKey(entry))
  }

  async close (): Promise<void> {
    await this.passes.close()
    await this.watches.close()
    await this.bee.close()
  }

  private async mustGet (id: string): Promise<T.InflightBatch> {
    const batch = await this.inflight.read(K.name(id, 'in-flight batch id'))
    if (batch === null) throw new LedgerError('NOT_FOUND', `There is no in-flight batch ${id}.`)
    return batch
  }

  private async transition (id: string, step: (b: T.InflightBatch, at: string) => T.InflightBatch): Promise<T.InflightBatch> {
    return this.inflight.exclusive(async () => {
      const batch = await this.mustGet(id)
      const next = step(batch, now())
      if (next !== batch) await this.inflight.writeState(id, inflightParts(next).state)
      return next
    })
  }

  /** Deletes the watch list and stale marks an earlier version kept in the Hyperbee, once the file holds them. */
  private async dropLegacyWatches (): Promise<void> {
    const legacy = [...await this.bee.range(K.prefixRange(WATCH_PREFIX)), ...await this.bee.range(K.prefixRange('stale!'))]
    if (legacy.length === 0) return
    await this.bee.write(async (tx) => {
      for (const entry of legacy) await tx.del(entry.key)
    })
  }

  /** Moves in-flight batches an earlier version kept in the Hyperbee to the files. */
  private async moveLegacyInflight (): Promise<void> {
    const legacy = await this.bee.range(K.prefixRange('inflight!'))
    if (legacy.length === 0) return
    let seq = await this.inflight.nextSeq()
    for (const entry of legacy.sort((a, b) => String((a.value as { createdAt?: unknown })?.createdAt).localeCompare(String((b.value as { createdAt?: unknown })?.createdAt)))) {
      const batch = asStored(entry.key, entry.value, (v) => parseLegacyInflight(v, seq++))
      if (await this.inflight.read(batch.id) === null) {
        const parts = inflightParts(batch)
        await this.inflight.create(parts.leaves, parts.state)
      }
    }
    await this.bee.write(async (tx) => {
      for (const entry of legacy) await tx.del(entry.key)
    })
  }
}
