/**
 * What the watcher remembers about a watched core, open or not: a few numbers and references,
 * about 200 bytes a core (measured with bench/scale.ts). The full signed head, the listeners
 * and the session live only while the core is open (observer.ts, session-pool.ts).
 *
 * "Changed" is judged on heads: the head the replica holds (`length`/`fork`, from the observer's
 * events and from every capture) against the head a pass last settled (`settledLength` and
 * `settledFork`). A core is pending — the next pass must look at it — when it was never settled
 * in this process, or its head moved since.
 */
import type { CoreObserver } from './observer'

const NO_PEERS: readonly string[] = Object.freeze([])

/** How a pass should first look at a pending core. */
export type Pending = 'changed' | 'new' | 'unknown'

export class CoreRecord {
  peers: readonly string[] = NO_PEERS
  /** The head the replica holds: -1 when not read since the start, 0 for no signed head. */
  length = -1
  fork = 0
  /** The head a pass settled last: -1 never (in this process), 0 settled with no head. */
  settledLength = -1
  settledFork = 0
  /** Watched in this process (a new core: its peers may still be connecting), not restored from the journal. */
  fresh: boolean
  /** Set once Hypercore proved two signed histories for this key; prefix checks then say `fork`. */
  conflictSeen = false
  /** Conflicts already sent to the sink (one per length, fork and signature), made on the first. */
  conflicts: Set<string> | null = null
  /** The weak session on the core while Corestore holds it open, null otherwise. */
  observer: CoreObserver | null = null

  constructor (readonly hex: string, fresh: boolean) {
    this.fresh = fresh
  }

  addPeers (peers: readonly string[]): void {
    const added = peers.filter((p) => !this.peers.includes(p))
    if (added.length > 0) this.peers = Object.freeze([...this.peers, ...added])
  }

  noteHead (length: number, fork: number): void {
    this.length = length
    this.fork = fork
  }

  /** A pass has looked at the core and concluded at this head (null: it has none). */
  settle (head: { length: number, fork: number } | null): void {
    this.settledLength = head === null ? 0 : head.length
    this.settledFork = head === null ? 0 : head.fork
    if (this.length === -1) this.noteHead(this.settledLength, this.settledFork)
    this.fresh = false
  }

  get pending (): Pending | null {
    if (this.settledLength === -1) return this.fresh ? 'new' : 'unknown'
    if (this.length === -1 || (this.length === this.settledLength && this.fork === this.settledFork)) return null
    return 'changed'
  }
}
