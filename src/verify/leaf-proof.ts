/**
 * A receipt's own check by the leaf-hash path, for callers that check receipts in bulk (the
 * audit report): the same questions as src/seal `checkReceipt` (strict form, the writer's
 * signature, a proof length that fits the batch, the proof leading to `seal.root`), with the
 * proof folded from the fast leaf hash (src/seal `leafHash`, tested equal to OpenZeppelin's)
 * the way OpenZeppelin's MerkleProof.processProof does (sorted pairs), instead of
 * StandardMerkleTree.verify's generic ABI re-encoding (~400 µs a receipt).
 */
import { checkReceiptWith, keccakHex, type Head, type ReceiptCheck } from '../seal'

/**
 * The root a proof leads to from a 0x-hex leaf hash: each step keccak256 of the sorted pair
 * (OpenZeppelin's Hashes.commutativeKeccak256; lowercase hex of equal length sorts as the bytes
 * do). `memo` lets a caller checking a whole batch hash each inner node once instead of once
 * per leaf under it: it maps a node to `sibling ‖ parent` (66 + 66 characters), and a parent is
 * taken from it only when the sibling is the same one, so any memo (even one fed bad proofs) is
 * sound. Keyed by the node, not by the pair: the pair string cost more than the hash it saved.
 * Both children of a parent are entered, so the other child's receipt finds it too: each inner
 * node of a batch is hashed once, not once from each side.
 */
export function foldProof (leaf: string, proof: readonly string[], memo?: Map<string, string>): string {
  let node = leaf.toLowerCase()
  for (const raw of proof) {
    const sibling = raw.toLowerCase()
    const known = memo?.get(node)
    if (known !== undefined && known.length === sibling.length * 2 && known.startsWith(sibling)) {
      node = known.slice(sibling.length)
      continue
    }
    const pair = node <= sibling ? node + sibling.slice(2) : sibling + node.slice(2)
    const parent = keccakHex(Buffer.from(pair.slice(2), 'hex'))
    memo?.set(node, sibling + parent)
    memo?.set(sibling, node + parent)
    node = parent
  }
  return node
}

/** `verifySignature`: see src/seal checkReceiptWith (verifyHeadSignature when absent). */
export function checkReceiptByLeafHash (input: unknown, memo?: Map<string, string>, verifySignature?: (head: Head) => void): ReceiptCheck {
  return checkReceiptWith(input, (receipt, _head, leaf) => foldProof(leaf, receipt.proof, memo) === receipt.seal.root, verifySignature)
}
