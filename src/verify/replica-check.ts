/**
 * The replica's tree at one sealed length against the sealed head, from the one source the view
 * has: a trusted local replica's `treeHashAt`, or an untrusted remote replica's upgrade proof.
 *
 * A remote proof that leads to another tree is only *conclusive* when the proof binds every root
 * of the sealed length with its size: when each root of the sealed length stays a root of the
 * remote's signed head (always true when the head is exactly the sealed length), or when the
 * ledger kept the sealed roots and a root *hash* differs. Otherwise a dishonest peer could shift
 * byte sizes between merged siblings (Hypercore's parent hash binds only their sum) and make a
 * matching history look different: that proof establishes nothing about the writer, and the
 * verdict is about the peer, never a `fork`.
 */
import { rootIndexes, treeHashOf, type HeadJson, type TreeNodeJson } from '../seal'
import { VerifyError } from './errors'
import { treeHashAnswer } from './input'
import { verifyPrefixProof } from './prefix-proof'
import type { ReplicaView, SealedRoots, Verdict } from './types'

export type ReplicaHead = Verdict['replica']

export type Relation =
  /** The replica holds the sealed tree at that length. */
  | { kind: 'match', replica: ReplicaHead, note?: string }
  /** The replica's (signed) history has another tree there. */
  | { kind: 'differs', replica: ReplicaHead, treeHash: string }
  /** A remote proof that cannot establish the tree at that length, or one that does not verify. */
  | { kind: 'inconclusive' | 'bad-proof', replica: ReplicaHead, reason: string }

export function announced (view: ReplicaView): ReplicaHead {
  return { length: view.length, fork: view.fork, treeHash: view.treeHash ?? null }
}

/** The ledger's roots of the sealed head, if it kept them and they hash to the sealed tree. */
function keptRoots (sealed: HeadJson, kept: readonly SealedRoots[]): readonly TreeNodeJson[] | null {
  const entry = kept.find((k) => k.length === sealed.length && k.treeHash === sealed.treeHash)
  if (entry === undefined) return null
  try {
    const indexes = rootIndexes(sealed.length)
    if (entry.roots.length !== indexes.length || entry.roots.some((r, i) => r.index !== indexes[i])) return null
    const tree = treeHashOf(entry.roots.map((r) => ({ index: r.index, size: r.size, hash: Buffer.from(r.hash, 'hex') })))
    return tree.toString('hex') === sealed.treeHash ? entry.roots : null
  } catch {
    return null
  }
}

/** Compares the replica with `sealed` at `sealed.length`, which must be ≤ the replica's length. */
export function relate (sealed: HeadJson, view: ReplicaView, kept: readonly SealedRoots[]): Relation {
  const L = sealed.length
  if (view.length < L) throw new VerifyError('BAD_INPUT', `relate needs a replica of length ≥ ${L}.`)
  if (view.proofs === undefined) {
    const treeHash = treeHashAnswer(view, L)
    return treeHash === sealed.treeHash ? { kind: 'match', replica: announced(view) } : { kind: 'differs', replica: announced(view), treeHash }
  }
  const proof = view.proofs[L]
  if (proof === undefined) throw new VerifyError('MISSING_ANSWER', `The remote replica view has no upgrade proof for length ${L}; fetch one for each length planVerify names up to the replica's length.`)
  const check = verifyPrefixProof({ key: sealed.key, manifest: sealed.manifest, sealedLength: L, sealedTreeHash: sealed.treeHash, proof })
  if (check.ok) return { kind: 'match', replica: { length: check.remote.length, fork: check.remote.fork, treeHash: check.remote.treeHash } }
  if (check.code !== 'TREE_MISMATCH') return { kind: 'bad-proof', replica: announced(view), reason: check.reason }
  const replica = { length: check.remote.length, fork: check.remote.fork, treeHash: check.remote.treeHash }
  if (check.signedRoots) return { kind: 'differs', replica, treeHash: check.treeHashAtSealed }
  const roots = keptRoots(sealed, kept)
  if (roots !== null) {
    const hashesDiffer = roots.some((r, i) => r.hash !== check.rootsAtSealed[i].hash)
    if (hashesDiffer) return { kind: 'differs', replica, treeHash: check.treeHashAtSealed }
    // Equal node hashes commit to equal blocks: only the sizes the peer sent were altered.
    return { kind: 'match', replica, note: `The peer's proof gave altered sizes for nodes whose hashes are the sealed ones; its blocks 0..${L - 1} are the sealed ones.` }
  }
  return {
    kind: 'inconclusive',
    replica,
    reason: `The peer's proof does not establish its tree at the sealed length ${L}: its signed head (length ${replica.length}) merges the roots of length ${L} under new parents, whose hashes bind only the sum of their sizes, and the ledger's roots of that seal were not available to compare hashes. This says nothing about the writer; ask another peer, or the service.`
  }
}
