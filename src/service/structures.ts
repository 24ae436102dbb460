/**
 * The structures the service follows (Hyperbee, Hyperdrive, Autobase): which watched core is
 * what, read from its own blocks (src/structures), and a drive's blobs core watched beside its
 * db with the same peers, so every seal pass seals both (an Autobase's parts: autobases.ts).
 * Kept in memory: the relation is re-read from the stored blocks after a restart, and each part
 * is a journal watch of its own.
 */
import type Corestore from 'corestore'
import type Hypercore from 'hypercore'
import type { HeadWatcher } from '../heads'
import type { Journal, ReceiptsLog, WatchEntry } from '../ledger'
import { recognise, type Structure } from '../structures'
import type { Logger } from '../util'
import { AutobaseFollower } from './autobases'

export type PartRole = 'db' | 'blobs' | 'system' | 'view'

export interface StructureView {
  kind: Structure['kind'] | null
  parts?: Array<{ role: PartRole, key: string }>
  partOf?: { key: string, role: Exclude<PartRole, 'db'> }
}

export class StructureRegistry {
  private readonly known = new Map<string, Structure>()
  private readonly blobsOf = new Map<string, string>()
  readonly autobases: AutobaseFollower

  constructor (private readonly store: Corestore, private readonly deps: { journal: Journal, log: ReceiptsLog, watcher: HeadWatcher, logger: Logger }) {
    this.autobases = new AutobaseFollower({ ...deps, session: (key) => this.session(key), watchPart: (part, entry) => this.watchPart(part, entry) })
  }

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
   * each new drive's blobs core with the drive's peers; an Autobase is followed again on every
   * call (its system core and views move when its indexers change). Never throws: a core that
   * cannot be read yet is tried again on the next call.
   */
  async follow (entries: readonly WatchEntry[], timeoutMs: number): Promise<void> {
    await Promise.all(entries.filter((e) => this.known.get(e.key)?.kind === 'autobase' || !this.known.has(e.key)).map(async (entry) => {
      try {
        const found = await this.structureOf(entry.key, timeoutMs)
        if (found?.kind === 'autobase') await this.autobases.follow(entry, timeoutMs)
        if (found?.kind !== 'hyperdrive') return
        if (await this.watchPart(found.blobs, entry)) this.deps.logger.info({ key: entry.key, blobs: found.blobs }, 'watching a Hyperdrive: its blobs core too')
      } catch (err) {
        this.deps.logger.warn({ key: entry.key, err: (err as Error).message }, 'could not tell what a watched core is yet')
      }
    }))
  }

  /** Watches a structure's `part` with the peers of its `entry` (and any it had); true when the journal gained it or peers. */
  private async watchPart (part: string, entry: WatchEntry): Promise<boolean> {
    const watched = await this.deps.journal.getWatch(part)
    const missing = entry.peers.filter((p) => !(watched?.peers.includes(p) ?? false))
    if (watched !== null && missing.length === 0) {
      await this.deps.watcher.watch(part, watched.peers)
      return false
    }
    await this.deps.journal.addWatches([{ key: part, peers: entry.peers }])
    await this.deps.watcher.watch(part, [...new Set([...(watched?.peers ?? []), ...entry.peers])])
    return true
  }

  view (key: string): StructureView {
    const s = this.known.get(key)
    const drive = this.blobsOf.get(key)
    if (drive !== undefined) return { kind: 'core', partOf: { key: drive, role: 'blobs' } }
    const base = this.autobases.partOf(key)
    if (base !== undefined) return { kind: 'core', partOf: base }
    if (s === undefined) return { kind: null }
    if (s.kind === 'hyperdrive') return { kind: s.kind, parts: [{ role: 'db', key }, { role: 'blobs', key: s.blobs }] }
    if (s.kind === 'autobase') {
      const followed = this.autobases.get(key)
      return { kind: s.kind, parts: followed === undefined ? [] : [{ role: 'system', key: followed.system }, ...followed.views.map((v) => ({ role: 'view' as const, key: v }))] }
    }
    return { kind: s.kind }
  }
}
