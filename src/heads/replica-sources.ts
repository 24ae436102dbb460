/**
 * Replicas to verify against, read in two steps (`ReplicaSource`): the head first, which decides
 * which seals matter, then the tree at the lengths the verify plan names.
 *
 * - `localReplica(core)`: a replica we trust (the service's own, or the user's Corestore): its own
 *   tree hashes, `treeHash(length)` (on a sparse replica Hypercore fetches block length−1 first;
 *   see prefix.ts), never past its length.
 * - `openStorageReplica(dir, key)`: the user's Corestore directory, opened read-only in spirit
 *   (Corestore 7 has no read-only mode and locks the directory: it must not be open elsewhere).
 * - `openRemoteReplica(peer, key)`: an untrusted peer, replicated sparsely into a temporary
 *   Corestore: its head, then block L−1 and its Merkle path for each planned length L (O(log n)
 *   nodes), then the connection is closed so the state is fixed, and Hypercore's upgrade proofs
 *   `{ start: 0, length: L }` are built from that sparse state for src/verify to check
 *   independently of Hypercore's own checks.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Corestore from 'corestore'
import type Hypercore from 'hypercore'
import type { ReplicaView, UpgradeProof } from '../verify'
import { HeadsError } from './errors'
import type { PeerAddress } from './parse'
import { readReplicaSnapshot } from './prefix'
import { withTimeout } from './timeout'

export interface ReplicaSource {
  head (): { length: number, fork: number }
  view (lengths: number[]): Promise<ReplicaView>
}

/** A source that must be closed when the verification is done. */
export interface OpenReplica extends ReplicaSource {
  /** The replica's core, to read what it holds (a structure's block 0 and entries) before `view` is asked. */
  core: Hypercore
  close (): Promise<void>
}

export function localReplica (core: Hypercore, opts: { timeoutMs: number, conflictSeen?: boolean }): ReplicaSource {
  return {
    head: () => ({ length: core.state.length, fork: core.state.fork }),
    view: async (lengths) => {
      const v = await readReplicaSnapshot(core, lengths, opts)
      return { length: v.length, fork: v.fork, treeHash: v.treeHash ?? null, treeHashAt: (l) => v.treeHashes[l] }
    }
  }
}

export async function openStorageReplica (dir: string, key: Buffer, timeoutMs: number): Promise<OpenReplica> {
  const full = resolve(dir)
  // Corestore would create an empty store at a wrong path; refuse instead.
  if (!existsSync(full) || !statSync(full).isDirectory() || !existsSync(join(full, 'CORESTORE'))) {
    throw new HeadsError('BAD_STORAGE', `${full} is not a Corestore directory (no CORESTORE file in it); give the directory the replica was stored in.`)
  }
  const store = new Corestore(full)
  try {
    try {
      await store.ready()
    } catch (err) {
      const locked = /lock/i.test((err as Error).message)
      throw new HeadsError('BAD_STORAGE', locked
        ? `The Corestore in ${full} is locked by another process; stop that process (or copy the directory) and try again.`
        : `The Corestore in ${full} cannot be opened (${(err as Error).message}).`, { cause: err })
    }
    const core = store.get({ key, createIfMissing: false } as Parameters<Corestore['get']>[0])
    try {
      await core.ready()
    } catch (err) {
      if ((err as { code?: string }).code === 'STORAGE_EMPTY') throw new HeadsError('BAD_STORAGE', `The Corestore in ${full} holds no core ${key.toString('hex')}.`, { cause: err })
      throw err
    }
    return { ...localReplica(core, { timeoutMs }), core, close: async () => { await store.close().catch(() => {}) } }
  } catch (err) {
    await store.close().catch(() => {})
    throw err
  }
}

function dial (peer: PeerAddress, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: peer.host, port: peer.port, timeout: timeoutMs })
    const fail = (why: string): void => {
      socket.destroy()
      reject(new HeadsError('PEER_UNREACHABLE', `The peer ${peer.address} cannot be reached (${why}).`))
    }
    socket.once('connect', () => {
      socket.setTimeout(0)
      socket.removeAllListeners('error')
      socket.on('error', () => {})
      resolve(socket)
    })
    socket.once('timeout', () => fail(`no answer within ${timeoutMs / 1000} s`))
    socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message))
  })
}

/** A sparse replica of a core, connected to a peer that holds it, with its head known. */
export interface RemoteCore {
  core: Hypercore
  peer: PeerAddress
  /** Stops replicating: from then on the sparse state is fixed. */
  disconnect (): void
  close (): Promise<void>
}

/**
 * Replicates `key` sparsely from the first of `peers` that answers with a signed head: nothing
 * is downloaded but the head until the caller reads blocks (or a Hyperbee on the core does).
 */
export async function openRemoteCore (peers: readonly PeerAddress[], key: Buffer, timeoutMs: number): Promise<RemoteCore> {
  if (peers.length === 0) throw new HeadsError('PEER_UNREACHABLE', `No peer was given to replicate core ${key.toString('hex')} from.`)
  let last: unknown
  for (const peer of peers) {
    try {
      return await openFromPeer(peer, key, timeoutMs)
    } catch (err) {
      last = err
    }
  }
  throw last
}

async function openFromPeer (peer: PeerAddress, key: Buffer, timeoutMs: number): Promise<RemoteCore> {
  const dir = mkdtempSync(join(tmpdir(), 'hyperseal-verify-'))
  const store = new Corestore(dir)
  let socket: Socket | undefined
  let stream: ReturnType<Corestore['replicate']> | undefined
  const disconnect = (): void => {
    socket?.destroy()
    stream?.destroy()
  }
  const close = async (): Promise<void> => {
    disconnect()
    await store.close().catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const core = store.get({ key })
    await core.ready()
    socket = await dial(peer, timeoutMs)
    stream = store.replicate(true)
    stream.on('error', () => {})
    socket.pipe(stream).pipe(socket)
    const hex = key.toString('hex')
    await withTimeout(core.update({ wait: true }), timeoutMs, () => new HeadsError('UPDATE_TIMEOUT', `The peer ${peer.address} sent no head of core ${hex} within ${timeoutMs / 1000} s; does it hold this core?`))
    if (core.length === 0) throw new HeadsError('NO_HEAD', `The peer ${peer.address} holds no signed head of core ${hex}.`)
    return { core, peer, disconnect, close }
  } catch (err) {
    await close()
    throw err
  }
}

/** An untrusted remote replica of `key`: its head when this resolves; `view` proves its tree at the planned lengths. */
export async function openRemoteReplica (peers: readonly PeerAddress[], key: Buffer, timeoutMs: number): Promise<OpenReplica> {
  const remote = await openRemoteCore(peers, key, timeoutMs)
  return { ...remoteReplica(remote, timeoutMs), core: remote.core, close: remote.close }
}

/**
 * The replica source of a connected remote core (the caller closes it). Once the planned blocks
 * are in, the connection is dropped (`freeze`, the default) so the proven state cannot move.
 */
export function remoteReplica (remote: RemoteCore, timeoutMs: number, opts: { freeze?: boolean } = {}): ReplicaSource {
  const hex = remote.core.key.toString('hex')
  return proofReplica(remote.core, {
    timeoutMs,
    missing: (index) => `The peer ${remote.peer.address} did not send block ${index} of core ${hex} within ${timeoutMs / 1000} s.`,
    // From here on the sparse replica is what the peer proved; stop it from moving under us.
    ...(opts.freeze !== false ? { beforeProofs: remote.disconnect } : {})
  })
}

/**
 * A replica as an untrusted verifier reads it: its head, then for each planned length L up to it,
 * block L−1 (fetched with a bound when missing: it brings the Merkle path) and Hypercore's upgrade
 * proof `{ start: 0, length: L }`, which src/verify checks independently of Hypercore. A remote
 * peer is read this way (`remoteReplica`); the service hands out its own replica this way
 * (GET /v1/cores/:key/proofs), so a browser checks it exactly as `verify --peer` does.
 */
export function proofReplica (core: Hypercore, opts: { timeoutMs: number, missing: (index: number) => string, beforeProofs?: () => void }): ReplicaSource {
  const head = { length: core.state.length, fork: core.state.fork }
  return {
    head: () => head,
    view: async (lengths) => {
      const wanted = [...new Set(lengths)].filter((l) => l >= 1 && l <= head.length)
      for (const length of wanted) {
        if (await core.has(length - 1)) continue
        await core.get(length - 1, { timeout: opts.timeoutMs }).catch((err: unknown) => {
          throw new HeadsError('UPDATE_TIMEOUT', opts.missing(length - 1), { cause: err })
        })
      }
      opts.beforeProofs?.()
      const state = core.state
      const proofs: Record<number, UpgradeProof> = {}
      for (const length of wanted) {
        if (length > state.length) continue
        proofs[length] = await core.proof({ upgrade: { start: 0, length } }) as UpgradeProof
      }
      return { length: state.length, fork: state.fork, treeHash: Buffer.from(state.hash()).toString('hex'), proofs }
    }
  }
}
