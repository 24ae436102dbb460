import type Corestore from 'corestore'
import type Hypercore from 'hypercore'
import { headToJson, treeNodesFromJson, NO_AGREEMENT, type Agreement, type Head, type HeadJson, type TreeNode, type TreeNodeJson } from '../seal'
import { findAgreement, replicaProver, rootsProver } from './agreement'
import { CoreRecord, type Pending } from './core-record'
import { SwarmDiscovery } from './discovery'
import { HeadsError } from './errors'
import { boundedUpdate, captureCoreHead } from './head-read'
import { holdBlock, timeLeft } from './hold'
import { SILENT_LOGGER, type HeadsLogger } from './logger'
import { CoreObserver, type IncidentSink } from './observer'
import { parseKey, parsePeer, type PeerAddress } from './parse'
import { PeerLink, type LinkOptions, type PeerStatus } from './peer-link'
import { checkCorePrefix, parseSealedRef, readReplicaView, type PrefixResult, type SealedRef } from './prefix'
import { PeerProber } from './peer-probe'
import type { ReplicaSource } from './replica-sources'
import { ReplicationServer } from './replication-server'
import { SessionPool, type PoolStats } from './session-pool'
import { discoveryKeyOf, onCoreOpened, storesCore, weakSession, weakSessionOnOpen, type OpenedCore } from './store-hooks'

export interface HeadWatcherOptions {
  /** Port of `listen()`; 0 picks a free one. Default 8481 (DESIGN.md). */
  replicationPort?: number
  /** Address `listen()` binds. Default 127.0.0.1. */
  host?: string
  /** DHT bootstrap nodes (`host:port`); Hyperswarm discovery is off when empty or absent. */
  bootstrap?: string[]
  /** Bind address of the DHT's UDP sockets (default all interfaces; tests use 127.0.0.1). */
  dhtHost?: string
  logger?: HeadsLogger
  /** Receives every incident as soon as it is detected (the ledger persists them). */
  onIncident?: IncidentSink
  /** Bound on waiting for a newer head, and on fetching the block a tree hash needs. Default 10 s. */
  updateTimeoutMs?: number
  /** Reconnect backoff and idle timeout of peer connections. */
  reconnect?: Partial<LinkOptions>
  /** Sessions the watcher holds open at once (in use or lingering). Default 256. */
  maxSessions?: number
  /** A session nobody used for this long is closed. Default 10 s. */
  sessionIdleMs?: number
}

/** A peer's signed head that contradicts ours at the same length and fork (a split view). */
export interface SplitView {
  peer: string
  head: Head
  /** Where our history and the peer's part (length 0 when nothing could be proven in time). */
  agreed: Agreement
}

export interface WatchedInfo {
  key: string
  peers: string[]
  /** The head the replica held when last read (0 before it was read since the start). */
  length: number
  fork: number
}

/** A core a pass must look at, and why (see CoreRecord). */
export interface PendingCore {
  key: string
  pending: Pending
}

export interface SessionStats extends PoolStats {
  /** Cores Corestore holds open with our observer on them (replicating, or in use). */
  observed: number
}

const DEFAULT_LINK: LinkOptions = { baseMs: 500, maxMs: 30_000, stableMs: 10_000, idleTimeoutMs: 20_000 }
/** New cores looked at once in the background (created in storage, peers asked for their head). */
const WARM_CONCURRENCY = 2
const PENDING_ORDER: Record<Pending, number> = { changed: 0, new: 1, unknown: 2 }

/**
 * Keeps sparse replicas of the watched cores (direct TCP peers, the replication port, optional
 * Hyperswarm), captures their signed heads, checks sealed prefixes and reports forks and
 * rewinds, without holding every core open: a core has a session only while something uses
 * it (session-pool.ts), and an observer only while Corestore holds it open (observer.ts). What
 * is kept for every core is its record (core-record.ts). The Corestore is the caller's:
 * `close()` leaves it open.
 */
export class HeadWatcher {
  private readonly records = new Map<string, CoreRecord>()
  private readonly links = new Map<string, PeerLink>()
  private readonly server: ReplicationServer
  private readonly discovery: SwarmDiscovery | null
  private readonly log: HeadsLogger
  private readonly linkOpts: LinkOptions
  private readonly updateTimeoutMs: number
  private readonly prober = new PeerProber()
  private readonly pool: SessionPool
  private readonly stopWatching: () => void
  private readonly warmQueue = new Set<string>()
  private warming = 0
  private closed = false

  constructor (private readonly store: Corestore, private readonly opts: HeadWatcherOptions = {}) {
    this.log = opts.logger ?? SILENT_LOGGER
    this.linkOpts = { ...DEFAULT_LINK, ...opts.reconnect }
    this.updateTimeoutMs = opts.updateTimeoutMs ?? 10_000
    this.server = new ReplicationServer(store, this.linkOpts.idleTimeoutMs, this.log)
    const bootstrap = (opts.bootstrap ?? []).map((b) => parsePeer(b))
    this.discovery = bootstrap.length > 0 ? new SwarmDiscovery(store, bootstrap, opts.dhtHost, this.log) : null
    this.pool = new SessionPool(store, { max: opts.maxSessions ?? 256, idleMs: opts.sessionIdleMs ?? 10_000 }, (hex, core) => this.observeSession(hex, core))
    this.stopWatching = onCoreOpened(store, (core) => this.onCoreOpened(core))
  }

  private assertOpen (): void {
    if (this.closed) throw new HeadsError('CLOSED', 'The head watcher is closed; create a new one.')
  }

  private entry (key: unknown): CoreRecord {
    this.assertOpen()
    const hex = parseKey(key).toString('hex')
    const rec = this.records.get(hex)
    if (rec === undefined) throw new HeadsError('NOT_WATCHED', `Core ${hex} is not watched; watch it first.`)
    return rec
  }

  /**
   * Watches a core (hex or z-base-32 key) and dials the given peers for it. Watching a core
   * again adds the new peers. Opens nothing: a new core is looked at in the background (created
   * in storage so that a writer can push to it, its peers asked for its head) and by the next
   * pass. `restored`: a core watched before this process started (its head is read by a pass).
   */
  async watch (key: unknown, peers: unknown[] = [], opts: { restored?: boolean } = {}): Promise<WatchedInfo> {
    this.assertOpen()
    const buf = parseKey(key)
    if (!Array.isArray(peers)) throw new HeadsError('BAD_PEER', 'Peers must be a list of host:port strings.')
    const parsed: PeerAddress[] = peers.map((p) => parsePeer(p)) // all valid before any change
    const hex = buf.toString('hex')
    let rec = this.records.get(hex)
    if (rec === undefined) {
      rec = new CoreRecord(hex, opts.restored !== true)
      this.records.set(hex, rec)
      this.log.debug({ key: hex }, 'watching core')
      this.discovery?.join(discoveryKeyOf(buf))
      if (rec.fresh) this.warm(hex)
    }
    rec.addPeers(parsed.map((p) => p.address))
    for (const peer of parsed) {
      let link = this.links.get(peer.address)
      if (link === undefined) {
        link = new PeerLink(peer, this.store, this.linkOpts, this.log)
        this.links.set(peer.address, link)
      }
      link.keys.add(hex)
      link.start()
    }
    return this.info(rec)
  }

  async unwatch (key: unknown): Promise<void> {
    const rec = this.entry(key)
    this.records.delete(rec.hex)
    this.warmQueue.delete(rec.hex)
    for (const address of rec.peers) {
      const link = this.links.get(address)
      if (link === undefined) continue
      link.keys.delete(rec.hex)
      if (link.keys.size === 0) {
        link.close()
        this.links.delete(address)
      }
    }
    await this.discovery?.leave(discoveryKeyOf(Buffer.from(rec.hex, 'hex')))
    await rec.observer?.close()
    await this.pool.drop(rec.hex)
  }

  private info (rec: CoreRecord): WatchedInfo {
    return { key: rec.hex, peers: [...rec.peers], length: Math.max(rec.length, 0), fork: rec.fork }
  }

  watched (): WatchedInfo[] {
    return [...this.records.values()].map((r) => this.info(r))
  }

  /** One watched core, or null. */
  watchedCore (key: string): WatchedInfo | null {
    const rec = this.records.get(key)
    return rec === undefined ? null : this.info(rec)
  }

  get size (): number {
    return this.records.size
  }

  /** The watched cores' keys (hex), in the order they were first watched. */
  keys (): IterableIterator<string> {
    return this.records.keys()
  }

  peers (): PeerStatus[] {
    return [...this.links.values()].map((l) => l.status())
  }

  /**
   * What the replica of a watched core holds, as a string that changes whenever its length,
   * fork or conflict state does (a verdict cache's key, src/service/verdict-cache.ts); null for a
   * core not watched or not open now (a closed core may take a new head unseen: not cacheable).
   */
  replicaStamp (key: string): string | null {
    const session = this.records.get(key)?.observer?.session
    if (session === undefined || !session.opened || session.closed) return null
    return `${session.state.length}:${session.state.fork}:${this.records.get(key)?.conflictSeen === true ? 1 : 0}`
  }

  /** The last verified signed head seen on the core while it was open, or null. */
  lastHead (key: unknown): Head | null {
    return this.entry(key).observer?.lastHead ?? null
  }

  /** The head the replica held when last read, or null when not read since the start. */
  lastSeen (key: unknown): { length: number, fork: number } | null {
    const rec = this.entry(key)
    return rec.length <= 0 ? null : { length: rec.length, fork: rec.fork }
  }

  /**
   * The cores a pass must look at: those whose head moved since a pass last settled them,
   * then those watched in this process and never settled, then those restored at start and not
   * read since; by key within each.
   */
  pending (): PendingCore[] {
    const out: PendingCore[] = []
    for (const rec of this.records.values()) {
      const pending = rec.pending
      if (pending !== null) out.push({ key: rec.hex, pending })
    }
    return out.sort((a, b) => PENDING_ORDER[a.pending] - PENDING_ORDER[b.pending] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  }

  /** A pass looked at the core and concluded at this head (null: it has none); see CoreRecord. */
  settle (key: string, head: { length: number, fork: number } | null): void {
    this.records.get(key)?.settle(head)
  }

  /** True when a peer of the core is connected now: a named peer's link, or a channel of the open core. */
  reachable (key: string): boolean {
    const rec = this.records.get(key)
    if (rec === undefined) return false
    if (rec.peers.some((p) => this.links.get(p)?.connected === true)) return true
    return (rec.observer?.session.peers.length ?? 0) > 0
  }

  sessionStats (): SessionStats {
    let observed = 0
    for (const rec of this.records.values()) if (rec.observer !== null) observed++
    return { ...this.pool.stats(), observed }
  }

  /** Binds the replication port so writers can dial in; returns the bound address. */
  async listen (): Promise<{ host: string, port: number }> {
    this.assertOpen()
    return await this.server.listen(this.opts.host ?? '127.0.0.1', this.opts.replicationPort ?? 8481)
  }

  /** Runs `fn` while holding the core's session open: every call on the core inside it uses that one session. */
  async hold<T> (key: unknown, fn: () => Promise<T>): Promise<T> {
    return await this.pool.use(this.entry(key).hex, fn)
  }

  /** Fetches the newest head from the peers (bounded wait) and returns it, verified. */
  async captureHead (key: unknown): Promise<Head> {
    return (await this.capture(key)).head
  }

  /**
   * The newest verified head after a bounded update from the peers, with the roots of its
   * length (read together with it). `deadline` (ms since the epoch) bounds the wait further;
   * `waitForPeers: false` does not wait for a peer to connect (a core known unreachable).
   */
  async capture (key: unknown, opts: { deadline?: number, waitForPeers?: boolean } = {}): Promise<{ head: Head, roots: TreeNode[] }> {
    const rec = this.entry(key)
    return await this.pool.use(rec.hex, async (core) => {
      const wait = opts.deadline === undefined ? this.updateTimeoutMs : Math.min(this.updateTimeoutMs, timeLeft(opts.deadline, `update core ${rec.hex}`))
      try {
        const { head, roots, updated } = await captureCoreHead(core, { updateTimeoutMs: wait, waitForPeers: opts.waitForPeers })
        if (updated === 'timeout') this.log.warn({ key: rec.hex, length: head.length }, 'no newer head within the update timeout; captured the one held')
        rec.noteHead(head.length, head.fork)
        return { head, roots }
      } catch (err) {
        if (core.length === 0 && !core.closed) rec.noteHead(0, 0)
        throw err
      }
    })
  }

  /**
   * Makes sure the replica stores the last block of `head` (fetched from a peer by `deadline`),
   * so the tree at that length stays computable without any peer: true once it is held.
   * UPDATE_TIMEOUT when no peer sends it in time; with `failFast`, at once when no peer is
   * connected. False when the fetch met another history signed by the key (Hypercore proved a
   * conflict and closed the session): the peers answered, they disagree, and the fork is
   * recorded from the conflict proof.
   */
  async holdBlock (key: unknown, head: Pick<Head, 'length' | 'fork'>, opts: { deadline: number, failFast?: boolean }): Promise<boolean> {
    const rec = this.entry(key)
    return await this.pool.use(rec.hex, async (core) => {
      if (core.fork !== head.fork || core.length < head.length) {
        throw new HeadsError('CORE_FAILED', `Core ${rec.hex} moved off the head at length ${head.length}, fork ${head.fork} while it was read; retry.`)
      }
      try {
        await holdBlock(core, head.length, { deadline: opts.deadline, failFast: opts.failFast === true })
        return true
      } catch (err) {
        if (err instanceof HeadsError && err.code === 'CORE_FAILED' && rec.conflictSeen) return false
        throw err
      }
    })
  }

  /**
   * Compares a sealed head with this replica (after a bounded update); see `checkCorePrefix`.
   * `deadline` bounds the update and the fetch of the block the check may need.
   */
  async checkPrefix (key: unknown, sealed: SealedRef, opts: { deadline?: number } = {}): Promise<PrefixResult> {
    const rec = this.entry(key)
    parseSealedRef(sealed)
    return await this.pool.use(rec.hex, async (core) => {
      const bound = (): number => opts.deadline === undefined ? this.updateTimeoutMs : Math.min(this.updateTimeoutMs, timeLeft(opts.deadline, `check the seal of core ${rec.hex}`))
      await boundedUpdate(core, bound())
      return await checkCorePrefix(core, sealed, { timeoutMs: bound(), conflictSeen: rec.conflictSeen })
    })
  }

  /**
   * Where a sealed head and the replica's current head part (incidents' `agreed`): the sealed
   * side from the roots kept with its receipt, the current side from the replica. Length 0 when
   * nothing is proven by `deadline` (or the roots were not kept).
   */
  async agreement (key: unknown, sealed: { head: HeadJson, roots: TreeNodeJson[] | undefined }, observed: HeadJson, deadline: number): Promise<Agreement> {
    const rec = this.entry(key)
    if (sealed.roots === undefined) return NO_AGREEMENT
    const roots = sealed.roots
    return await this.pool.use(rec.hex, async (core) =>
      await findAgreement({ head: sealed.head, prover: rootsProver(treeNodesFromJson(roots)) }, { head: observed, prover: replicaProver(core) }, deadline))
  }

  /**
   * The replica to verify against (src/evidence), after a bounded update from the peers: its head
   * now, then its own tree hashes at the lengths a verify plan names (read on the core's session
   * when asked: the head may have moved by then, which the evidence path checks).
   */
  async replicaSource (key: unknown): Promise<ReplicaSource> {
    const rec = this.entry(key)
    const head = await this.pool.use(rec.hex, async (core) => {
      await boundedUpdate(core, this.updateTimeoutMs)
      rec.noteHead(core.state.length, core.state.fork)
      return { length: core.state.length, fork: core.state.fork }
    })
    return {
      head: () => head,
      view: async (lengths) => await this.pool.use(rec.hex, async (core) => {
        const v = await readReplicaView(core, lengths, { timeoutMs: this.updateTimeoutMs, conflictSeen: rec.conflictSeen })
        return { length: v.length, fork: v.fork, treeHash: v.treeHash ?? null, treeHashAt: (l: number) => v.treeHashes[l] }
      })
    }
  }

  /**
   * The direct peers' own signed heads of the core that contradict `ours` (same length and
   * fork, another tree), each read apart from the shared replica (peer-probe.ts), with where the
   * two histories part: our side from `ours`'s roots, theirs from the peer's own throwaway
   * replica (which talks to that peer only, so proving never meets the other history). Only for
   * cores with two or more peers: with one, the replica is its view. Peers are probed in
   * parallel by `deadline`; a silent peer backs off.
   */
  async splitViews (key: unknown, ours: { head: Head, roots: TreeNode[] }, opts: { deadline: number }): Promise<SplitView[]> {
    const rec = this.entry(key)
    if (rec.peers.length < 2) return []
    const peers = rec.peers.map((p) => parsePeer(p))
    const mine = { head: headToJson(ours.head), prover: rootsProver(ours.roots) }
    const found = await this.prober.probe(Buffer.from(rec.hex, 'hex'), peers, opts.deadline, async (peer, core, head): Promise<SplitView | null> => {
      if (head.length !== ours.head.length || head.fork !== ours.head.fork || head.treeHash.equals(ours.head.treeHash)) return null
      const agreed = await findAgreement(mine, { head: headToJson(head), prover: replicaProver(core) }, opts.deadline)
      return { peer: peer.address, head, agreed }
    })
    return found.filter((v): v is SplitView => v !== null)
  }

  /** Waits until the swarm has looked up every watched core once (no-op without discovery). */
  async flushDiscovery (): Promise<void> {
    await this.discovery?.flush()
  }

  // ------------------------------------------------------------------------------ observers

  /** A core Corestore opened (for a peer, or for us): observe it if it is watched. */
  private onCoreOpened (core: OpenedCore): void {
    // Registered before Corestore's own wait on `ready`, so the observer exists before the core
    // replicates with the peer that asked for it (a conflict there is seen).
    core.ready().then(() => {
      if (this.closed || core.key === null) return
      const rec = this.records.get(core.key.toString('hex'))
      if (rec === undefined || rec.observer !== null) return
      this.observe(rec, weakSessionOnOpen(this.store, core.key))
    }, () => {})
  }

  /** A session the pool opened: observe its core if no observer is on it (a core resumed by Corestore). */
  private observeSession (hex: string, core: Hypercore): void {
    const rec = this.records.get(hex)
    if (this.closed || rec === undefined || rec.observer !== null) return
    this.observe(rec, weakSession(core))
  }

  private observe (rec: CoreRecord, session: Hypercore): void {
    rec.observer = new CoreObserver(rec, session, { log: this.log, onIncident: this.opts.onIncident ?? (() => {}), checkTimeoutMs: this.updateTimeoutMs })
  }

  /**
   * A new core, looked at in the background: created in storage when it is not there yet (so
   * that Corestore can open it when its writer dials in), which also asks its peers for its head.
   */
  private warm (hex: string): void {
    this.warmQueue.add(hex)
    while (this.warming < WARM_CONCURRENCY && this.warmQueue.size > 0) {
      this.warming++
      void this.warmNext().finally(() => { this.warming-- })
    }
  }

  private async warmNext (): Promise<void> {
    for (let hex = this.next(); hex !== null && !this.closed; hex = this.next()) {
      try {
        if (this.records.get(hex)?.fresh !== true) continue
        if (await storesCore(this.store, discoveryKeyOf(Buffer.from(hex, 'hex')))) continue
        await this.pool.use(hex, async () => {})
      } catch (err) {
        this.log.debug({ key: hex, err: (err as Error).message }, 'a new core could not be opened in the background; the next pass opens it')
      }
    }
  }

  private next (): string | null {
    const first = this.warmQueue.values().next()
    if (first.done === true) return null
    this.warmQueue.delete(first.value)
    return first.value
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.stopWatching()
    this.warmQueue.clear()
    for (const link of this.links.values()) link.close()
    this.links.clear()
    await this.server.close()
    await this.discovery?.close()
    await this.pool.close()
    await Promise.all([...this.records.values()].map((r) => r.observer?.close()))
    this.records.clear()
  }
}
