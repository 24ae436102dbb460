/**
 * The sessions the watcher opens on watched cores, at most `max` at a time. A session is opened
 * when something needs the core (a pass, a verify, a new core's first look) and closed once no
 * one has used it for `idleMs`, or earlier when the pool is full and another core needs a slot
 * (least recently used first). A caller that finds every slot in use waits its turn (first
 * come, first served). Closing our session does not stop replication: Corestore keeps a core
 * open while a peer replicates it and opens a stored one when a peer asks for it (its
 * `ondiscoverykey`), and the watcher's observer sees those (observer.ts).
 *
 * An active session is what makes Hypercore download: while it is open the core's channels stay
 * open and the replica takes every head its peers announce.
 */
import type Corestore from 'corestore'
import type Hypercore from 'hypercore'
import { HeadsError } from './errors'

interface Slot {
  readonly hex: string
  readonly core: Hypercore
  readonly ready: Promise<void>
  refs: number
  timer: NodeJS.Timeout | null
}

export interface PoolOptions {
  /** Sessions open at once, in use or lingering. */
  max: number
  /** A session nobody used for this long is closed. */
  idleMs: number
}

export interface PoolStats {
  /** Sessions open now (in use or lingering). */
  open: number
  /** Of which in use. */
  inUse: number
  /** The most open at once since the pool was made. */
  highWater: number
  /** Sessions opened since the pool was made. */
  opened: number
  /** Callers waiting for a slot. */
  waiting: number
}

export class SessionPool {
  private readonly slots = new Map<string, Slot>()
  /** Slots nobody uses, least recently used first (a Set keeps insertion order). */
  private readonly idle = new Set<Slot>()
  private readonly waiters: Array<() => void> = []
  private highWater = 0
  private opened = 0
  private closed = false

  constructor (
    private readonly store: Corestore,
    private readonly opts: PoolOptions,
    /**
     * Told of every session the pool opens, once it is ready (the watcher attaches its observer,
     * the service reads what the core is); the session's first use waits for it.
     */
    private readonly onOpen: (hex: string, core: Hypercore) => void | Promise<void>
  ) {
    if (!Number.isSafeInteger(opts.max) || opts.max < 1) throw new HeadsError('CORE_FAILED', `The session bound must be a positive integer, not ${opts.max}.`)
  }

  /** Runs `fn` on an open session of the core, holding it (not closed, not evicted) until `fn` ends. */
  async use<T> (hex: string, fn: (core: Hypercore) => Promise<T>): Promise<T> {
    const slot = await this.acquire(hex)
    try {
      await slot.ready
      if (slot.core.closed) {
        throw new HeadsError('CORE_FAILED', `The session of core ${hex} was closed (Hypercore closes every session of a core that proved a conflict); retry.`)
      }
      return await fn(slot.core)
    } finally {
      this.release(slot)
    }
  }

  /** True while the pool holds a session of the core. */
  has (hex: string): boolean {
    return this.slots.has(hex)
  }

  stats (): PoolStats {
    let inUse = 0
    for (const slot of this.slots.values()) if (slot.refs > 0) inUse++
    return { open: this.slots.size, inUse, highWater: this.highWater, opened: this.opened, waiting: this.waiters.length }
  }

  /** Closes the core's session if nobody uses it (an unwatched core). */
  async drop (hex: string): Promise<void> {
    const slot = this.slots.get(hex)
    if (slot !== undefined && slot.refs === 0) await this.closeSlot(slot)
  }

  private async acquire (hex: string): Promise<Slot> {
    for (;;) {
      if (this.closed) throw new HeadsError('CLOSED', 'The head watcher is closed; create a new one.')
      const slot = this.slots.get(hex)
      if (slot !== undefined) {
        slot.refs++
        this.idle.delete(slot)
        if (slot.timer !== null) clearTimeout(slot.timer)
        slot.timer = null
        return slot
      }
      if (this.slots.size < this.opts.max) return this.open(hex)
      const lru = this.idle.values().next()
      if (lru.done !== true) {
        void this.closeSlot(lru.value)
        continue
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
  }

  private open (hex: string): Slot {
    let core: Hypercore
    try {
      core = this.store.get({ key: Buffer.from(hex, 'hex') })
    } catch (err) { // the store is closing
      throw new HeadsError('CORE_FAILED', `Core ${hex} could not be opened: ${(err as Error).message}.`, { cause: err })
    }
    const ready = core.ready().then(async () => { await this.onOpen(hex, core) }, (err: unknown) => {
      this.forget(slot)
      throw new HeadsError('CORE_FAILED', `Core ${hex} could not be opened in the store; check the data directory.`, { cause: err })
    })
    ready.catch(() => {})
    const slot: Slot = { hex, core, ready, refs: 1, timer: null }
    this.slots.set(hex, slot)
    this.opened++
    this.highWater = Math.max(this.highWater, this.slots.size)
    // Hypercore closes sessions itself (a conflict): the slot goes, the next use opens another.
    core.once('close', () => this.forget(slot))
    return slot
  }

  private release (slot: Slot): void {
    slot.refs--
    if (slot.refs > 0 || this.slots.get(slot.hex) !== slot) return
    if (this.waiters.length > 0 || this.closed) {
      void this.closeSlot(slot)
      return
    }
    this.idle.add(slot)
    slot.timer = setTimeout(() => { void this.closeSlot(slot) }, this.opts.idleMs)
    slot.timer.unref()
  }

  /** Removes the slot and lets one waiter in. */
  private forget (slot: Slot): void {
    if (slot.timer !== null) clearTimeout(slot.timer)
    slot.timer = null
    this.idle.delete(slot)
    if (this.slots.get(slot.hex) !== slot) return
    this.slots.delete(slot.hex)
    this.waiters.shift()?.()
  }

  private async closeSlot (slot: Slot): Promise<void> {
    this.forget(slot)
    await slot.core.close().catch(() => {})
  }

  async close (): Promise<void> {
    this.closed = true
    for (const wake of this.waiters.splice(0)) wake()
    await Promise.all([...this.slots.values()].map((slot) => this.closeSlot(slot)))
  }
}
