import sodium from 'sodium-native'
import { SealError } from './errors'
import { HASH_BYTES, manifestHash, treeSignable } from './hypercore-caps'
import { decodeManifest, unwrapSignature } from './manifest'
import type { Head } from './types'

function isUint (n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0
}

/** Checks the in-memory shape of a head (Buffers of the right size, safe integers). */
export function assertHeadShape (head: Head): void {
  const bad = (field: string, what: string): SealError =>
    new SealError('BAD_HEAD', `The head's ${field} must be ${what}.`)
  if (!Buffer.isBuffer(head.key) || head.key.byteLength !== HASH_BYTES) throw bad('key', 'a 32-byte Buffer')
  if (!Buffer.isBuffer(head.treeHash) || head.treeHash.byteLength !== HASH_BYTES) throw bad('treeHash', 'a 32-byte Buffer')
  if (!isUint(head.length)) throw bad('length', 'a safe non-negative integer')
  if (!isUint(head.fork)) throw bad('fork', 'a safe non-negative integer')
  if (!Buffer.isBuffer(head.signature)) throw bad('signature', 'a Buffer')
  if (!Buffer.isBuffer(head.manifest)) throw bad('manifest', 'a Buffer')
}

/** The writer's Ed25519 public key, from the head's manifest. */
export function headPublicKey (head: Head): Buffer {
  return decodeManifest(head.manifest).publicKey
}

/**
 * Head objects this process verified, with their bytes at that moment. Buffers can change in
 * place, so a head counts as verified only while its bytes are still those (see
 * `ensureHeadSignature`). Heads parsed from storage or the network are new objects: not here.
 */
const verifiedHeads = new WeakMap<Head, string>()

function fingerprint (head: Head): string {
  return `${head.key.toString('hex')}.${head.length}.${head.fork}.${head.treeHash.toString('hex')}.${head.signature.toString('hex')}.${head.manifest.toString('hex')}`
}

/**
 * Throws a SealError unless the head is what its writer signed: the key is the manifest's
 * hash (so the manifest names the core's real signer) and the signer's Ed25519 signature
 * covers (key, treeHash, length, fork).
 */
export function verifyHeadSignature (head: Head): void {
  assertHeadShape(head)
  const { publicKey } = decodeManifest(head.manifest)
  if (!manifestHash(head.manifest).equals(head.key)) {
    throw new SealError('KEY_MISMATCH', 'The head\'s manifest does not hash to its key: the manifest belongs to another core. Capture the manifest from the same core.')
  }
  const signature = unwrapSignature(head.signature)
  const signable = treeSignable(head.key, head.treeHash, head.length, head.fork)
  if (!sodium.crypto_sign_verify_detached(signature, signable, publicKey)) {
    throw new SealError('BAD_SIGNATURE', 'The head\'s signature does not sign this key, tree hash, length and fork: the head was altered or captured from a different state.')
  }
  verifiedHeads.set(head, fingerprint(head))
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
