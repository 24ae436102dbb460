/**
 * The journal: a private Hyperbee of the watch list, the in-flight batches and a little
 * service state. Unlike the receipts log it may change and delete entries. Every
 * read-modify-write runs under the bee's write lock, so transitions never interleave.
 */
import type Corestore from 'corestore'
import type { HeadJson } from '../seal'
import { LedgerError } from './errors'
import * as T from './inflight'
import * as K from './keys'
import { LedgerBee, type WriteTx } from './ledger-bee'
import { parseFinal, parseInflight, parseLabel, parseMined, parseTx, parseWatch, peer, type WatchEntry, type WatchInput } from './journal-records'
import { readPage, type Page, type PageQuery } from './pages'
import { array, asInput, asStored, head, jsonValue } from './validate'

export const JOURNAL_CORE = 'hyperseal/journal'

export type TxInput = Omit<T.TxInfo, 'sentAt' | 'maxFeePerGas' | 'maxPriorityFeePerGas' | 'gasPrice'> & {
  maxFeePerGas?: string | bigint
  maxPriorityFeePerGas?: string | bigint
  gasPrice?: string | bigint
  sentAt?: string
}

const now = (): string => new Date().toISOString()

export class Journal {
  private constructor (private readonly bee: LedgerBee) {}

  static async open (store: Corestore, coreName = JOURNAL_CORE): Promise<Journal> {
    return new Journal(await LedgerBee.open(store, coreName, { appendOnly: false, what: 'journal' }))
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
    // Read and written in key order: neighbouring keys share the tree nodes a get or put walks.
    const sorted = [...new Set(wanted.map((w) => w.key))].sort()
    return this.bee.write(async (tx) => {
      const entries = new Map<string, WatchEntry | undefined>()
      for (const key of sorted) {
        const stored = await tx.get(K.watchKey(key))
        entries.set(key, stored === undefined ? undefined : asStored(K.watchKey(key), stored, parseWatch))
      }
      const changed = new Set<string>()
      const results = wanted.map((w) => {
        const old = entries.get(w.key)
        const entry: WatchEntry = { key: w.key, peers: [...new Set([...(old?.peers ?? []), ...w.peers])], addedAt: old?.addedAt ?? now() }
        const label = w.label ?? old?.label
        if (label !== undefined) entry.label = label
        if (old === undefined || entry.peers.length !== old.peers.length || label !== old.label) changed.add(w.key)
        entries.set(w.key, entry)
        return { added: old === undefined, entry }
      })
      for (const key of sorted) if (changed.has(key)) await tx.put(K.watchKey(key), entries.get(key))
      return results
    })
  }

  /** Stops watching a core; false when it was not watched. */
  async removeWatch (key: string | Buffer): Promise<boolean> {
    const k = K.watchKey(K.keyHex(key))
    return this.bee.write(async (tx) => {
      if (await tx.get(k) === undefined) return false
      await tx.del(k)
      return true
    })
  }

  async getWatch (key: string | Buffer): Promise<WatchEntry | null> {
    const k = K.watchKey(K.keyHex(key))
    const value = await this.bee.get(k)
    return value === undefined ? null : asStored(k, value, parseWatch)
  }

  /** The watched cores a page at a time, by key. */
  async pageWatched (page: PageQuery): Promise<Page<WatchEntry>> {
    const index = K.prefixRange('watch!')
    return readPage((r) => this.bee.range(r), { name: 'cores', index, range: index }, page, (e) => asStored(e.key, e.value, parseWatch))
  }

  async listWatched (): Promise<WatchEntry[]> {
    return (await this.bee.range(K.prefixRange('watch!'))).map((e) => asStored(e.key, e.value, parseWatch))
  }

  /** Records a batch before its transaction is sent. The id defaults to the root. */
  async prepareBatch (input: { root: string, leaves: HeadJson[], id?: string }): Promise<T.InflightBatch> {
    const root = K.rootHex(input.root)
    const id = K.name(input.id ?? root, 'in-flight batch id')
    const leaves = asInput('batch leaves', input.leaves, (v) => array(v, 'leaves', head))
    if (leaves.length === 0) throw new LedgerError('BAD_INPUT', 'An in-flight batch needs at least one leaf.')
    return this.bee.write(async (tx) => {
      const existing = await this.inflightIn(tx, id)
      if (existing !== null) {
        if (existing.root === root && JSON.stringify(existing.leaves) === JSON.stringify(leaves)) return existing
        throw new LedgerError('BAD_TRANSITION', `The in-flight batch ${id} exists with other content; pick another id.`)
      }
      const at = now()
      const batch: T.InflightBatch = { id, root, leaves, state: 'prepared', createdAt: at, updatedAt: at, attempts: 0, reorgs: [] }
      await tx.put(K.inflightKey(id), batch)
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
    const key = K.inflightKey(id)
    const value = await this.bee.get(key)
    return value === undefined ? null : asStored(key, value, parseInflight)
  }

  /** Every batch not yet final, oldest first: what a restart must resolve against the chain. */
  async listUnfinished (): Promise<T.InflightBatch[]> {
    const all = (await this.bee.range(K.prefixRange('inflight!'))).map((e) => asStored(e.key, e.value, parseInflight))
    return all.filter((b) => b.state !== 'final').sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))
  }

  /** Deletes a final batch once its receipts are in the receipts log. */
  async removeInflight (id: string): Promise<void> {
    await this.bee.write(async (tx) => {
      const batch = await this.mustGet(tx, id)
      if (batch.state !== 'final') throw new LedgerError('BAD_TRANSITION', `The in-flight batch ${id} is ${batch.state}; only a final batch can be removed.`)
      await tx.del(K.inflightKey(id))
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

  close (): Promise<void> {
    return this.bee.close()
  }

  private async inflightIn (tx: WriteTx, id: string): Promise<T.InflightBatch | null> {
    const value = await tx.get(K.inflightKey(id))
    return value === undefined ? null : asStored(K.inflightKey(id), value, parseInflight)
  }

  private async mustGet (tx: WriteTx, id: string): Promise<T.InflightBatch> {
    const batch = await this.inflightIn(tx, id)
    if (batch === null) throw new LedgerError('NOT_FOUND', `There is no in-flight batch ${id}.`)
    return batch
  }

  private async transition (id: string, step: (b: T.InflightBatch, at: string) => T.InflightBatch): Promise<T.InflightBatch> {
    const key = K.inflightKey(id)
    return this.bee.write(async (tx) => {
      const batch = await this.mustGet(tx, id)
      const next = step(batch, now())
      if (next !== batch) await tx.put(key, next)
      return next
    })
  }
}
