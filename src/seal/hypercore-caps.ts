/**
 * Hypercore's hashing namespaces and its 112-byte tree signable, said once.
 * Mirrors hypercore 11 `lib/caps.js` and `lib/verifier.js` (manifestHash), which we cannot
 * import here (src/seal is pure and `hypercore` opens storage):
 *
 *   ns                = BLAKE2b-256("hypercore")
 *   TREE              = BLAKE2b-256(ns ‖ 0x00)
 *   MANIFEST          = BLAKE2b-256(ns ‖ 0x03)
 *   DEFAULT_NAMESPACE = BLAKE2b-256(ns ‖ 0x04)
 *   key               = BLAKE2b-256(MANIFEST ‖ encodedManifest)
 *   signable          = TREE(32) ‖ ctx(32) ‖ treeHash(32) ‖ u64le(length) ‖ u64le(fork)   (112 bytes)
 *                       ctx = the core key (manifest v1+), or the signer's namespace (v0)
 *   compat signable   = TREE(32) ‖ treeHash(32) ‖ u64le(length) ‖ u64le(fork)              (80 bytes)
 *                       for "compat" cores, whose key is the signer's public key
 *                       (caps.treeSignableCompat; its 48-byte `legacy` variant without TREE is
 *                       chosen by a local open option, not by anything a head carries)
 */
import c from 'compact-encoding'
import sodium from 'sodium-native'

export const HASH_BYTES = 32
export const SIGNABLE_BYTES = 112
export const COMPAT_SIGNABLE_BYTES = 80

/** BLAKE2b-256 of the concatenated parts (Hypercore's `crypto.hash`). */
export function blake2b256 (...parts: Uint8Array[]): Buffer {
  const out = Buffer.alloc(HASH_BYTES)
  sodium.crypto_generichash_batch(out, parts)
  return out
}

/** hypercore-crypto `namespace(name, i)`: BLAKE2b(BLAKE2b(name) ‖ i). */
function namespaceTag (ns: Buffer, index: number): Buffer {
  return blake2b256(ns, Buffer.from([index]))
}

const NS = blake2b256(Buffer.from('hypercore'))
export const TREE = namespaceTag(NS, 0)
export const MANIFEST = namespaceTag(NS, 3)
export const DEFAULT_NAMESPACE = namespaceTag(NS, 4)

/** The core key a manifest commits to. */
export function manifestHash (encodedManifest: Uint8Array): Buffer {
  return blake2b256(MANIFEST, encodedManifest)
}

/** What a signer signs for a head (caps.treeSignable); `ctx` is the key, or a v0 namespace. */
export function treeSignable (ctx: Uint8Array, treeHash: Uint8Array, length: number, fork: number): Buffer {
  const state = { start: 0, end: SIGNABLE_BYTES, buffer: Buffer.alloc(SIGNABLE_BYTES) }
  c.fixed32.encode(state, TREE)
  c.fixed32.encode(state, ctx)
  c.fixed32.encode(state, treeHash)
  c.uint64.encode(state, length)
  c.uint64.encode(state, fork)
  return state.buffer
}

/** What the signer of a compat core signs (caps.treeSignableCompat, with its TREE header). */
export function treeSignableCompat (treeHash: Uint8Array, length: number, fork: number): Buffer {
  const state = { start: 0, end: COMPAT_SIGNABLE_BYTES, buffer: Buffer.alloc(COMPAT_SIGNABLE_BYTES) }
  c.fixed32.encode(state, TREE)
  c.fixed32.encode(state, treeHash)
  c.uint64.encode(state, length)
  c.uint64.encode(state, fork)
  return state.buffer
}
