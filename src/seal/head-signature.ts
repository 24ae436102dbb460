import { SealError } from './errors'
import { HASH_BYTES, manifestHash } from './hypercore-caps'
import { MAX_ROOTS, MAX_TREE_LENGTH, rootIndexes, treeHashOf, type TreeNode } from './hypercore-tree'
import { decodeManifest, type Manifest } from './manifest'
import type { Head } from './types'
import { isCompat, needsRoots, verifySigned } from './verifier'

function isUint (n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0
}

function badHead (field: string, what: string): SealError {
  return new SealError('BAD_HEAD', `The head's ${field} must be ${what}.`)
}

/**
 * Roots, when a head carries them (a patched quorum signature needs them), must be the roots
 * of its tree: the flat-tree root indexes of its length, hashing to its tree hash.
 */
export function assertHeadRoots (length: number, treeHash: Buffer, roots: readonly TreeNode[]): void {
  const expected = length <= MAX_TREE_LENGTH ? rootIndexes(length) : []
  if (roots.length !== expected.length || roots.some((r, i) => r.index !== expected[i])) {
    throw badHead('roots', `the ${expected.length} roots of length ${length} (flat-tree indexes ${expected.join(', ')})`)
  }
  if (!treeHashOf(roots).equals(treeHash)) throw badHead('roots', 'the roots its tree hash is made of')
}

function isNode (n: unknown): n is TreeNode {
  if (typeof n !== 'object' || n === null) return false
  const node = n as Record<string, unknown>
  return isUint(node.index) && isUint(node.size) && Buffer.isBuffer(node.hash) && node.hash.byteLength === HASH_BYTES
}

/** Checks the in-memory shape of a head (Buffers of the right size, safe integers, roots). */
export function assertHeadShape (head: Head): void {
  if (!Buffer.isBuffer(head.key) || head.key.byteLength !== HASH_BYTES) throw badHead('key', 'a 32-byte Buffer')
  if (!Buffer.isBuffer(head.treeHash) || head.treeHash.byteLength !== HASH_BYTES) throw badHead('treeHash', 'a 32-byte Buffer')
  if (!isUint(head.length)) throw badHead('length', 'a safe non-negative integer')
  if (!isUint(head.fork)) throw badHead('fork', 'a safe non-negative integer')
  if (!Buffer.isBuffer(head.signature)) throw badHead('signature', 'a Buffer')
  if (!Buffer.isBuffer(head.manifest)) throw badHead('manifest', 'a Buffer')
  if (head.roots !== undefined) {
    if (!Array.isArray(head.roots) || head.roots.length > MAX_ROOTS || !head.roots.every(isNode)) {
      throw badHead('roots', `an array of at most ${MAX_ROOTS} tree nodes`)
    }
    assertHeadRoots(head.length, head.treeHash, head.roots)
  }
}

/**
 * Manifests decoded and hashed lately, by their exact bytes: every head of a core carries the
 * same manifest, and the audit report checks each core's heads by the thousand (decoding and
 * hashing it again was 8% of a receipt's re-check). Decoding and hashing are functions of the
 * bytes alone, so the memo answers only what the same bytes would; whether the manifest belongs
 * to a head's key is still asked for every head. Frozen: callers share the decoded value.
 * Bounded; oldest forgotten first. Bad bytes are not kept (they throw every time). The decoded
 * Buffers are copies (compact.ts reader), so a caller changing its bytes later changes no entry.
 */
const manifests = new Map<string, { decoded: Manifest, hash: Buffer }>()
const MANIFESTS_MAX = 1024

function decodedManifest (bytes: Uint8Array): { decoded: Manifest, hash: Buffer } {
  const id = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
  const known = manifests.get(id)
  if (known !== undefined) return known
  const decoded = decodeManifest(bytes)
  for (const signer of decoded.signers) Object.freeze(signer)
  Object.freeze(decoded.signers)
  if (decoded.prologue !== null) Object.freeze(decoded.prologue)
  const entry = { decoded: Object.freeze(decoded), hash: manifestHash(bytes) }
  if (manifests.size >= MANIFESTS_MAX) {
    const oldest = manifests.keys().next()
    if (oldest.done !== true) manifests.delete(oldest.value)
  }
  manifests.set(id, entry)
  return entry
}

/**
 * The manifest of a core, checked against its key as Hypercore does: the key is the manifest's
 * hash, or (a compat core) the public key of its single signer. Throws BAD_MANIFEST or
 * KEY_MISMATCH.
 */
export function manifestOfKey (key: Buffer, manifest: Uint8Array): Manifest {
  const { decoded, hash } = decodedManifest(manifest)
  if (!isCompat(key, decoded) && !hash.equals(key)) {
    throw new SealError('KEY_MISMATCH', 'The head\'s manifest does not hash to its key (nor is the key its single signer\'s public key): the manifest belongs to another core. Capture the manifest from the same core.')
  }
  return decoded
}

/** Whether this head needs its tree roots to be verified (its quorum signature has a patch). */
export function headNeedsRoots (head: Pick<Head, 'key' | 'manifest' | 'signature'>): boolean {
  try {
    return needsRoots(head.key, decodedManifest(head.manifest).decoded, head.signature)
  } catch {
    return false
  }
}

/**
 * Head objects this process verified, with their bytes at that moment. Buffers can change in
 * place, so a head counts as verified only while its bytes are still those (see
 * `ensureHeadSignature`). Heads parsed from storage or the network are new objects: not here.
 */
const verifiedHeads = new WeakMap<Head, string>()

function fingerprint (head: Head): string {
  const roots = head.roots?.map((r) => `${r.index}:${r.size}:${r.hash.toString('hex')}`).join(',') ?? '-'
  return `${head.key.toString('hex')}.${head.length}.${head.fork}.${head.treeHash.toString('hex')}.${head.signature.toString('hex')}.${head.manifest.toString('hex')}.${roots}`
}

/**
 * Throws a SealError unless the head is what its core's signers signed, checked as Hypercore 11
 * checks it (verifier.ts): the manifest belongs to the key, and the signature (or the prologue)
 * makes this key, tree hash, length and fork valid.
 */
export function verifyHeadSignature (head: Head): void {
  assertHeadShape(head)
  const print = fingerprint(head)
  if (!recentlyVerified.has(print)) {
    const manifest = manifestOfKey(head.key, head.manifest)
    verifySigned(head, manifest, head.signature)
    remember(print)
  }
  verifiedHeads.set(head, print)
}

/**
 * `verifyHeadSignature` without its memory of verified heads, for a bulk check whose heads are
 * each new (the audit report's re-check: one receipt a head). The fingerprint the memory needs
 * (every byte as hex) cost more than a tenth of such a check, and never found a head there.
 */
export function verifyNewHeadSignature (head: Head): void {
  assertHeadShape(head)
  verifySigned(head, manifestOfKey(head.key, head.manifest), head.signature)
}

/**
 * Fingerprints (every byte the check reads) of the heads verified last, whatever object held
 * them: a seal pass reads the same signed head three times (the core's observer, the capture,
 * the batch), and the same bytes always give the same answer. Bounded; oldest forgotten first.
 */
const recentlyVerified = new Set<string>()
const RECENT_MAX = 16_384

function remember (print: string): void {
  if (recentlyVerified.size >= RECENT_MAX) {
    const oldest = recentlyVerified.values().next()
    if (oldest.done !== true) recentlyVerified.delete(oldest.value)
  }
  recentlyVerified.add(print)
}

/**
 * `verifyHeadSignature`, except that a head object this process already verified, and whose
 * bytes have not changed since, is not checked again (the check would give the same answer).
 */
export function ensureHeadSignature (head: Head): void {
  assertHeadShape(head)
  if (verifiedHeads.get(head) === fingerprint(head)) return
  verifyHeadSignature(head)
}
