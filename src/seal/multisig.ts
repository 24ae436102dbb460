/**
 * The signature blob Hypercore stores for a head of a v1+ manifest (and of a v0 manifest with
 * several signers or patches), in the layouts of hypercore 11.37.1 `lib/messages.js`
 * (`multiSignature`, `multiSignaturev0`, `multisigInput`, `multisigInputv0`, `compactNode`);
 * built by `lib/multisig.js` (`assemble`, `assemblev0`). `uint` as in manifest.ts.
 *
 *   node        = uint index ‖ uint size ‖ hash(32)                (a flat-tree node)
 *
 *   v1 blob     = uint proofCount ‖ proof* ‖ uint nodeCount ‖ node*
 *   v1 proof    = uint signer ‖ signature(64) ‖ uint patch
 *
 *   v0 blob     = uint proofCount ‖ proofV0* ‖ uint nodeCount ‖ node*
 *   v0 proof    = uint flags(1 = patch) ‖ uint signer ‖ signature(64)
 *                 ‖ [uint start ‖ uint length ‖ uint refCount ‖ uint ref*]   when flags & 1
 *
 * `signer` indexes the manifest's signers. `patch` (v0: `patch.length`) is how many blocks past
 * the head this signer's signature reaches: the signer signed the longer tree, and the blob's
 * nodes grow the head's tree into it (verifier.ts). A default single writer stores
 * `01 ‖ 00 ‖ sig64 ‖ 00 ‖ 00` (68 bytes). Hypercore's decoder ignores trailing bytes; we accept
 * only the canonical encoding, which is all Hypercore's `assemble` writes.
 */
import { decodeWith, encodeWith, type DecodeState, type Writer } from './compact'
import { SealError } from './errors'
import type { TreeNode } from './hypercore-tree'

export interface V0Patch {
  start: number
  length: number
  /** References into the blob's node list (unused by Hypercore's verifier). */
  nodes: number[]
}

export interface SignerProof {
  /** Index into the manifest's signers. */
  signer: number
  signature: Buffer
  /** Blocks past the head that this signature covers (0: it signs the head itself). */
  patch: number
  /** v0 blobs only: the patch as written (null: no patch flag). */
  v0Patch?: V0Patch | null
}

export interface MultiSignature {
  version: 0 | 1
  proofs: SignerProof[]
  nodes: TreeNode[]
}

const PROOF_MIN_BYTES = 1 + 64 + 1
const NODE_MIN_BYTES = 1 + 1 + 32

function signatureError (why: string): SealError {
  return new SealError('BAD_SIGNATURE', `The head's quorum signature is malformed: ${why}.`)
}

function readNodes (s: DecodeState): TreeNode[] {
  const count = s.count(NODE_MIN_BYTES)
  const nodes: TreeNode[] = []
  for (let i = 0; i < count; i++) nodes.push({ index: s.uint(), size: s.uint(), hash: s.fixed32() })
  return nodes
}

function readProofV0 (s: DecodeState): SignerProof {
  const flags = s.uint()
  if (flags > 1) throw s.fail(`proof flags ${flags} are unknown`)
  const signer = s.uint()
  const signature = s.fixed64()
  let v0Patch: V0Patch | null = null
  if (flags === 1) {
    const start = s.uint()
    const length = s.uint()
    const count = s.count(1)
    const nodes: number[] = []
    for (let i = 0; i < count; i++) nodes.push(s.uint())
    v0Patch = { start, length, nodes }
  }
  // Hypercore's verifier reads only the patch length (verifier.js proofToVersion1).
  return { signer, signature, patch: v0Patch === null ? 0 : v0Patch.length, v0Patch }
}

/** The blob of a default single writer (v1): `01 ‖ 00 ‖ sig64 ‖ 00 ‖ 00`. */
const SINGLE_BYTES = 68

/**
 * Decodes a stored signature blob; `version` 0 for v0 manifests, 1 for every later one. The
 * default single writer's blob (every head of a plain core, so most of what the audit report
 * checks) is read by its fixed layout: exactly the bytes the general decoder would accept for
 * one proof of signer 0 without patch or nodes, and the same value (decoding and re-encoding it
 * in general was ~4 µs a head; the tests compare both on such blobs).
 */
export function decodeMultiSignature (bytes: Uint8Array, version: 0 | 1): MultiSignature {
  if (version === 1 && bytes.byteLength === SINGLE_BYTES && bytes[0] === 1 && bytes[1] === 0 && bytes[66] === 0 && bytes[67] === 0) {
    return { version, proofs: [{ signer: 0, signature: Buffer.from(bytes.subarray(2, 66)), patch: 0 }], nodes: [] }
  }
  return decodeGeneral(bytes, version)
}

function decodeGeneral (bytes: Uint8Array, version: 0 | 1): MultiSignature {
  const sig = decodeWith(bytes, signatureError, (s) => {
    const count = s.count(PROOF_MIN_BYTES)
    const proofs: SignerProof[] = []
    for (let i = 0; i < count; i++) {
      proofs.push(version === 0 ? readProofV0(s) : { signer: s.uint(), signature: s.fixed64(), patch: s.uint() })
    }
    return { version, proofs, nodes: readNodes(s) }
  })
  if (!encodeMultiSignature(sig).equals(bytes)) throw signatureError('it is not in canonical form (as Hypercore would encode it)')
  return sig
}

function writeProof (w: Writer, p: SignerProof, version: 0 | 1): void {
  if (version === 1) {
    w.uint(p.signer)
    w.fixed64(p.signature)
    w.uint(p.patch)
    return
  }
  const patch = p.v0Patch ?? null
  w.uint(patch === null ? 0 : 1)
  w.uint(p.signer)
  w.fixed64(p.signature)
  if (patch !== null) {
    w.uint(patch.start)
    w.uint(patch.length)
    w.uint(patch.nodes.length)
    for (const ref of patch.nodes) w.uint(ref)
  }
}

/** The blob Hypercore's `assemble` (v1) or `assemblev0` (v0) writes for these proofs. */
export function encodeMultiSignature (sig: MultiSignature): Buffer {
  return encodeWith((w) => {
    w.uint(sig.proofs.length)
    for (const p of sig.proofs) writeProof(w, p, sig.version)
    w.uint(sig.nodes.length)
    for (const n of sig.nodes) {
      w.uint(n.index)
      w.uint(n.size)
      w.fixed32(n.hash)
    }
  })
}
