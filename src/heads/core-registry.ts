/**
 * The watched cores' records (core-record.ts), the session pool that opens them on demand
 * (session-pool.ts), and the observers that keep the records current while a core is open
 * (observer.ts), whoever opened it: a session of ours, or Corestore itself for a peer.
 */
import type Corestore from 'corestore'
import type Hypercore from 'hypercore'
import { CoreRecord, type Pending } from './core-record'
import type { HeadsLogger } from './logger'
import { CoreObserver, type ObserverDeps } from './observer'
import { SessionPool, type PoolOptions, type PoolStats } from './session-pool'
import { discoveryKeyOf, onCoreOpened, storesCore, weakSession, weakSessionOnOpen, type OpenedCore } from './store-hooks'
import { WorkQueue } from '../util'

/** A core a pass must look at, and why (see CoreRecord). */
export interface PendingCore {
  key: string
  pending: Pending
}

/**
 * Told of every session the pool opens on a watched core, before its first use: a look at what
 * is stored costs nothing more there (the session is open anyway). Must not throw, nor use the pool.
 */
export type SessionHook = (hex: string, core: Hypercore) => Promise<void>

export interface SessionStats extends PoolStats {
  /** Cores Corestore holds open with our observer on them (replicating, or in use). */
  observed: number
}

/** New cores looked at once in the background (created in storage, peers asked for their head). */
const WARM_CONCURRENCY = 2
const PENDING_ORDER: Record<Pending, number> = { changed: 0, new: 1, unknown: 2 }

export class CoreRegistry {
  private readonly records = new Map<string, CoreRecord>()
  readonly pool: SessionPool
  private readonly stopWatching: () => void
  private readonly warmQueue = new WorkQueue<string>(WARM_CONCURRENCY, (hex) => this.warm(hex))
  private closed = false
  private hook: SessionHook | null = null

  constructor (private readonly store: Corestore, pool: PoolOptions, private readonly deps: ObserverDeps & { log: HeadsLogger }) {
    this.pool = new SessionPool(store, pool, (hex, core) => this.observeSession(hex, core))
    this.stopWatching = onCoreOpened(store, (core) => this.onCoreOpened(core))
  }

  onSession (hook: SessionHook): void {
    this.hook = hook
  }

  get (hex: string): CoreRecord | undefined {
    return this.records.get(hex)
  }

  get size (): number {
    return this.records.size
  }

  values (): IterableIterator<CoreRecord> {
    return this.records.values()
  }

  keys (): IterableIterator<string> {
    return this.records.keys()
  }

  /** The core's record, made when new; a core watched in this process (not restored) is looked at in the background. */
  add (hex: string, fresh: boolean): { rec: CoreRecord, added: boolean } {
    const known = this.records.get(hex)
    if (known !== undefined) return { rec: known, added: false }
    const rec = new CoreRecord(hex, fresh)
    this.records.set(hex, rec)
    if (fresh) this.warmQueue.add(hex)
    return { rec, added: true }
  }

  async remove (rec: CoreRecord): Promise<void> {
    this.records.delete(rec.hex)
    this.warmQueue.delete(rec.hex)
    await rec.observer?.close()
    await this.pool.drop(rec.hex)
  }

  /** Pending cores: changed first, then new, then restored and unread; by key within each. */
  pending (): PendingCore[] {
    const out: PendingCore[] = []
    for (const rec of this.records.values()) {
      const pending = rec.pending
      if (pending !== null) out.push({ key: rec.hex, pending })
    }
    return out.sort((a, b) => PENDING_ORDER[a.pending] - PENDING_ORDER[b.pending] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  }

  /** `length:fork:conflict` of an open core, null when it is not open (see HeadWatcher.replicaStamp). */
  stamp (hex: string): string | null {
    const rec = this.records.get(hex)
    const session = rec?.observer?.session
    if (rec === undefined || session === undefined || !session.opened || session.closed) return null
    return `${session.state.length}:${session.state.fork}:${rec.conflictSeen ? 1 : 0}`
  }

  stats (): SessionStats {
    let observed = 0
    for (const rec of this.records.values()) if (rec.observer !== null) observed++
    return { ...this.pool.stats(), observed }
  }

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

  /** A session the pool opened: observe its core if no observer is on it (a core resumed by Corestore), then the hook. */
  private async observeSession (hex: string, core: Hypercore): Promise<void> {
    const rec = this.records.get(hex)
    if (this.closed || rec === undefined) return
    if (rec.observer === null) this.observe(rec, weakSession(core))
    await this.hook?.(hex, core)
  }

  private observe (rec: CoreRecord, session: Hypercore): void {
    rec.observer = new CoreObserver(rec, session, this.deps)
  }

  /**
   * A new core, looked at in the background: created in storage when it is not there yet (so
   * that Corestore can open it when its writer dials in), which also asks its peers for its head.
   */
  private async warm (hex: string): Promise<void> {
    try {
      if (this.closed || this.records.get(hex)?.fresh !== true) return
      if (await storesCore(this.store, discoveryKeyOf(Buffer.from(hex, 'hex')))) return
      await this.pool.use(hex, async () => {})
    } catch (err) {
      this.deps.log.debug({ key: hex, err: (err as Error).message }, 'a new core could not be opened in the background; the next pass opens it')
    }
  }

  async close (): Promise<void> {
    this.closed = true
    this.stopWatching()
    this.warmQueue.close()
    await this.pool.close()
    await Promise.all([...this.records.values()].map((r) => r.observer?.close()))
    this.records.clear()
  }
}
