import type Hypercore from 'hypercore'
import { headNeedsRoots, treeHashOf, verifyHeadSignature, type Head, type TreeNode } from '../seal'
import { HeadsError } from './errors'
import { withTimeout } from './timeout'

/**
 * The signed head of a session as it is right now, read synchronously so that length, fork,
 * tree hash and signature all come from one state (no await can interleave an upgrade).
 * The tree hash is computed from the in-memory roots (`state.hash()`): `core.treeHash()` would
 * first fetch the last block from a peer on a sparse replica and hang when no peer is there.
 * A quorum signature with a patch is checked against the tree's roots, so they come along then.
 * Returns null when the core has no signed head yet. The result is not verified.
 */
export function readHead (core: Hypercore): Head | null {
  const state = core.state
  const manifest = core.getManifest({ raw: true })
  if (state.length === 0 || state.signature === null || manifest === null) return null
  const head: Head = {
    key: Buffer.from(core.key),
    length: state.length,
    fork: state.fork,
    treeHash: Buffer.from(state.hash()),
    signature: Buffer.from(state.signature),
    manifest: Buffer.from(manifest)
  }
  if (headNeedsRoots(head)) head.roots = state.roots.map((r) => ({ index: r.index, size: r.size, hash: Buffer.from(r.hash) }))
  return head
}

/**
 * `readHead` and the roots of its length (left to right), from the same synchronous read: the
 * in-memory roots the tree hash is computed from. Kept with the head's receipt, they make the
 * sealed tree checkable without any peer. Null when the core has no signed head.
 */
export function readHeadAndRoots (core: Hypercore): { head: Head, roots: TreeNode[] } | null {
  const head = readHead(core)
  if (head === null) return null
  const roots = core.state.roots.map((n) => ({ index: n.index, size: n.size, hash: Buffer.from(n.hash) }))
  // They are what state.hash() hashed; a mismatch would be a Hypercore change under us.
  if (!treeHashOf(roots).equals(head.treeHash)) {
    throw new HeadsError('CORE_FAILED', `The roots of core ${head.key.toString('hex')} at length ${head.length} do not give its tree hash; retry.`)
  }
  return { head, roots }
}

/** `readHead` plus the signature check; a head that does not verify is returned as null. */
export function readVerifiedHead (core: Hypercore): Head | null {
  const head = readHead(core)
  if (head === null) return null
  try {
    verifyHeadSignature(head)
    return head
  } catch {
    return null
  }
}

/**
 * Brings the replica's head up to date, waiting at most `timeoutMs`. Returns whether the core
 * was upgraded; a timeout is not an error here: the head we hold is still a valid signed head,
 * only perhaps not the newest.
 *
 * With a peer connected, nothing is waited for: peers announce every append and the replica
 * takes the new head as it comes (eager upgrade), so the head held is theirs. Only a core with
 * no peer yet waits for one (a service just started). Waiting with a peer connected would also
 * wait for every replication stream still in its handshake: a peer that accepts TCP and never
 * answers would hold the update until the timeout, pass after pass (measured).
 */
export async function boundedUpdate (core: Hypercore, timeoutMs: number, opts: { waitForPeers?: boolean } = {}): Promise<boolean | 'timeout'> {
  try {
    const wait = core.peers.length === 0 && opts.waitForPeers !== false
    return await withTimeout(core.update({ wait }), timeoutMs, () => new HeadsError('UPDATE_TIMEOUT', 'update timed out'))
  } catch (err) {
    if (err instanceof HeadsError) return 'timeout'
    throw new HeadsError('CORE_FAILED', `Updating core ${core.key.toString('hex')} failed; retry, and check the peers if it persists.`, { cause: err })
  }
}

/**
 * Captures the core's signed head without racing concurrent appends or truncates: length,
 * fork, tree hash, signature and the roots are read in one synchronous step
 * (`readHeadAndRoots`), so no upgrade can land between them. (A `snapshot()` would add nothing
 * here, and its storage view does not see tree nodes fetched after it was taken.) The head must
 * verify — key = hash of the manifest, signature over the 112-byte signable — before it is
 * returned.
 */
export async function captureCoreHead (core: Hypercore, opts: { updateTimeoutMs: number, waitForPeers?: boolean }): Promise<{ head: Head, roots: TreeNode[], updated: boolean | 'timeout' }> {
  const keyHex = core.key.toString('hex')
  const updated = await boundedUpdate(core, opts.updateTimeoutMs, { waitForPeers: opts.waitForPeers })
  if (core.closed) {
    throw new HeadsError('CORE_FAILED', `The session of core ${keyHex} was closed while updating (Hypercore closes it on a conflict); retry.`)
  }
  const read = readHeadAndRoots(core)
  if (read === null) {
    throw new HeadsError('NO_HEAD', `Core ${keyHex} has no signed head yet: it is empty or no peer has sent its head. Check that a peer holding it is reachable.`)
  }
  try {
    verifyHeadSignature(read.head)
  } catch (err) {
    throw new HeadsError('UNVERIFIED_HEAD', `The head of core ${keyHex} at length ${read.head.length} does not verify against its key; it was not captured.`, { cause: err })
  }
  return { ...read, updated }
}
