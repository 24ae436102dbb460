/**
 * In-flight batches on disk, apart from the journal's Hyperbee, so that a finished batch frees
 * its bytes: a Hyperbee only appends, and every state change of a 1,000-head batch used to add
 * the whole record (leaves included) to it for good. Per batch, in the store's directory:
 *
 *   <id>.leaves.json   written once: { v: 1, id, root, seq, createdAt, leaves, roots, resealOf? }
 *   <id>.state.json    the small state record ({ v: 1, state, updatedAt, attempts, tx?, mined?,
 *                      final?, reorgs }), replaced on every transition
 *
 * Every file is written as temp file → fsync → rename → fsync of the directory, so a crash
 * leaves the old or the new file, never a torn one. The leaves are written before the first
 * state: a leaves file without a state file is a prepare that never completed (nothing can have
 * been sent for it) and is removed when found. Removing a batch deletes its state first, then
 * its leaves. One process owns the directory (the data directory's lock); transitions run one
 * at a time under `exclusive`.
 */
import { mkdirSync } from 'node:fs'
import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fsyncPath, writeFileDurably } from '../util'
import { LedgerError } from './errors'
import type { InflightBatch } from './inflight'
import { joinInflight, parseInflightLeaves, parseInflightState, type InflightLeavesRecord, type InflightStateRecord } from './journal-records'
import { asStored } from './validate'

const LEAVES = '.leaves.json'
const STATE = '.state.json'

export class InflightStore {
  private queue: Promise<unknown> = Promise.resolve()
  /**
   * Each batch's leaves file as last read, with its parsed record. The file is written once, but
   * every state transition reads the batch: parsing 10,000 leaves (and hashing their roots) four
   * times a pass cost over a second (profiled). The file is still read each time; only text
   * equal to what was parsed before is not parsed again.
   */
  private readonly parsedLeaves = new Map<string, { text: string, record: InflightLeavesRecord }>()

  constructor (readonly dir: string) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 })
    } catch (err) {
      throw new LedgerError('DATA_DIR_UNUSABLE', `The journal directory ${dir} cannot be created (${(err as Error).message}).`, { cause: err })
    }
  }

  /** Runs `fn` after every earlier call has ended: read-modify-write steps never interleave. */
  exclusive<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => {})
    return run
  }

  async read (id: string): Promise<InflightBatch | null> {
    const leavesText = await this.readText(id + LEAVES)
    const stateText = await this.readText(id + STATE)
    if (leavesText === null || stateText === null) return null
    return this.parse(id, leavesText, stateText)
  }

  /**
   * Every batch with both files, in prepare order. A batch being prepared right now has its
   * leaves but no state yet: it is left alone (see `clean`).
   */
  async list (): Promise<InflightBatch[]> {
    const names = await readdir(this.dir)
    const ids = names.filter((n) => n.endsWith(LEAVES)).map((n) => n.slice(0, -LEAVES.length))
    const out: InflightBatch[] = []
    for (const id of ids) {
      const batch = await this.read(id)
      if (batch !== null) out.push(batch)
    }
    return out.sort((a, b) => a.seq - b.seq)
  }

  /**
   * At open, before anything else uses the directory: removes what a crash cut short. A temp
   * file is a write that never replaced its file; a leaves file without a state file is a
   * prepare that never completed (nothing can have been sent for it).
   */
  async clean (): Promise<void> {
    const names = await readdir(this.dir)
    for (const temp of names.filter((n) => n.endsWith('.tmp'))) await rm(join(this.dir, temp), { force: true })
    for (const name of names.filter((n) => n.endsWith(LEAVES))) {
      const id = name.slice(0, -LEAVES.length)
      if (!names.includes(id + STATE)) await this.remove(id)
    }
  }

  /** The next prepare order number: above every batch on disk. */
  async nextSeq (): Promise<number> {
    return (await this.list()).reduce((max, b) => Math.max(max, b.seq + 1), 0)
  }

  /** Writes a new batch: its leaves once, then its first state. */
  async create (leaves: InflightLeavesRecord, state: InflightStateRecord): Promise<void> {
    await this.writeAtomic(leaves.id + LEAVES, JSON.stringify(leaves))
    await this.writeAtomic(leaves.id + STATE, JSON.stringify(state))
  }

  async writeState (id: string, state: InflightStateRecord): Promise<void> {
    await this.writeAtomic(id + STATE, JSON.stringify(state))
  }

  async remove (id: string): Promise<void> {
    this.parsedLeaves.delete(id)
    await rm(join(this.dir, id + STATE), { force: true })
    await rm(join(this.dir, id + LEAVES), { force: true })
    await fsyncPath(this.dir)
  }

  private parse (id: string, leavesText: string, stateText: string): InflightBatch {
    const json = (text: string, file: string): unknown => {
      try {
        return JSON.parse(text)
      } catch (err) {
        throw new LedgerError('CORRUPT_ENTRY', `The journal file ${file} is not valid JSON; the data directory was damaged or tampered with.`, { cause: err })
      }
    }
    const where = join(this.dir, id + LEAVES)
    let leaves = this.parsedLeaves.get(id)
    if (leaves?.text !== leavesText) {
      leaves = { text: leavesText, record: asStored(where, json(leavesText, where), parseInflightLeaves) }
      this.parsedLeaves.set(id, leaves)
    }
    const batch = joinInflight(leaves.record, asStored(where, json(stateText, id + STATE), parseInflightState))
    if (batch.id !== id) throw new LedgerError('CORRUPT_ENTRY', `The journal file ${where} holds batch ${batch.id}.`)
    return batch
  }

  private async readText (name: string): Promise<string | null> {
    try {
      return await readFile(join(this.dir, name), 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw new LedgerError('DATA_DIR_UNUSABLE', `The journal file ${name} cannot be read (${(err as Error).message}).`, { cause: err })
    }
  }

  private async writeAtomic (name: string, text: string): Promise<void> {
    await writeFileDurably(join(this.dir, name), text)
  }
}
