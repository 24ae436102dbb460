/**
 * The two Corestore/Hypercore features the session model rests on that the package types
 * (src/types) leave out, read from corestore 7.12.5 and hypercore 11.37.1 and kept here:
 *
 * - `store.watch(fn)` calls `fn` with every core the store opens, whoever opens it: our own
 *   sessions, or Corestore itself when a peer opens a channel for a stored core
 *   (`_attachMaybe`, on the replication stream's `ondiscoverykey`). It fires before the core is
 *   ready, often before its key is known (a peer names it by discovery key).
 * - A *weak* session (`session.session({ weak: true })`) gets every event of the core but does
 *   not count as a session: the core still goes idle and closes (Corestore closes an idle core
 *   after ~8 s) and Hypercore then closes the weak session too. It downloads nothing.
 */
import type Corestore from 'corestore'
import type Hypercore from 'hypercore'
import sodium from 'sodium-native'

/** A core as Corestore opens it (not a session). */
export interface OpenedCore {
  /** Null until the core is ready when a peer named it by discovery key. */
  readonly key: Buffer | null
  ready (): Promise<void>
}

interface WatchableStore {
  watch (fn: (core: OpenedCore) => void): void
  unwatch (fn: (core: OpenedCore) => void): void
  get (opts: { key: Buffer, active: boolean }): Hypercore
}

interface SessionMaker {
  session (opts: { weak: true }): Hypercore
}

/** Calls `fn` for every core `store` opens from now on; returns the function that stops it. */
export function onCoreOpened (store: Corestore, fn: (core: OpenedCore) => void): () => void {
  const s = store as unknown as WatchableStore
  s.watch(fn)
  return () => s.unwatch(fn)
}

/** A weak session beside an open session of the same core. */
export function weakSession (core: Hypercore): Hypercore {
  return (core as unknown as SessionMaker).session({ weak: true })
}

/**
 * A weak session on a core Corestore holds open without any session of ours: made from a
 * short-lived inactive session (it neither downloads nor, once closed, keeps the core open),
 * closed as soon as the weak one is ready.
 */
export function weakSessionOnOpen (store: Corestore, key: Buffer): Hypercore {
  const bridge = (store as unknown as WatchableStore).get({ key, active: false })
  const weak = weakSession(bridge)
  weak.ready().catch(() => {}).finally(() => { void bridge.close().catch(() => {}) })
  return weak
}

interface StoreWithStorage {
  storage: { hasCore (discoveryKey: Buffer): Promise<boolean> }
}

/** Whether the store's storage holds the core (a peer can then open it on demand). */
export async function storesCore (store: Corestore, discoveryKey: Buffer): Promise<boolean> {
  return await (store as unknown as StoreWithStorage).storage.hasCore(discoveryKey)
}

const DISCOVERY_NAMESPACE = Buffer.from('hypercore')

/** A core's discovery key, as hypercore-crypto derives it: BLAKE2b-256 of "hypercore" keyed by the core key. */
export function discoveryKeyOf (key: Buffer): Buffer {
  const out = Buffer.alloc(32)
  sodium.crypto_generichash(out, DISCOVERY_NAMESPACE, key)
  return out
}
