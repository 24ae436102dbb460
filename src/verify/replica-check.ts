/**
 * The replica against the deciding (already verified) sealed head, as DESIGN.md and
 * heads/prefix.ts define it:
 * - shorter than the sealed length: `rewind` if its fork id grew (truncated below the seal),
 *   else `behind` (not caught up; nothing can be said yet);
 * - otherwise compare the tree at the sealed length: equal → match (on any fork: a truncate
 *   above the seal is harmless); different with a grown fork id → `rewind`; with the same fork
 *   id → `fork` (two histories signed by one key); with an older fork id → `behind` (the
 *   replica has not followed the writer's truncation yet).
 * The tree at the sealed length comes from a trusted local replica (treeHashAt) or from an
 * untrusted remote one's upgrade proof, whose proven head then stands for the replica.
 */
import type { HeadJson } from '../seal'
import { VerifyError } from './errors'
import { treeHashAnswer } from './input'
import { verifyPrefixProof } from './prefix-proof'
import type { Finding, ReplicaView, Verdict } from './types'

type ReplicaFinding = Extract<Finding,
  'MATCH' | 'REPLICA_SHORTER' | 'REPLICA_ON_OLDER_FORK' | 'TRUNCATED_BELOW_SEAL' |
  'TREE_DIFFERS_NEWER_FORK' | 'TREE_DIFFERS_SAME_FORK' | 'BAD_PREFIX_PROOF'>

export interface ReplicaOutcome {
  finding: ReplicaFinding
  reason: string
  replica: Verdict['replica']
}

/** The tree at the sealed length and the replica's head, from the one source the view has. */
function treeAtSealed (sealed: HeadJson, view: ReplicaView): { treeHash: string, replica: Verdict['replica'] } | ReplicaOutcome {
  const announced = { length: view.length, fork: view.fork, treeHash: view.treeHash ?? null }
  if (view.prefixProof === undefined) return { treeHash: treeHashAnswer(view, sealed.length), replica: announced }
  const check = verifyPrefixProof({
    key: sealed.key, manifest: sealed.manifest, sealedLength: sealed.length, sealedTreeHash: sealed.treeHash, proof: view.prefixProof
  })
  if (!check.ok && check.code !== 'TREE_MISMATCH') {
    return { finding: 'BAD_PREFIX_PROOF', reason: `${check.reason.slice(0, -1)}, so the replica's history cannot be trusted.`, replica: announced }
  }
  const replica = { length: check.remote.length, fork: check.remote.fork, treeHash: check.remote.treeHash }
  return { treeHash: check.ok ? sealed.treeHash : check.treeHashAtSealed, replica }
}

export function compareReplica (sealed: HeadJson, view: ReplicaView): ReplicaOutcome {
  const L = sealed.length
  if (view.length < L) {
    if (view.prefixProof !== undefined) {
      throw new VerifyError('BAD_INPUT', `A replica of length ${view.length} cannot prove the sealed length ${L}; drop the prefix proof or give the replica's real length.`)
    }
    const replica = { length: view.length, fork: view.fork, treeHash: view.treeHash ?? null }
    return view.fork > sealed.fork
      ? { finding: 'TRUNCATED_BELOW_SEAL', replica, reason: `The writer truncated below the sealed length ${L}: the replica has length ${view.length} on fork ${view.fork}, the seal was on fork ${sealed.fork}.` }
      : { finding: 'REPLICA_SHORTER', replica, reason: `The replica (length ${view.length}) is shorter than the sealed length ${L}, so it cannot be checked yet.` }
  }

  const at = treeAtSealed(sealed, view)
  if ('finding' in at) return at
  const { replica } = at
  if (at.treeHash === sealed.treeHash) {
    return { finding: 'MATCH', replica, reason: `The replica's tree at length ${L} matches the head sealed there.` }
  }
  if (replica.fork > sealed.fork) {
    return { finding: 'TREE_DIFFERS_NEWER_FORK', replica, reason: `The tree at length ${L} changed after the fork id grew (${sealed.fork} → ${replica.fork}): the writer truncated below the seal and appended other data.` }
  }
  if (replica.fork === sealed.fork) {
    return { finding: 'TREE_DIFFERS_SAME_FORK', replica, reason: `The replica has another tree at length ${L} on the same fork id ${sealed.fork}: the key signed two histories.` }
  }
  return { finding: 'REPLICA_ON_OLDER_FORK', replica, reason: `The replica is on fork ${replica.fork}, older than the sealed fork ${sealed.fork}, and has not followed the writer's truncation yet.` }
}
