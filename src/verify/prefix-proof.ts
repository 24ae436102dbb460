/**
 * An untrusted replica's answer to "is the sealed head a prefix of your history?": Hypercore's
 * upgrade proof `core.proof({ upgrade: { start: 0, length: A } })` (hypercore 11 `lib/merkle-tree.js`
 * generateProof), where A is the sealed length and B ≥ A the replica's head:
 *
 *   { fork, upgrade: { start: 0, length: A, nodes, additionalNodes, signature } }
 *   nodes           = the roots of A, left to right (flat-tree `fullRoots(2A)`)
 *   additionalNodes = nodes that, with the roots of A, tile blocks 0..B-1 (siblings that grow
 *                     the last roots of A, then the roots of B to their right)
 *   signature       = the replica's head signature over (key, tree(roots of B), B, fork)
 *
 * Checked independently of Hypercore's own code: the nodes fold into the roots of B, the
 * writer's key signed that head, and tree(roots of A) is the sealed tree hash. The fold rejects
 * duplicated nodes, nodes overlapping blocks 0..A-1, nodes left over and nodes missing.
 *
 * A mismatch is reported with the remote's signed head as evidence, with the proof's roots of A
 * and whether each of them stays a root of the remote head (`signedRoots`). Limit: Hypercore's
 * parent hash binds only the *sum* of its children's sizes, so a root of A that B's tree merges
 * with a sibling has its own size bound by nothing here; a dishonest replica can make a matching
 * history look different (never a different one look matching). Only when every root of A is a
 * root of B (always when B = A) is a mismatch fully signed; replica-check.ts decides the rest.
 */
import {
  foldRoots, headNeedsRoots, headToJson, manifestOfKey, MAX_ADDITIONAL, MAX_ROOTS, MAX_TREE_LENGTH, rootIndexes, SealError, treeHashOf, TreeFault,
  treeNodeToJson, verifyHeadSignature, type Head, type HeadJson, type TreeNode, type TreeNodeJson
} from '../seal'
import { VerifyError } from './errors'


export interface ProofNode {
  index: number
  size: number
  hash: Uint8Array | string
}

/** What hypercore's `proof()` returns (its other fields are ignored); hashes may be hex. */
export interface UpgradeProof {
  fork: number
  upgrade: {
    start: number
    length: number
    nodes: readonly ProofNode[]
    additionalNodes?: readonly ProofNode[]
    signature: Uint8Array | string
  } | null
}

export interface PrefixProofRequest {
  /** The trusted side: the core key and manifest (hex or bytes) and the sealed head. */
  key: string | Uint8Array
  manifest: string | Uint8Array
  sealedLength: number
  sealedTreeHash: string | Uint8Array
  /** The untrusted side: the remote replica's upgrade proof. */
  proof: unknown
}

export type PrefixProofCheck =
  | { ok: true, remote: HeadJson }
  | { ok: false, code: 'TREE_MISMATCH', reason: string, remote: HeadJson, treeHashAtSealed: string, rootsAtSealed: TreeNodeJson[], signedRoots: boolean }
  | { ok: false, code: 'BAD_PROOF' | 'BAD_SIGNATURE', reason: string }

export const MAX_PROOF_LENGTH = MAX_TREE_LENGTH
const MAX_SIGNATURE_BYTES = 1024

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isUint (value: unknown, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max
}

function bytesOf (value: unknown): Buffer | null {
  if (value instanceof Uint8Array) return Buffer.from(value)
  if (typeof value === 'string' && /^(?:[0-9a-f]{2})*$/.test(value)) return Buffer.from(value, 'hex')
  return null
}

function trusted (value: unknown, what: string, size?: number): Buffer {
  const bytes = bytesOf(value)
  if (bytes === null || bytes.byteLength === 0 || (size !== undefined && bytes.byteLength !== size)) {
    throw new VerifyError('BAD_INPUT', `The prefix proof check needs ${what} as ${size ?? 'non-empty'} bytes (Uint8Array or lowercase hex).`)
  }
  return bytes
}

function node (value: unknown, where: string): TreeNode {
  if (!isRecord(value) || !isUint(value.index) || !isUint(value.size)) throw new TreeFault(`${where} is not a node with a safe index and size`)
  const hash = bytesOf(value.hash)
  if (hash === null || hash.byteLength !== 32) throw new TreeFault(`${where} has no 32-byte hash`)
  return { index: value.index, size: value.size, hash }
}

function nodeList (value: unknown, where: string, max: number): TreeNode[] {
  if (!Array.isArray(value) || value.length > max) throw new TreeFault(`${where} must be an array of at most ${max} nodes`)
  return value.map((n, i) => node(n, `${where}[${i}]`))
}

interface ParsedProof { fork: number, rootsA: TreeNode[], additional: TreeNode[], signature: Buffer }

function parseProof (proof: unknown, length: number): ParsedProof {
  if (!isRecord(proof) || !isUint(proof.fork)) throw new TreeFault('it is not an object with a safe fork id')
  const upgrade = proof.upgrade
  if (!isRecord(upgrade)) throw new TreeFault('it has no upgrade')
  if (upgrade.start !== 0 || upgrade.length !== length) {
    throw new TreeFault(`it proves blocks ${String(upgrade.start)}+${String(upgrade.length)}, not 0+${length}`)
  }
  const rootsA = nodeList(upgrade.nodes, 'upgrade.nodes', MAX_ROOTS)
  const additional = upgrade.additionalNodes === undefined ? [] : nodeList(upgrade.additionalNodes, 'upgrade.additionalNodes', MAX_ADDITIONAL)
  const expected = rootIndexes(length)
  if (rootsA.length !== expected.length || rootsA.some((n, i) => n.index !== expected[i])) {
    throw new TreeFault(`upgrade.nodes must be the roots of length ${length} (indexes ${expected.join(', ')})`)
  }
  const signature = bytesOf(upgrade.signature)
  if (signature === null || signature.byteLength === 0 || signature.byteLength > MAX_SIGNATURE_BYTES) {
    throw new TreeFault('upgrade.signature is missing or malformed')
  }
  return { fork: proof.fork, rootsA, additional, signature }
}

/**
 * Checks an untrusted replica's upgrade proof against a sealed head. Throws a VerifyError only
 * for malformed trusted input (key, manifest, sealed head); a bad proof is a result.
 */
export function verifyPrefixProof (req: PrefixProofRequest): PrefixProofCheck {
  if (!isRecord(req)) throw new VerifyError('BAD_INPUT', 'The prefix proof check needs an object { key, manifest, sealedLength, sealedTreeHash, proof }.')
  const key = trusted(req.key, 'the core key', 32)
  const manifest = trusted(req.manifest, 'the manifest')
  const sealedTreeHash = trusted(req.sealedTreeHash, 'the sealed tree hash', 32)
  if (!isUint(req.sealedLength, MAX_PROOF_LENGTH) || req.sealedLength < 1) {
    throw new VerifyError('BAD_INPUT', `The sealed length must be an integer from 1 to ${MAX_PROOF_LENGTH}.`)
  }
  try {
    manifestOfKey(key, manifest) // its hash is the key, or (a compat core) its signer's public key
  } catch (err) {
    if (err instanceof SealError && err.code === 'KEY_MISMATCH') {
      throw new VerifyError('BAD_INPUT', 'The manifest given for the prefix proof check does not hash to the core key; pass the manifest of the sealed head.', { cause: err })
    }
    throw new VerifyError('BAD_INPUT', `The manifest given for the prefix proof check is not usable: ${(err as Error).message}`, { cause: err })
  }

  let remote: Head
  let treeHashAtSealed: Buffer
  let rootsA: TreeNode[]
  let signedRoots: boolean
  try {
    const proof = parseProof(req.proof, req.sealedLength)
    rootsA = proof.rootsA
    treeHashAtSealed = treeHashOf(proof.rootsA)
    const head = foldRoots(req.sealedLength, proof.rootsA, proof.additional)
    // A root of A that stays a root of the remote head is signed with its size; one merged
    // under a new parent has its size bound only as a sum with its sibling.
    const headRoots = new Set(head.roots.map((r) => r.index))
    signedRoots = proof.rootsA.every((r) => headRoots.has(r.index))
    remote = { key, length: head.length, fork: proof.fork, treeHash: treeHashOf(head.roots), signature: proof.signature, manifest }
    if (headNeedsRoots(remote)) remote.roots = head.roots // a quorum signature with a patch is checked against them
  } catch (err) {
    if (err instanceof TreeFault) return { ok: false, code: 'BAD_PROOF', reason: `The replica's upgrade proof is malformed: ${err.message}.` }
    throw err
  }
  try {
    verifyHeadSignature(remote)
  } catch (err) {
    if (err instanceof SealError) {
      return { ok: false, code: 'BAD_SIGNATURE', reason: `The replica's head (length ${remote.length}, fork ${remote.fork}) that the proof leads to is not signed by the core's writer.` }
    }
    throw err
  }
  if (!treeHashAtSealed.equals(sealedTreeHash)) {
    return {
      ok: false,
      code: 'TREE_MISMATCH',
      reason: `The replica's signed head (length ${remote.length}, fork ${remote.fork}) has another tree at length ${req.sealedLength} than the sealed one.`,
      remote: headToJson(remote),
      treeHashAtSealed: treeHashAtSealed.toString('hex'),
      rootsAtSealed: rootsA.map(treeNodeToJson),
      signedRoots
    }
  }
  return { ok: true, remote: headToJson(remote) }
}
