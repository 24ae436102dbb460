import type { ConflictProof } from 'hypercore'
import { MerkleTree } from 'hypercore/lib/merkle-tree'
import { headNeedsRoots, verifyHeadSignature, type Head } from '../seal'

/**
 * Any value made JSON-safe for an incident's evidence: bytes become lowercase hex, bigints
 * strings; functions and undefined are dropped. Depth-limited, since evidence comes from
 * Hypercore internals we do not control.
 */
export function toJsonSafe (value: unknown, depth = 0): unknown {
  if (depth > 16) return null
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')
  if (Array.isArray(value)) return value.map((v) => toJsonSafe(v, depth + 1))
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function') continue
      out[k] = toJsonSafe(v, depth + 1)
    }
    return out
  }
  return null
}

// An empty tree for Hypercore's batch builder: the proof is rebuilt from nothing local.
const EMPTY_SESSION = { fork: 0, roots: [], length: 0, signature: null, byteLength: 0, prologue: null, storage: null }

/**
 * The other writer's signed head carried by a `conflict` proof. The proof holds the roots at
 * the conflicting length (`upgrade.nodes`) plus the nodes that extend them to the remote head
 * (`additionalNodes`), and the remote head's signature. Hypercore's own tree code folds them
 * into the remote roots; our verifier then checks the signature against the key's manifest.
 * Returns null if the proof cannot be rebuilt or does not verify.
 */
export function conflictRemoteHead (key: Buffer, manifest: Buffer, proof: ConflictProof): Head | null {
  if (!proof.upgrade) return null
  try {
    const batch = MerkleTree.verifyFullyRemote({ ...EMPTY_SESSION }, proof)
    const head: Head = {
      key: Buffer.from(key),
      length: batch.length,
      fork: proof.fork,
      treeHash: Buffer.from(batch.hash()),
      signature: Buffer.from(proof.upgrade.signature),
      manifest: Buffer.from(manifest)
    }
    if (headNeedsRoots(head)) head.roots = batch.roots.map((r) => ({ index: r.index, size: r.size, hash: Buffer.from(r.hash) }))
    verifyHeadSignature(head)
    return head
  } catch {
    return null
  }
}

/** The remote tree hash at the conflicting length itself (the roots in `upgrade.nodes`). */
export function conflictTreeHash (proof: ConflictProof): Buffer | null {
  if (!proof.upgrade) return null
  try {
    const atLength = { ...proof, upgrade: { ...proof.upgrade, additionalNodes: [] } }
    return Buffer.from(MerkleTree.verifyFullyRemote({ ...EMPTY_SESSION }, atLength).hash())
  } catch {
    return null
  }
}
