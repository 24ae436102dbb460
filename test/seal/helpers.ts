/**
 * Signs heads the way Hypercore 11 does for a default writer, so property tests can make
 * thousands of real, verifiable heads without a Corestore: manifest v1 with one Ed25519
 * signer in the default namespace, key = BLAKE2b(MANIFEST ‖ manifest), signature over the
 * 112-byte signable, wrapped in the 68-byte multisig blob. Cross-checked against a real core
 * in signing-helper.test.ts.
 */
import { expect } from 'chai'
import fc from 'fast-check'
import sodium from 'sodium-native'
import {
  SealError, defaultManifest, encodeManifest, encodeMultiSignature, manifestHash, treeSignable, type Head
} from '../../src/seal'

export interface Writer {
  publicKey: Buffer
  secretKey: Buffer
  manifest: Buffer
  key: Buffer
}

export function writerFromKeyPair (publicKey: Buffer, secretKey: Buffer): Writer {
  const manifest = encodeManifest(defaultManifest(publicKey))
  return { publicKey, secretKey, manifest, key: manifestHash(manifest) }
}

export function makeWriter (seed?: Buffer): Writer {
  const publicKey = Buffer.alloc(sodium.crypto_sign_PUBLICKEYBYTES)
  const secretKey = Buffer.alloc(sodium.crypto_sign_SECRETKEYBYTES)
  if (seed) sodium.crypto_sign_seed_keypair(publicKey, secretKey, seed)
  else sodium.crypto_sign_keypair(publicKey, secretKey)
  return writerFromKeyPair(publicKey, secretKey)
}

/** The 68-byte blob Hypercore stores for a single-signer head: one proof by signer 0, no patch. */
export function wrapSignature (signature: Buffer): Buffer {
  return encodeMultiSignature({ version: 1, proofs: [{ signer: 0, signature, patch: 0 }], nodes: [] })
}

export function signHead (writer: Writer, length: number, fork: number, treeHash: Buffer): Head {
  const signature = Buffer.alloc(sodium.crypto_sign_BYTES)
  sodium.crypto_sign_detached(signature, treeSignable(writer.key, treeHash, length, fork), writer.secretKey)
  return { key: writer.key, length, fork, treeHash, signature: wrapSignature(signature), manifest: writer.manifest }
}

/** A fixed pool of writers (deterministic seeds) so failures replay. */
export const WRITERS: Writer[] = Array.from({ length: 6 }, (_, i) => makeWriter(Buffer.alloc(32, i + 1)))

export const bytes32Arb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b))
export const uintArb = fc.oneof(fc.nat({ max: 1000 }), fc.maxSafeNat())

/** A really signed head of one of the pool's writers. */
export const headArb: fc.Arbitrary<Head> = fc
  .record({ w: fc.nat({ max: WRITERS.length - 1 }), length: uintArb, fork: uintArb, treeHash: bytes32Arb })
  .map(({ w, length, fork, treeHash }) => signHead(WRITERS[w], length, fork, treeHash))

/** 1..max heads, no two with the same (key, length, fork, treeHash). */
export function headsArb (max: number): fc.Arbitrary<Head[]> {
  return fc.uniqueArray(headArb, {
    minLength: 1,
    maxLength: max,
    selector: (h) => `${h.key.toString('hex')}:${h.length}:${h.fork}:${h.treeHash.toString('hex')}`
  })
}

export function codeOf (fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    expect(err).to.be.instanceOf(SealError)
    return (err as SealError).code
  }
  return undefined
}

export function flipByte (buf: Buffer, at: number, mask = 0x01): Buffer {
  const out = Buffer.from(buf)
  out[at] ^= mask
  return out
}
