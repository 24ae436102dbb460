/**
 * The structures the service follows (Hyperbee, Hyperdrive, Autobase): which watched core is
 * what, read from its own blocks (src/structures), and a drive's blobs core watched beside its
 * db with the same peers, so every seal pass seals both (an Autobase's parts: autobases.ts).
 * Kept in memory: the relation is re-read from the stored blocks after a restart, and each part
 * is a journal watch of its own.
 *
 * Watching a core opens nothing (100,000 cores in a minute, issue 11 item 7): what a core is
 * is read on the first session the watcher opens on it anyway (a pass, a verify, a new core's
 * first look), from its stored block 0, before that session's first use. A core whose block 0
 * is not stored yet is asked of its peers in the background, a few at a time, and again at
 * most once a minute while it stays unknown.
 */
import type Corestore from 'corestore'
import type Hypercore from 'hypercore'
import type { HeadWatcher } from '../heads'
import type { Journal, ReceiptsLog, WatchEntry } from '../ledger'
import { recognise, type Structure } from '../structures'
import { WorkQueue, type Logger } from '../util'
import { AutobaseFollower } from './autobases'

export type PartRole = 'db' | 'blobs' | 'system' | 'view'

export interface StructureView {
  kind: Structure['kind'] | null
  parts?: Array<{ role: PartRole, key: string }>
  partOf?: { key: string, role: Exclude<PartRole, 'db'> }
}

export interface StructureDeps {
  journal: Journal
  log: ReceiptsLog
  watcher: HeadWatcher
  logger: Logger
  /** Bound on a peer's answer when block 0 is asked of it in the background. */
  askTimeoutMs: number
}

/** Cores whose block 0 is asked of their peers at once (each mostly waits). */
const ASK_CONCURRENCY = 8
/** A core still unknown after an ask is asked again at most this often. */
const ASK_AGAIN_MS = 60_000

export class StructureRegistry {
  private readonly known = new Map<string, Structure>()
  private readonly blobsOf = new Map<string, string>()
  /** Keys to ask of their peers, and when each was last asked. */
  private readonly asking = new WorkQueue<string>(ASK_CONCURRENCY, (hex) => this.askOne(hex))
  private readonly askedAt = new Map<string, number>()
  /** Follow-ups running: a drive's blobs core watched, an Autobase followed. */
  private readonly work = new Set<Promise<void>>()
  private closed = false
  readonly autobases: AutobaseFollower

  constructor (private readonly store: Corestore, private readonly deps: StructureDeps) {
    this.autobases = new AutobaseFollower({ ...deps, session: (key) => this.session(key), watchPart: (part, entry) => this.watchPart(part, entry) })
    deps.watcher.onSession((hex, core) => this.meet(hex, core))
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
      if (found !== null) this.tell(key, found)
      return found
    } finally {
      await core.close().catch(() => {})
    }
  }

  /**
   * The watcher opened a session on `hex` (session hook, before its first use): its stored
   * block 0 tells what it is; when it is not stored, its peers are asked in the background.
   */
  private async meet (hex: string, core: Hypercore): Promise<void> {
    if (this.closed || this.known.has(hex)) return
    const found = await recognise(core, 0).catch(() => null)
    if (found !== null) this.tell(hex, found)
    else this.ask(hex)
  }

  /** Keeps what `key` is; a watched drive or Autobase has its parts followed (in the background). */
  private tell (key: string, found: Structure): void {
    if (this.known.has(key)) return
    this.known.set(key, found)
    if (found.kind === 'hyperdrive') this.blobsOf.set(found.blobs, key)
    if (found.kind === 'hyperdrive' || found.kind === 'autobase') this.followUp(key)
  }

  /** Watched cores again (new peers, perhaps): a known drive's or Autobase's parts are followed with them. Opens nothing. */
  watched (keys: readonly string[]): void {
    for (const key of keys) {
      const kind = this.known.get(key)?.kind
      if (kind === 'hyperdrive' || kind === 'autobase') this.followUp(key)
    }
  }

  /**
   * Before a pass: the follow-ups under way end (a drive told now has its blobs core watched
   * before the pass), then every known Autobase is followed again (its system core and views
   * move when its indexers change). Opens no core of unknown kind.
   */
  async beforePass (timeoutMs: number): Promise<void> {
    await this.settled()
    const bases = [...this.known].filter(([, s]) => s.kind === 'autobase').map(([key]) => key)
    await Promise.all(bases.map(async (key) => {
      const entry = await this.deps.journal.getWatch(key)
      if (entry !== null) await this.autobases.follow(entry, timeoutMs)
    }))
  }

  /** Resolves once the follow-ups started so far have ended. */
  async settled (): Promise<void> {
    while (this.work.size > 0) await Promise.allSettled([...this.work])
  }

  close (): void {
    this.closed = true
    this.asking.close()
  }

  private followUp (key: string): void {
    const run = this.follow(key).finally(() => this.work.delete(run))
    this.work.add(run)
  }

  /** A watched structure's parts watched with its peers; never throws. */
  private async follow (key: string): Promise<void> {
    try {
      const entry = await this.deps.journal.getWatch(key)
      const found = this.known.get(key)
      if (entry === null || found === undefined || this.closed) return
      if (found.kind === 'autobase') await this.autobases.follow(entry, this.deps.askTimeoutMs)
      if (found.kind === 'hyperdrive' && await this.watchPart(found.blobs, entry)) {
        this.deps.logger.info({ key, blobs: found.blobs }, 'watching a Hyperdrive: its blobs core too')
      }
    } catch (err) {
      this.deps.logger.warn({ key, err: (err as Error).message }, 'could not follow the parts of a watched structure yet')
    }
  }

  /** Queues `hex` to be asked of its peers, unless it is queued or was asked within ASK_AGAIN_MS. */
  private ask (hex: string): void {
    if (this.closed || this.asking.has(hex) || Date.now() - (this.askedAt.get(hex) ?? -Infinity) < ASK_AGAIN_MS) return
    this.asking.add(hex)
  }

  private async askOne (hex: string): Promise<void> {
    this.askedAt.set(hex, Date.now())
    try {
      if (await this.deps.journal.getWatch(hex) === null) return // unwatched meanwhile
      if (await this.structureOf(hex, this.deps.askTimeoutMs) !== null) this.askedAt.delete(hex)
    } catch (err) {
      this.deps.logger.debug({ key: hex, err: (err as Error).message }, 'could not tell what a watched core is yet')
    }
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
