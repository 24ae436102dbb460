/**
 * GET /v1/cores/:key/proofs: the service's replica of a core as an untrusted verifier reads it,
 * for the browser verifier. Nothing here is trusted by the reader: the head comes with the
 * writer's signature inside each upgrade proof, and the kept roots are checked against the
 * sealed tree hash (src/verify replica-check.ts). Bytes go out as lowercase hex, which
 * `verifyPrefixProof` takes as they are.
 */
import type { ReplicaProofs } from '../api'
import { keyHex, parseKey, type HeadWatcher } from '../heads'
import type { ReceiptsLog } from '../ledger'
import type { TreeNodeJson } from '../seal'
import type { SealedRoots, UpgradeProof } from '../verify'

type ProofNode = { index: number, size: number, hash: Uint8Array | string }

const hex = (bytes: Uint8Array | string): string => (typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('hex'))
const node = (n: ProofNode): { index: number, size: number, hash: string } => ({ index: n.index, size: n.size, hash: hex(n.hash) })

/** Hypercore's proof object as JSON: only the fields the verifier reads, bytes as hex. */
export function proofToJson (proof: UpgradeProof): UpgradeProof {
  const up = proof.upgrade
  return {
    fork: proof.fork,
    upgrade: up === null
      ? null
      : { start: up.start, length: up.length, nodes: up.nodes.map(node), additionalNodes: (up.additionalNodes ?? []).map(node), signature: hex(up.signature) }
  }
}

/** `lengths` are checked by the route (at most PROOF_LENGTHS_MAX, each ≥ 1). */
export async function replicaProofs (deps: { watcher: HeadWatcher, log: ReceiptsLog }, key: string, lengths: number[]): Promise<ReplicaProofs> {
  const hexKey = keyHex(parseKey(key))
  const wanted = [...new Set(lengths)]
  const source = await deps.watcher.proofSource(hexKey)
  const view = await source.view(wanted)
  const proofs: Record<string, UpgradeProof> = {}
  for (const [length, proof] of Object.entries(view.proofs ?? {})) proofs[length] = proofToJson(proof)
  return { key: hexKey, head: { length: view.length, fork: view.fork, treeHash: view.treeHash ?? null }, proofs, sealedRoots: await keptRoots(deps.log, hexKey, wanted) }
}

/**
 * The roots the ledger kept for sealed heads at `lengths` (receipt entries carry `roots` once the
 * sealer keeps them; entries written before that have none, and then none are given).
 */
async function keptRoots (log: ReceiptsLog, key: string, lengths: number[]): Promise<SealedRoots[]> {
  const out: SealedRoots[] = []
  for (const length of lengths) {
    for (const entry of await log.receiptsAt(key, length)) {
      const roots = (entry as { roots?: TreeNodeJson[] }).roots
      if (roots !== undefined) out.push({ length, treeHash: entry.receipt.head.treeHash, roots })
    }
  }
  return out
}
