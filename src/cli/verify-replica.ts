/**
 * The replica side of an independent verify, from one of two sources:
 *
 * - `--storage <dir>`: a Corestore directory on disk, trusted as the user's own replica. Its
 *   tree hash at each length `planVerify` names (never past its length: `treeHash` beyond the
 *   end never resolves). Corestore 7 has no read-only mode and locks the directory, so it must
 *   not be open in another process.
 * - `--peer host:port`: a remote replica, untrusted. Replicated sparsely into a temporary
 *   Corestore (its head, then block A-1 and its Merkle path for the sealed length A, O(log n)
 *   nodes), then the connection is closed, so the state is fixed, and the upgrade proof
 *   `{ start: 0, length: A }` is built from that sparse state and handed to the verifier,
 *   which checks it with `verifyPrefixProof` against the sealed head, independently of
 *   Hypercore's own checks.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Corestore from 'corestore'
import { HeadsError, parsePeer, readReplicaView } from '../heads'
import type { ReplicaView } from '../verify'
import { CliError } from './errors'

export type ReplicaSource = { storage: string } | { peer: string }

export async function readReplica (source: ReplicaSource, key: Buffer, lengths: number[], timeoutMs: number): Promise<ReplicaView> {
  return 'storage' in source
    ? await fromStorage(source.storage, key, lengths, timeoutMs)
    : await fromPeer(source.peer, key, lengths, timeoutMs)
}

async function fromStorage (dir: string, key: Buffer, lengths: number[], timeoutMs: number): Promise<ReplicaView> {
  const full = resolve(dir)
  // Corestore would create an empty store at a wrong path; refuse instead.
  if (!existsSync(full) || !statSync(full).isDirectory() || !existsSync(join(full, 'CORESTORE'))) {
    throw new CliError('BAD_INPUT', `${full} is not a Corestore directory (no CORESTORE file in it); give the directory the replica was stored in.`)
  }
  const store = new Corestore(full)
  try {
    try {
      await store.ready()
    } catch (err) {
      const locked = /lock/i.test((err as Error).message)
      throw new CliError('BAD_INPUT', locked
        ? `The Corestore in ${full} is locked by another process; stop that process (or copy the directory) and try again.`
        : `The Corestore in ${full} cannot be opened (${(err as Error).message}).`, { cause: err })
    }
    const core = store.get({ key, createIfMissing: false } as Parameters<Corestore['get']>[0])
    try {
      await core.ready()
    } catch (err) {
      if ((err as { code?: string }).code === 'STORAGE_EMPTY') throw new CliError('BAD_INPUT', `The Corestore in ${full} holds no core ${key.toString('hex')}.`, { cause: err })
      throw err
    }
    const view = await readReplicaView(core, lengths, { timeoutMs })
    return { length: view.length, fork: view.fork, treeHash: view.treeHash ?? null, treeHashAt: (l) => view.treeHashes[l] }
  } finally {
    await store.close().catch(() => {})
  }
}

async function fromPeer (peerText: string, key: Buffer, lengths: number[], timeoutMs: number): Promise<ReplicaView> {
  const peer = parsePeer(peerText)
  const dir = mkdtempSync(join(tmpdir(), 'hyperseal-verify-'))
  const store = new Corestore(dir)
  let socket: Socket | undefined
  try {
    const core = store.get({ key })
    await core.ready()
    socket = await dial(peer.host, peer.port, peer.address, timeoutMs)
    const stream = store.replicate(true)
    stream.on('error', () => {})
    socket.pipe(stream).pipe(socket)
    await bounded(core.update({ wait: true }), timeoutMs, `The peer ${peer.address} sent no head of core ${key.toString('hex')} within ${timeoutMs / 1000} s; does it hold this core?`)
    if (core.length === 0) throw new HeadsError('NO_HEAD', `The peer ${peer.address} holds no signed head of core ${key.toString('hex')}.`)
    const length = lengths[0]
    if (length !== undefined && length <= core.length && !(await core.has(length - 1))) {
      await core.get(length - 1, { timeout: timeoutMs }).catch((err: unknown) => {
        throw new HeadsError('UPDATE_TIMEOUT', `The peer ${peer.address} did not send block ${length - 1} of core ${key.toString('hex')} within ${timeoutMs / 1000} s.`, { cause: err })
      })
    }
    // From here on the sparse replica is what the peer proved; stop it from moving under us.
    socket.destroy()
    stream.destroy()
    const state = core.state
    const view: ReplicaView = { length: state.length, fork: state.fork, treeHash: Buffer.from(state.hash()).toString('hex') }
    if (length === undefined || length > view.length) return view
    return { ...view, prefixProof: await core.proof({ upgrade: { start: 0, length } }) as ReplicaView['prefixProof'] }
  } finally {
    socket?.destroy()
    await store.close().catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
}

function dial (host: string, port: number, address: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: timeoutMs })
    const fail = (why: string): void => {
      socket.destroy()
      reject(new CliError('UNREACHABLE', `The peer ${address} cannot be reached (${why}).`))
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

function bounded<T> (promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new HeadsError('UPDATE_TIMEOUT', message)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
