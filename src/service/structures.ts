/**
 * The structures the service follows (Hyperbee, Hyperdrive): which watched core is what, read
 * from its own block 0 (src/structures), and a drive's blobs core watched beside its db with the
 * same peers, so every seal pass seals both. Kept in memory: the relation is re-read from the
 * stored block 0 after a restart, and the blobs core is a journal watch of its own.
 */
import type Corestore from 'corestore'
import type Hypercore from 'hypercore'
import type { HeadWatcher } from '../heads'
import type { Journal, WatchEntry } from '../ledger'
import { recognise, type Structure } from '../structures'
import type { Logger } from '../util'

export interface StructureView {
  kind: Structure['kind'] | null
  parts?: Array<{ role: 'db' | 'blobs', key: string }>
  partOf?: { key: string, role: 'blobs' }
}

export class StructureRegistry {
  private readonly known = new Map<string, Structure>()
  private readonly blobsOf = new Map<string, string>()

  constructor (private readonly store: Corestore, private readonly deps: { journal: Journal, watcher: HeadWatcher, logger: Logger }) {}

  /** A session of a watched core's replica for reading; the caller closes it. */
  async session (key: string): Promise<Hypercore> {
    const core = this.store.get({ key: Buffer.from(key, 'hex') })
    await core.ready()
    return core
  }

  /** What `key` is, if its block 0 was read already (undefined while unknown); reads nothing. */
  peek (key: string): Structure | undefined {
    return this.known.get(key)
  }

  /** What `key` is, asking its block 0 of a peer for up to `timeoutMs` (0: stored blocks only); null while unknown. */
  async structureOf (key: string, timeoutMs: number): Promise<Structure | null> {
    const kept = this.known.get(key)
    if (kept !== undefined) return kept
    const core = await this.session(key)
    try {
      const found = await recognise(core, timeoutMs)
      if (found !== null) {
        this.known.set(key, found)
        if (found.kind === 'hyperdrive') this.blobsOf.set(found.blobs, key)
      }
      return found
    } finally {
      await core.close().catch(() => {})
    }
  }

  /**
   * Recognises the entries not known yet (in parallel, each bounded by `timeoutMs`) and watches
   * each new drive's blobs core with the drive's peers. Never throws: a core that cannot be read
   * yet is tried again on the next call.
   */
  async follow (entries: readonly WatchEntry[], timeoutMs: number): Promise<void> {
    await Promise.all(entries.filter((e) => !this.known.has(e.key)).map(async (entry) => {
      try {
        const found = await this.structureOf(entry.key, timeoutMs)
        if (found?.kind !== 'hyperdrive') return
        const watched = await this.deps.journal.getWatch(found.blobs)
        const missing = entry.peers.filter((p) => !(watched?.peers.includes(p) ?? false))
        if (watched !== null && missing.length === 0) {
          await this.deps.watcher.watch(found.blobs, watched.peers)
          return
        }
        await this.deps.journal.addWatches([{ key: found.blobs, peers: entry.peers }])
        await this.deps.watcher.watch(found.blobs, [...new Set([...(watched?.peers ?? []), ...entry.peers])])
        this.deps.logger.info({ key: entry.key, blobs: found.blobs }, 'watching a Hyperdrive: its blobs core too')
      } catch (err) {
        this.deps.logger.warn({ key: entry.key, err: (err as Error).message }, 'could not tell what a watched core is yet')
      }
    }))
  }

  view (key: string): StructureView {
    const s = this.known.get(key)
    const drive = this.blobsOf.get(key)
    if (drive !== undefined) return { kind: 'core', partOf: { key: drive, role: 'blobs' } }
    if (s === undefined) return { kind: null }
    if (s.kind === 'hyperdrive') return { kind: s.kind, parts: [{ role: 'db', key }, { role: 'blobs', key: s.blobs }] }
    return { kind: s.kind }
  }
}
