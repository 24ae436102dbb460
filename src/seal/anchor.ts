/**
 * Anchors after the primary seal (docs/formats.md "Receipt (v2)"): more clocks for one batch root.
 *
 * A **secondary EVM anchor** seals, on another chain's HyperSeal contract (`seal(root, leafCount)`),
 * the root of an OpenZeppelin StandardMerkleTree over the primary batch roots sealed since its
 * last seal. One batch root is one leaf:
 *
 *   types    = ["bytes32"] = (batchRoot)
 *   leafHash = keccak256(bytes.concat(keccak256(abi.encode(batchRoot))))
 *   parent   = keccak256(min(a, b) ‖ max(a, b))
 *
 * The double hash keeps a leaf apart from an inner node (OpenZeppelin's second-preimage guard),
 * so a batch root can never pose as a subtree of the anchor tree.
 *
 * An **RFC 3161 anchor** is a time-stamping authority's token whose message imprint is
 * SHA-256(batchRoot's 32 bytes): checked against the TSA certificate the trust root pins.
 */
import { merkleTree } from './merkle-lib'
import { SealError } from './errors'
import type { SealInfo } from './types'

export const ANCHOR_LEAF_ENCODING = ['bytes32']

/** A secondary chain's seal of a root over batch roots, and the proof of one batch root in it. */
export interface EvmAnchor {
  type: 'evm'
  /** The anchor's name in the service's configuration, for people (trust is by chain and contract). */
  name: string
  /** Where the anchor root was sealed: `root` is the anchor tree's root, `leafCount` its number of batch roots. */
  seal: SealInfo
  /** The inclusion proof of the receipt's batch root (`seal.root` of the receipt) in the anchor root, bottom up. */
  proof: string[]
}

/** An RFC 3161 time-stamp token over the batch root. */
export interface TimestampAnchor {
  type: 'rfc3161'
  /** The TSA's name; the trust root names its certificate chain under the same name. */
  name: string
  /** The DER TimeStampToken (a CMS SignedData), base64. */
  token: string
  /** The token's genTime as the service read it (ISO 8601): the verifier reads it again from the token. */
  time: string
}

export type Anchor = EvmAnchor | TimestampAnchor

/** The anchor tree over batch roots (at least one, no duplicate). */
export interface AnchorTree {
  readonly root: string
  readonly leafCount: number
  proofFor (batchRoot: string): string[]
}

export function buildAnchorTree (batchRoots: readonly string[]): AnchorTree {
  if (batchRoots.length === 0) throw new SealError('EMPTY_BATCH', 'An anchor needs at least one batch root.')
  const roots = batchRoots.map((r) => r.toLowerCase())
  if (new Set(roots).size !== roots.length) throw new SealError('DUPLICATE_LEAF', 'A batch root appears twice in one anchor.')
  const tree = merkleTree().StandardMerkleTree.of(roots.map((r) => [r]), ANCHOR_LEAF_ENCODING)
  const index = new Map(roots.map((r, i) => [r, i]))
  return {
    root: tree.root,
    leafCount: roots.length,
    proofFor: (batchRoot) => {
      const i = index.get(batchRoot.toLowerCase())
      if (i === undefined) throw new SealError('BAD_INDEX', `The batch root ${batchRoot} is not in this anchor.`)
      return tree.getProof(i)
    }
  }
}

/** Whether `proof` leads from `batchRoot` to the anchor's sealed root (OpenZeppelin's own verifier). */
export function anchorIncludes (anchor: EvmAnchor, batchRoot: string): boolean {
  try {
    return merkleTree().StandardMerkleTree.verify(anchor.seal.root, ANCHOR_LEAF_ENCODING, [batchRoot.toLowerCase()], anchor.proof)
  } catch {
    return false
  }
}
