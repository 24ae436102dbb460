/**
 * A split view is invisible to one replica: when a copied key serves another history at the
 * *same* length and fork, Hypercore ignores it (nothing to upgrade), so the service's replica
 * keeps one side. To see both, each peer's signed head is read on its own: a throwaway sparse
 * replica dials the peer, takes its head (no blocks), and is dropped. Two valid signatures for
 * one (length, fork) with different tree hashes are proof of a fork.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Corestore from 'corestore'
import type { Head } from '../seal'
import { readVerifiedHead } from './head-read'
import type { PeerAddress } from './parse'
import { withTimeout } from './timeout'
import { HeadsError } from './errors'

/** The peer's verified signed head of `key`, or null when it has none or does not answer in time. */
export async function probePeerHead (key: Buffer, peer: PeerAddress, timeoutMs: number): Promise<Head | null> {
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
    await withTimeout(core.update({ wait: true }), timeoutMs, () => new HeadsError('UPDATE_TIMEOUT', `peer ${peer.address} sent no head in time`))
    return readVerifiedHead(core)
  } catch {
    return null
  } finally {
    socket?.destroy()
    await store.close().catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
}
