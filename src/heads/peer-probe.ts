/**
 * A split view is invisible to one replica: when a copied key serves another history at the
 * *same* length and fork, Hypercore ignores it (nothing to upgrade), so the service's replica
 * keeps one side. To see both, each peer's signed head is read on its own: a throwaway sparse
 * replica dials the peer, takes its head (no blocks), and is dropped. Two valid signatures for
 * one (length, fork) with different tree hashes are proof of a fork.
 *
 * The peers of a core are probed in parallel, each within the caller's deadline. A peer that
 * sends no head in time backs off (backoff.ts: 15–30 s after a first failure, doubling, up to
 * 10 min, shared by every core that names it), so a silent peer costs one wait, not one per
 * core and pass.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Corestore from 'corestore'
import type Hypercore from 'hypercore'
import type { Head } from '../seal'
import { backoffDelay, type BackoffOptions } from './backoff'
import { readVerifiedHead } from './head-read'
import type { PeerAddress } from './parse'
import { withTimeout } from './timeout'
import { HeadsError } from './errors'

const PROBE_BACKOFF: BackoffOptions = { baseMs: 30_000, maxMs: 10 * 60_000 }

/**
 * Runs `use` on a throwaway replica of `key` connected to `peer` only, once it holds the peer's
 * verified signed head; null when the peer sends none before `deadline` or `use` fails.
 */
export async function withPeerReplica<T> (key: Buffer, peer: PeerAddress, deadline: number, use: (core: Hypercore, head: Head) => Promise<T>): Promise<T | null> {
  const dir = mkdtempSync(join(tmpdir(), 'hyperseal-probe-'))
  const store = new Corestore(dir)
  let socket: Socket | undefined
  try {
    const core = store.get({ key })
    await core.ready()
    socket = connect(peer.port, peer.host)
    socket.on('error', () => {})
    const stream = store.replicate(true)
    stream.on('error', () => {})
    socket.pipe(stream).pipe(socket)
    const left = deadline - Date.now()
    if (left <= 0) return null
    await withTimeout(core.update({ wait: true }), left, () => new HeadsError('UPDATE_TIMEOUT', `peer ${peer.address} sent no head in time`))
    const head = readVerifiedHead(core)
    return head === null ? null : await use(core, head)
  } catch {
    return null
  } finally {
    socket?.destroy()
    await store.close().catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Peer probes with a backoff per peer address for peers that do not answer. */
export class PeerProber {
  private readonly failing = new Map<string, { failures: number, retryAt: number }>()

  /** True while `peer` backs off after failed probes. */
  backingOff (peer: string, now = Date.now()): boolean {
    const f = this.failing.get(peer)
    return f !== undefined && f.retryAt > now
  }

  /**
   * Probes every peer not backing off, in parallel, and runs `use` on each that answers;
   * results in the order of `peers` (null for a peer skipped or silent).
   */
  async probe<T> (key: Buffer, peers: PeerAddress[], deadline: number, use: (peer: PeerAddress, core: Hypercore, head: Head) => Promise<T>): Promise<Array<T | null>> {
    return await Promise.all(peers.map(async (peer) => {
      if (this.backingOff(peer.address)) return null
      let answered = false
      const out = await withPeerReplica(key, peer, deadline, async (core, head) => {
        answered = true
        return await use(peer, core, head)
      })
      this.note(peer.address, answered)
      return out
    }))
  }

  private note (peer: string, answered: boolean): void {
    if (answered) {
      this.failing.delete(peer)
      return
    }
    const failures = (this.failing.get(peer)?.failures ?? 0) + 1
    this.failing.set(peer, { failures, retryAt: Date.now() + backoffDelay(failures - 1, PROBE_BACKOFF) })
  }
}
