/**
 * Hypercore's own answer for a head: the code a replica runs when a peer sends it a signed
 * upgrade (hypercore 11 lib/core.js `_verifyBatchUpgrade` on the batch that
 * `MerkleTree.verifyFullyRemote` builds from the head's roots). Tests compare our verifier with
 * it; the vector script checks every captured head with it. Test-only: src/seal never imports
 * hypercore.
 */
import type { Head, TreeNode } from '../../src/seal'

interface HcManifest { prologue: { hash: Buffer, length: number } | null }
interface HcBatch { signature: Buffer | null, length: number, hash (): Buffer }
interface HcVerifierClass {
  new (key: Buffer, manifest: HcManifest): { verify (batch: HcBatch, signature: Buffer | null): boolean }
  decodeManifest (bytes: Buffer): HcManifest
  isValidManifest (key: Buffer, manifest: HcManifest): boolean
  isCompat (key: Buffer, manifest: HcManifest): boolean
}

/* eslint-disable @typescript-eslint/no-require-imports */
const Verifier = require('hypercore/lib/verifier') as HcVerifierClass
const { MerkleTree } = require('hypercore/lib/merkle-tree') as {
  MerkleTree: { verifyFullyRemote (session: Record<string, unknown>, proof: Record<string, unknown>): HcBatch }
}
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Whether Hypercore 11.37.1 accepts this head: `roots` make its tree (length and tree hash), the
 * manifest belongs to the key (its hash, or a compat core), and the verifier built from it
 * accepts the signature.
 * Any throw inside Hypercore counts as a refusal, as it does for a replica.
 */
export function hypercoreAccepts (head: Pick<Head, 'key' | 'length' | 'fork' | 'treeHash' | 'signature' | 'manifest'>, roots: readonly TreeNode[]): boolean {
  try {
    const manifest = Verifier.decodeManifest(head.manifest)
    if (!Verifier.isValidManifest(head.key, manifest) && !Verifier.isCompat(head.key, manifest)) return false
    const session = { fork: 0, roots: [], length: 0, signature: null, byteLength: 0, prologue: manifest.prologue, storage: null }
    const proof = { fork: head.fork, block: null, hash: null, seek: null, manifest: null, upgrade: { start: 0, length: head.length, nodes: roots, additionalNodes: [], signature: head.signature } }
    const batch = MerkleTree.verifyFullyRemote(session, proof)
    // The roots are the tree Hypercore judges; a head claiming another tree hash is not that tree.
    if (batch.length !== head.length || !Buffer.from(batch.hash()).equals(head.treeHash)) return false
    return new Verifier(head.key, manifest).verify(batch, batch.signature)
  } catch {
    return false
  }
}
