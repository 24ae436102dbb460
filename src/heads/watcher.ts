import type Corestore from 'corestore'
import { headToJson, type Agreement, type Head, type HeadJson, type TreeNode, type TreeNodeJson } from '../seal'
import { findAgreement, replicaProver, rootsProver } from './agreement'
import type { CoreRecord } from './core-record'
import { CoreReads } from './core-reads'
import { CoreRegistry, type PendingCore, type SessionHook, type SessionStats } from './core-registry'
import { SwarmDiscovery } from './discovery'
import { HeadsError } from './errors'
import { SILENT_LOGGER, type HeadsLogger } from './logger'
import type { IncidentSink } from './observer'
import { parseKey, parsePeer, type PeerAddress } from './parse'
import { PeerLink, type LinkOptions, type PeerStatus } from './peer-link'
import { type PrefixResult, type SealedRef } from './prefix'
import { PeerProber } from './peer-probe'
import type { ReplicaSource } from './replica-sources'
import { ReplicationServer } from './replication-server'
import type { SessionPool } from './session-pool'
import { discoveryKeyOf } from './store-hooks'

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

export type { PendingCore, SessionHook, SessionStats }

const DEFAULT_LINK: LinkOptions = { baseMs: 500, maxMs: 30_000, stableMs: 10_000, idleTimeoutMs: 20_000 }

/**
 * Keeps sparse replicas of the watched cores (direct TCP peers, the replication port, optional
 * Hyperswarm), captures their signed heads, checks sealed prefixes and reports forks and
 * rewinds, without holding every core open: a core has a session only while something uses
 * it (session-pool.ts), and an observer only while Corestore holds it open (observer.ts). What
 * is kept for every core is its record (core-record.ts). The Corestore is the caller's:
 * `close()` leaves it open.
 */
export class HeadWatcher {
  private readonly records: CoreRegistry
  private readonly links = new Map<string, PeerLink>()
  private readonly server: ReplicationServer
  private readonly discovery: SwarmDiscovery | null
  private readonly log: HeadsLogger
  private readonly linkOpts: LinkOptions
  private readonly updateTimeoutMs: number
  private readonly prober = new PeerProber()
  private readonly pool: SessionPool
  private readonly reads: CoreReads
  private closed = false

  constructor (private readonly store: Corestore, private readonly opts: HeadWatcherOptions = {}) {
    this.log = opts.logger ?? SILENT_LOGGER
    this.linkOpts = { ...DEFAULT_LINK, ...opts.reconnect }
    this.updateTimeoutMs = opts.updateTimeoutMs ?? 10_000
    this.server = new ReplicationServer(store, this.linkOpts.idleTimeoutMs, this.log)
    const bootstrap = (opts.bootstrap ?? []).map((b) => parsePeer(b))
    this.discovery = bootstrap.length > 0 ? new SwarmDiscovery(store, bootstrap, opts.dhtHost, this.log) : null
    this.records = new CoreRegistry(store, { max: opts.maxSessions ?? 256, idleMs: opts.sessionIdleMs ?? 10_000 }, { log: this.log, onIncident: opts.onIncident ?? (() => {}), checkTimeoutMs: this.updateTimeoutMs })
    this.pool = this.records.pool
    this.reads = new CoreReads(this.pool, this.updateTimeoutMs, this.log)
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
    const { rec, added } = this.records.add(hex, opts.restored !== true)
    if (added) {
      this.log.debug({ key: hex }, 'watching core')
      this.discovery?.join(discoveryKeyOf(buf))
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
    await this.records.remove(rec)
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

  get size (): number { return this.records.size }

  /** The watched cores' keys (hex), in the order they were first watched. */
  keys (): IterableIterator<string> {
    return this.records.keys()
  }

  peers (): PeerStatus[] { return [...this.links.values()].map((l) => l.status()) }

  /**
   * What the replica of a watched core holds, as a string that changes whenever its length,
   * fork or conflict state does (a verdict cache's key, src/service/verdict-cache.ts); null for a
   * core not watched or not open now (a closed core may take a new head unseen: not cacheable).
   */
  replicaStamp (key: string): string | null {
    return this.records.stamp(key)
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

  /** The cores a pass must look at: head moved since last settled, new, or restored and unread (CoreRecord). */
  pending (): PendingCore[] {
    return this.records.pending()
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

  /** Calls `hook` on every session the watcher opens on a watched core, before its first use (one hook; a later call replaces it). */
  onSession (hook: SessionHook): void {
    this.records.onSession(hook)
  }

  sessionStats (): SessionStats {
    return this.records.stats()
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

  /** The newest verified head after a bounded update from the peers, with its roots; see CoreReads. */
  async capture (key: unknown, opts: { deadline?: number, waitForPeers?: boolean } = {}): Promise<{ head: Head, roots: TreeNode[] }> {
    return await this.reads.capture(this.entry(key), opts)
  }

  /** Makes sure the replica stores the last block of `head`, so its tree stays computable; see CoreReads. */
  async holdBlock (key: unknown, head: Pick<Head, 'length' | 'fork'>, opts: { deadline: number, failFast?: boolean }): Promise<boolean> {
    return await this.reads.holdBlock(this.entry(key), head, opts)
  }

  /** Compares a sealed head with this replica (after a bounded update); see `checkCorePrefix`. */
  async checkPrefix (key: unknown, sealed: SealedRef, opts: { deadline?: number } = {}): Promise<PrefixResult> {
    return await this.reads.checkPrefix(this.entry(key), sealed, opts)
  }

  /** Where a sealed head and the replica's current head part (incidents' `agreed`); see CoreReads. */
  async agreement (key: unknown, sealed: { head: HeadJson, roots: TreeNodeJson[] | undefined }, observed: HeadJson, deadline: number): Promise<Agreement> {
    return await this.reads.agreement(this.entry(key), sealed, observed, deadline)
  }

  /** The replica to verify against (src/evidence), after a bounded update; see CoreReads. */
  async replicaSource (key: unknown): Promise<ReplicaSource> { return await this.reads.replicaSource(this.entry(key)) }

  /** The replica as an untrusted verifier reads it, as upgrade proofs (GET /v1/cores/:key/proofs); see CoreReads. */
  async proofSource (key: unknown): Promise<ReplicaSource> { return await this.reads.proofSource(this.entry(key)) }

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

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const link of this.links.values()) link.close()
    this.links.clear()
    await this.server.close()
    await this.discovery?.close()
    await this.records.close()
  }
}
