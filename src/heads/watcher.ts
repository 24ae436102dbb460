import type Corestore from 'corestore'
import { headToJson, treeNodesFromJson, NO_AGREEMENT, type Agreement, type Head, type HeadJson, type TreeNode, type TreeNodeJson } from '../seal'
import { findAgreement, replicaProver, rootsProver } from './agreement'
import { SwarmDiscovery } from './discovery'
import { HeadsError } from './errors'
import { boundedUpdate, captureCoreHead } from './head-read'
import { holdBlock, timeLeft } from './hold'
import { SILENT_LOGGER, type HeadsLogger } from './logger'
import { parseKey, parsePeer, type PeerAddress } from './parse'
import { PeerLink, type LinkOptions, type PeerStatus } from './peer-link'
import { checkCorePrefix, parseSealedRef, type PrefixResult, type SealedRef } from './prefix'
import { PeerProber } from './peer-probe'
import { localReplica, type ReplicaSource } from './replica-sources'
import { ReplicationServer } from './replication-server'
import { WatchedCore, type IncidentSink } from './watched-core'

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
  length: number
  fork: number
}

const DEFAULT_LINK: LinkOptions = { baseMs: 500, maxMs: 30_000, stableMs: 10_000, idleTimeoutMs: 20_000 }

/**
 * Keeps sparse replicas of the watched cores up to date (direct TCP peers, the replication
 * port, optional Hyperswarm), captures their signed heads, checks sealed prefixes and reports
 * forks and rewinds. The Corestore is the caller's: `close()` leaves it open.
 */
export class HeadWatcher {
  private readonly cores = new Map<string, WatchedCore>()
  private readonly links = new Map<string, PeerLink>()
  private readonly server: ReplicationServer
  private readonly discovery: SwarmDiscovery | null
  private readonly log: HeadsLogger
  private readonly linkOpts: LinkOptions
  private readonly updateTimeoutMs: number
  private readonly prober = new PeerProber()
  private closed = false

  constructor (private readonly store: Corestore, private readonly opts: HeadWatcherOptions = {}) {
    this.log = opts.logger ?? SILENT_LOGGER
    this.linkOpts = { ...DEFAULT_LINK, ...opts.reconnect }
    this.updateTimeoutMs = opts.updateTimeoutMs ?? 10_000
    this.server = new ReplicationServer(store, this.linkOpts.idleTimeoutMs, this.log)
    const bootstrap = (opts.bootstrap ?? []).map((b) => parsePeer(b))
    this.discovery = bootstrap.length > 0 ? new SwarmDiscovery(store, bootstrap, opts.dhtHost, this.log) : null
  }

  private assertOpen (): void {
    if (this.closed) throw new HeadsError('CLOSED', 'The head watcher is closed; create a new one.')
  }

  private entry (key: unknown): WatchedCore {
    this.assertOpen()
    const hex = parseKey(key).toString('hex')
    const entry = this.cores.get(hex)
    if (entry === undefined) throw new HeadsError('NOT_WATCHED', `Core ${hex} is not watched; watch it first.`)
    return entry
  }

  /**
   * Watches a core (hex or z-base-32 key) and dials the given peers for it. Watching a core
   * again adds the new peers. Resolves once the core's session is open.
   */
  async watch (key: unknown, peers: unknown[] = []): Promise<WatchedInfo> {
    this.assertOpen()
    const buf = parseKey(key)
    if (!Array.isArray(peers)) throw new HeadsError('BAD_PEER', 'Peers must be a list of host:port strings.')
    const parsed: PeerAddress[] = peers.map((p) => parsePeer(p)) // all valid before any change
    const hex = buf.toString('hex')
    let entry = this.cores.get(hex)
    if (entry === undefined) {
      try {
        entry = new WatchedCore(buf, { store: this.store, log: this.log, onIncident: this.opts.onIncident ?? (() => {}), checkTimeoutMs: this.updateTimeoutMs })
      } catch (err) { // the store is closing
        throw new HeadsError('CORE_FAILED', `Core ${hex} could not be opened: ${(err as Error).message}.`, { cause: err })
      }
      this.cores.set(hex, entry)
      this.log.info({ key: hex }, 'watching core')
    }
    for (const peer of parsed) {
      entry.peers.add(peer.address)
      let link = this.links.get(peer.address)
      if (link === undefined) {
        link = new PeerLink(peer, this.store, this.linkOpts, this.log)
        this.links.set(peer.address, link)
      }
      link.keys.add(hex)
      link.start()
    }
    try {
      await entry.ready
    } catch (err) {
      if (this.cores.get(hex) === entry) await this.unwatch(hex).catch(() => {})
      throw new HeadsError('CORE_FAILED', `Core ${hex} could not be opened in the store; check the data directory.`, { cause: err })
    }
    // Hyperswarm needs the discovery key, known only once the session is open.
    this.discovery?.join(entry.core.discoveryKey)
    return this.info(entry)
  }

  async unwatch (key: unknown): Promise<void> {
    const entry = this.entry(key)
    this.cores.delete(entry.hex)
    for (const address of entry.peers) {
      const link = this.links.get(address)
      if (link === undefined) continue
      link.keys.delete(entry.hex)
      if (link.keys.size === 0) {
        link.close()
        this.links.delete(address)
      }
    }
    if (entry.core.opened) await this.discovery?.leave(entry.core.discoveryKey)
    await entry.close()
  }

  private info (entry: WatchedCore): WatchedInfo {
    return { key: entry.hex, peers: [...entry.peers], length: entry.core.length, fork: entry.core.fork }
  }

  watched (): WatchedInfo[] {
    return [...this.cores.values()].map((e) => this.info(e))
  }

  peers (): PeerStatus[] {
    return [...this.links.values()].map((l) => l.status())
  }

  /**
   * What the replica of a watched core holds, as a string that changes whenever its length,
   * fork or conflict state does (a verdict cache's key, src/service/verdict-cache.ts); null for a
   * core not watched or whose session is not open.
   */
  replicaStamp (key: string): string | null {
    const entry = this.cores.get(key)
    if (entry === undefined || !entry.core.opened || entry.core.closed) return null
    return `${entry.core.state.length}:${entry.core.state.fork}:${entry.conflictSeen ? 1 : 0}`
  }

  /** The last verified signed head captured or seen on the core, or null. */
  lastHead (key: unknown): Head | null {
    return this.entry(key).lastHead
  }

  /** Binds the replication port so writers can dial in; returns the bound address. */
  async listen (): Promise<{ host: string, port: number }> {
    this.assertOpen()
    return await this.server.listen(this.opts.host ?? '127.0.0.1', this.opts.replicationPort ?? 8481)
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
    const entry = this.entry(key)
    await entry.ready
    const wait = opts.deadline === undefined ? this.updateTimeoutMs : Math.min(this.updateTimeoutMs, timeLeft(opts.deadline, `update core ${entry.hex}`))
    const { head, roots, updated } = await captureCoreHead(entry.core, { updateTimeoutMs: wait, waitForPeers: opts.waitForPeers })
    if (updated === 'timeout') this.log.warn({ key: entry.hex, length: head.length }, 'no newer head within the update timeout; captured the one held')
    entry.noteHead(head)
    return { head, roots }
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
    const entry = this.entry(key)
    await entry.ready
    if (entry.core.fork !== head.fork || entry.core.length < head.length) {
      throw new HeadsError('CORE_FAILED', `Core ${entry.hex} moved off the head at length ${head.length}, fork ${head.fork} while it was read; retry.`)
    }
    try {
      await holdBlock(entry.core, head.length, { deadline: opts.deadline, failFast: opts.failFast === true })
      return true
    } catch (err) {
      if (err instanceof HeadsError && err.code === 'CORE_FAILED' && entry.conflictSeen) return false
      throw err
    }
  }

  /**
   * Compares a sealed head with this replica (after a bounded update); see `checkCorePrefix`.
   * `deadline` bounds the update and the fetch of the block the check may need.
   */
  async checkPrefix (key: unknown, sealed: SealedRef, opts: { deadline?: number } = {}): Promise<PrefixResult> {
    const entry = this.entry(key)
    parseSealedRef(sealed)
    await entry.ready
    const bound = (): number => opts.deadline === undefined ? this.updateTimeoutMs : Math.min(this.updateTimeoutMs, timeLeft(opts.deadline, `check the seal of core ${entry.hex}`))
    await boundedUpdate(entry.core, bound())
    return await checkCorePrefix(entry.core, sealed, { timeoutMs: bound(), conflictSeen: entry.conflictSeen })
  }

  /**
   * Where a sealed head and the replica's current head part (incidents' `agreed`): the sealed
   * side from the roots kept with its receipt, the current side from the replica. Length 0 when
   * nothing is proven by `deadline` (or the roots were not kept).
   */
  async agreement (key: unknown, sealed: { head: HeadJson, roots: TreeNodeJson[] | undefined }, observed: HeadJson, deadline: number): Promise<Agreement> {
    const entry = this.entry(key)
    if (sealed.roots === undefined) return NO_AGREEMENT
    await entry.ready
    return await findAgreement({ head: sealed.head, prover: rootsProver(treeNodesFromJson(sealed.roots)) }, { head: observed, prover: replicaProver(entry.core) }, deadline)
  }

  /**
   * The replica to verify against (src/evidence), after a bounded update from the peers: its head
   * now, then its own tree hashes at the lengths a verify plan names.
   */
  async replicaSource (key: unknown): Promise<ReplicaSource> {
    const entry = this.entry(key)
    await entry.ready
    await boundedUpdate(entry.core, this.updateTimeoutMs)
    return localReplica(entry.core, { timeoutMs: this.updateTimeoutMs, conflictSeen: entry.conflictSeen })
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
    const entry = this.entry(key)
    if (entry.peers.size < 2) return []
    const peers = [...entry.peers].map((p) => parsePeer(p))
    const mine = { head: headToJson(ours.head), prover: rootsProver(ours.roots) }
    const found = await this.prober.probe(entry.key, peers, opts.deadline, async (peer, core, head): Promise<SplitView | null> => {
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
    await Promise.all([...this.cores.values()].map((e) => e.close()))
    this.cores.clear()
  }
}
