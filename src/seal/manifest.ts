/**
 * Decoding of the two Hypercore structures a head carries, with compact-encoding, in the
 * layouts of hypercore 11 `lib/messages.js` (`manifest`, `multiSignature`). Only what a
 * default writer produces is accepted: manifest v1, BLAKE2b, quorum 1, one Ed25519 signer, no
 * patch/prologue/linked/userData; signature = multisig with one proof by signer 0 and no patch.
 *
 *   manifest v1 = uint version(1) ‖ uint flags(0) ‖ uint hash(0=blake2b) ‖ uint quorum(1)
 *                 ‖ uint signerCount(1) ‖ [uint sigType(0=ed25519) ‖ namespace(32) ‖ publicKey(32)]
 *   multisig    = uint proofCount(1) ‖ [uint signer(0) ‖ signature(64) ‖ uint patch(0)] ‖ uint patchNodes(0)
 */
import c from 'compact-encoding'
import { SealError } from './errors'

const ED25519_SIGNATURE_BYTES = 64

export interface SingleSignerManifest {
  version: 1
  namespace: Buffer
  publicKey: Buffer
}

type DecodeState = { start: number, end: number, buffer: Uint8Array }

function stateOf (bytes: Uint8Array): DecodeState {
  return { start: 0, end: bytes.byteLength, buffer: bytes }
}

/** Runs a compact-encoding read, turning its "Out of bounds" throws into our coded error. */
function read<T> (fn: () => T, fail: (why: string) => SealError): T {
  try {
    return fn()
  } catch (err) {
    throw fail(`it is truncated or malformed (${(err as Error).message})`)
  }
}

function manifestError (why: string): SealError {
  return new SealError('BAD_MANIFEST', `The head's manifest is not supported: ${why}. Only default Hypercore writers (manifest v1, one Ed25519 signer, quorum 1) can be sealed.`)
}

export function decodeManifest (bytes: Uint8Array): SingleSignerManifest {
  const state = stateOf(bytes)
  const uint = (): number => read(() => c.uint.decode(state), manifestError)
  const fixed32 = (): Buffer => Buffer.from(read(() => c.fixed32.decode(state), manifestError))

  const version = uint()
  if (version !== 1) throw manifestError(`version ${version}`)
  const flags = uint()
  if (flags !== 0) throw manifestError(`flags ${flags} (patch, prologue, linked or user data)`)
  const hash = uint()
  if (hash !== 0) throw manifestError(`hash id ${hash} is not BLAKE2b`)
  const quorum = uint()
  if (quorum !== 1) throw manifestError(`quorum ${quorum}`)
  const signers = uint()
  if (signers !== 1) throw manifestError(`${signers} signers`)
  const signatureType = uint()
  if (signatureType !== 0) throw manifestError(`signature type ${signatureType} is not Ed25519`)
  const namespace = fixed32()
  const publicKey = fixed32()
  if (state.start !== state.end) throw manifestError(`${state.end - state.start} trailing bytes`)
  return { version: 1, namespace, publicKey }
}

/** The v1 manifest of a default writer (what `getManifest({ raw: true })` returns). */
export function encodeManifest (publicKey: Uint8Array, namespace: Uint8Array): Buffer {
  const state = { start: 0, end: 6 + 32 + 32, buffer: Buffer.alloc(6 + 32 + 32) }
  for (const field of [1, 0, 0, 1, 1, 0]) c.uint.encode(state, field) // version, flags, hash, quorum, signers, type
  c.fixed32.encode(state, namespace)
  c.fixed32.encode(state, publicKey)
  return state.buffer
}

function signatureError (why: string): SealError {
  return new SealError('BAD_SIGNATURE', `The head's signature is malformed: ${why}. Capture the head again from the writer's core.`)
}

/**
 * The raw Ed25519 signature inside what Hypercore stores: a raw 64-byte signature is taken
 * as is; anything else must be a v1 multisig blob with exactly one proof by signer 0.
 */
export function unwrapSignature (bytes: Uint8Array): Buffer {
  if (bytes.byteLength === ED25519_SIGNATURE_BYTES) return Buffer.from(bytes)

  const state = stateOf(bytes)
  const uint = (): number => read(() => c.uint.decode(state), signatureError)

  const proofs = uint()
  if (proofs !== 1) throw signatureError(`${proofs} proofs, expected 1`)
  const signer = uint()
  if (signer !== 0) throw signatureError(`signer index ${signer}, expected 0`)
  const signature = Buffer.from(read(() => c.fixed64.decode(state), signatureError))
  const patch = uint()
  if (patch !== 0) throw signatureError(`a patch of ${patch}`)
  const patchNodes = uint()
  if (patchNodes !== 0) throw signatureError(`${patchNodes} patch nodes`)
  if (state.start !== state.end) throw signatureError(`${state.end - state.start} trailing bytes`)
  return signature
}

/** The 68-byte blob Hypercore stores for a quorum-1 single-signer head (`multisig.assemble`). */
export function wrapSignature (signature: Uint8Array): Buffer {
  if (signature.byteLength !== ED25519_SIGNATURE_BYTES) throw signatureError(`${signature.byteLength} bytes`)
  const out = Buffer.alloc(68)
  out[0] = 1
  out[1] = 0
  out.set(signature, 2)
  return out
}
