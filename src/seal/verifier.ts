/**
 * Which signature makes a head valid, by Hypercore 11's rules (hypercore 11.37.1
 * `lib/verifier.js`, `Verifier.verify`), written independently with sodium and flat-tree:
 *
 * - compat core (one signer, key = its public key; `isCompat`): that signer's raw 64-byte
 *   Ed25519 signature over the 80-byte compat signable. Nothing else in the manifest counts.
 * - manifest v0, one signer, no patch: the raw 64-byte signature over the signable whose
 *   context is the signer's namespace (`Signer._ctx`).
 * - any manifest with a prologue (compat cores too, by Hypercore's tree layer): no head below
 *   its length, and at its length only its tree hash. For v1+ that head needs no signature.
 * - otherwise the quorum blob (multisig.ts; v0 layout for v0 manifests): at least `quorum`
 *   proofs, and each of the first `quorum` names a distinct signer whose signature covers the
 *   head, or, with a patch on a manifest that allows patches, the longer tree the patch grows
 *   the head into (patch.ts). Proofs after the first `quorum` are decoded but not checked, as
 *   in Hypercore (Autobase may assemble more partial signatures than the quorum needs).
 *   Signable context: the core key (v1+) or the signer's namespace (v0).
 *
 * Stricter than Hypercore only where no honest writer produces the input: trailing bytes and
 * non-canonical encodings (multisig.ts, manifest.ts), a patch node given twice, and a patch on a
 * manifest without `allowPatch` (Hypercore ignores it and checks the signature against the head,
 * but a signer with a patch signed a longer tree, so only a hand-altered blob passes that way).
 * Refusing them leaves one valid encoding for each honest signature.
 */
import sodium from 'sodium-native'
import { SealError } from './errors'
import { COMPAT_SIGNABLE_BYTES, HASH_BYTES, SIGNABLE_BYTES, TREE, treeSignable, treeSignableCompat } from './hypercore-caps'
import { TreeFault, type TreeNode } from './hypercore-tree'
import type { Manifest } from './manifest'
import { decodeMultiSignature, type SignerProof } from './multisig'
import { patchedTree } from './patch'

const ED25519_SIGNATURE_BYTES = 64

/** The signed fields of a head, with its tree roots when a patch has to be checked. */
export interface SignedTree {
  key: Buffer
  length: number
  fork: number
  treeHash: Buffer
  roots?: readonly TreeNode[]
}

function badSignature (why: string): SealError {
  return new SealError('BAD_SIGNATURE', `The head's signature does not make it valid: ${why}.`)
}

function ed25519 (signature: Buffer, message: Buffer, publicKey: Buffer): boolean {
  return signature.byteLength === ED25519_SIGNATURE_BYTES && sodium.crypto_sign_verify_detached(signature, message, publicKey)
}

// The signable of the head being checked, written into one buffer a thread (TREE stays in its
// first 32 bytes; every other byte is rewritten for each head): sodium reads it synchronously,
// before anything else runs. A fresh Buffer and compact-encoding state a signature cost ~1.5 µs,
// of a bulk re-check that is mostly signatures. Same bytes as caps.treeSignable (tested).
const SIGNABLE = Buffer.alloc(SIGNABLE_BYTES)
const COMPAT_SIGNABLE = Buffer.alloc(COMPAT_SIGNABLE_BYTES)
TREE.copy(SIGNABLE, 0)
TREE.copy(COMPAT_SIGNABLE, 0)

function writeUint64LE (buffer: Buffer, offset: number, value: number): void {
  buffer.writeUInt32LE(value % 2 ** 32, offset)
  buffer.writeUInt32LE(Math.floor(value / 2 ** 32), offset + 4)
}

const fits = (value: number): boolean => Number.isSafeInteger(value) && value >= 0

/** caps.treeSignable, in the thread's buffer (the allocating one for anything unusual, which then refuses it as it does). */
function signableOf (ctx: Uint8Array, treeHash: Uint8Array, length: number, fork: number): Buffer {
  if (ctx.byteLength !== HASH_BYTES || treeHash.byteLength !== HASH_BYTES || !fits(length) || !fits(fork)) return treeSignable(ctx, treeHash, length, fork)
  SIGNABLE.set(ctx, 32)
  SIGNABLE.set(treeHash, 64)
  writeUint64LE(SIGNABLE, 96, length)
  writeUint64LE(SIGNABLE, 104, fork)
  return SIGNABLE
}

/** caps.treeSignableCompat, in the thread's buffer (as signableOf). */
function compatSignableOf (treeHash: Uint8Array, length: number, fork: number): Buffer {
  if (treeHash.byteLength !== HASH_BYTES || !fits(length) || !fits(fork)) return treeSignableCompat(treeHash, length, fork)
  COMPAT_SIGNABLE.set(treeHash, 32)
  writeUint64LE(COMPAT_SIGNABLE, 64, length)
  writeUint64LE(COMPAT_SIGNABLE, 72, fork)
  return COMPAT_SIGNABLE
}

/** Hypercore's `isCompat`: a single signer whose public key is the core key itself. */
export function isCompat (key: Buffer, manifest: Manifest): boolean {
  return manifest.signers.length === 1 && manifest.signers[0].publicKey.equals(key)
}

/** Whether this head's signature, as stored, carries a patch that a verifier must apply. */
export function needsRoots (key: Buffer, manifest: Manifest, signature: Buffer): boolean {
  if (isCompat(key, manifest) || !manifest.allowPatch || manifest.quorum === 0) return false
  try {
    const { proofs } = decodeMultiSignature(signature, manifest.version === 0 ? 0 : 1)
    return proofs.slice(0, manifest.quorum).some((p) => p.patch > 0)
  } catch {
    return false
  }
}

function nodeMap (nodes: readonly TreeNode[]): Map<number, TreeNode> {
  const map = new Map<number, TreeNode>()
  for (const node of nodes) {
    if (map.has(node.index)) throw badSignature(`its patch holds node ${node.index} twice`)
    map.set(node.index, node)
  }
  return map
}

function checkProof (tree: SignedTree, manifest: Manifest, proof: SignerProof, nodes: ReadonlyMap<number, TreeNode>): void {
  const signer = manifest.signers[proof.signer]
  let signed = { length: tree.length, treeHash: tree.treeHash }
  if (proof.patch > 0 && !manifest.allowPatch) throw badSignature(`signer ${proof.signer} carries a patch, and the manifest does not allow patches`)
  if (proof.patch > 0) {
    if (tree.roots === undefined) {
      throw badSignature(`signer ${proof.signer} signed ${proof.patch} blocks past the head, and the head carries no tree roots to apply that patch to`)
    }
    try {
      signed = patchedTree(tree.length, tree.roots, nodes, proof.patch)
    } catch (err) {
      if (err instanceof TreeFault) throw badSignature(`the patch of signer ${proof.signer} does not grow the head's tree: ${err.message}`)
      throw err
    }
  }
  const ctx = manifest.version === 0 ? signer.namespace : tree.key
  if (!ed25519(proof.signature, signableOf(ctx, signed.treeHash, signed.length, tree.fork), signer.publicKey)) {
    throw badSignature(`signer ${proof.signer}'s signature does not sign this head${signed.length !== tree.length ? ` grown to length ${signed.length}` : ''}`)
  }
}

function checkQuorum (tree: SignedTree, manifest: Manifest, signature: Buffer): void {
  const { quorum, signers } = manifest
  if (quorum === 0) throw badSignature('the manifest has quorum 0, so only its prologue is valid')
  if (quorum > signers.length) {
    throw new SealError('BAD_MANIFEST', `The head's manifest asks for ${quorum} signatures of ${signers.length} signers, so no signed head of it can be valid.`)
  }
  const blob = decodeMultiSignature(signature, manifest.version === 0 ? 0 : 1)
  if (blob.proofs.length < quorum) throw badSignature(`it holds ${blob.proofs.length} signatures, and the quorum is ${quorum}`)
  const nodes = nodeMap(blob.nodes)
  const counted = new Set<number>()
  for (const proof of blob.proofs.slice(0, quorum)) {
    if (proof.signer >= signers.length) throw badSignature(`it names signer ${proof.signer}, and the manifest has ${signers.length}`)
    if (counted.has(proof.signer)) throw badSignature(`it counts signer ${proof.signer} twice towards the quorum`)
    counted.add(proof.signer)
    checkProof(tree, manifest, proof, nodes)
  }
}

/**
 * Throws unless `signature` makes the head valid for this manifest. The caller has checked that
 * the manifest belongs to the key (manifest hash, or compat) and that roots fit the tree hash.
 */
export function verifySigned (tree: SignedTree, manifest: Manifest, signature: Buffer): void {
  const { prologue } = manifest
  // Hypercore's tree layer (merkle-tree.js verifyUpgrade) holds any core, compat too, to its
  // manifest's prologue: no head below it, and at its length its tree.
  if (prologue !== null && (tree.length < prologue.length || (tree.length === prologue.length && !tree.treeHash.equals(prologue.hash)))) {
    throw badSignature(`the manifest's prologue fixes the first ${prologue.length} blocks, and this head is not that tree`)
  }
  if (isCompat(tree.key, manifest)) {
    if (!ed25519(signature, compatSignableOf(tree.treeHash, tree.length, tree.fork), tree.key)) {
      throw badSignature('the compat signer\'s signature does not sign this tree hash, length and fork')
    }
    return
  }
  if (manifest.version === 0) {
    if (!manifest.allowPatch && manifest.signers.length === 1) {
      const [signer] = manifest.signers
      if (!ed25519(signature, signableOf(signer.namespace, tree.treeHash, tree.length, tree.fork), signer.publicKey)) {
        throw badSignature('the v0 signer\'s signature does not sign this tree hash, length and fork')
      }
      return
    }
    checkQuorum(tree, manifest, signature)
    return
  }
  if (prologue !== null && tree.length === prologue.length) return // the prologue itself: no signature read
  checkQuorum(tree, manifest, signature)
}
