/**
 * A receipt's own check by the leaf-hash path, for callers that check receipts in bulk (the
 * audit report): the same questions as src/seal `checkReceipt` (strict form, the writer's
 * signature, a proof length that fits the batch, the proof leading to `seal.root`), with the
 * proof folded from the fast leaf hash (src/seal `leafHash`, tested equal to OpenZeppelin's)
 * the way OpenZeppelin's MerkleProof.processProof does (sorted pairs), instead of
 * StandardMerkleTree.verify's generic ABI re-encoding (~400 µs a receipt).
 */
import { checkReceiptWith, keccakHex, type Head, type ReceiptCheck } from '../seal'

/** Inner nodes of a batch by node: `[sibling, parent]` (see foldProof). */
export type FoldMemo = Map<string, readonly [sibling: string, parent: string]>

const UPPER = /[A-F]/

/**
 * The root a proof leads to from a 0x-hex leaf hash: each step keccak256 of the sorted pair
 * (OpenZeppelin's Hashes.commutativeKeccak256; lowercase hex of equal length sorts as the bytes
 * do). `memo` lets a caller checking a whole batch hash each inner node once instead of once
 * per leaf under it: it maps a node to its sibling and their parent, and a parent is taken from
 * it only when the sibling is the same one, so any memo (even one fed bad proofs) is sound. Both
 * children of a parent are entered, so the other child's receipt finds it too. The strings are
 * kept as given when already lowercase (the receipt's own, whose hashes the memo's lookups then
 * reuse): a lowercased copy of every node, and `sibling ‖ parent` strings cut apart again, cost
 * twice the one keccak a receipt's fold needs (h-reportspeed2, ~40 µs a receipt under load).
 */
export function foldProof (leaf: string, proof: readonly string[], memo?: FoldMemo): string {
  let node = UPPER.test(leaf) ? leaf.toLowerCase() : leaf
  for (const raw of proof) {
    const sibling = UPPER.test(raw) ? raw.toLowerCase() : raw
    const known = memo?.get(node)
    if (known !== undefined && known[0] === sibling) {
      node = known[1]
      continue
    }
    const parent = pairHash(node <= sibling ? node : sibling, node <= sibling ? sibling : node)
    memo?.set(node, [sibling, parent])
    memo?.set(sibling, [node, parent])
    node = parent
  }
  return node
}

// One 64-byte pair a thread, rewritten whole before each hash (both halves are checked to be
// 32 bytes written, so no byte of an earlier pair is ever hashed): no Buffer, no concatenated
// string a pair.
const PAIR = Buffer.alloc(64)

/** keccak256(a ‖ b) of two 0x-hex nodes, as 0x-hex. */
function pairHash (a: string, b: string): string {
  if (a.length !== 66 || b.length !== 66 || PAIR.write(a.slice(2), 0, 32, 'hex') !== 32 || PAIR.write(b.slice(2), 32, 32, 'hex') !== 32) {
    // Not two 32-byte nodes (no parsed receipt's proof is): hashed as Buffer.from reads them.
    return keccakHex(Buffer.from((a + b.slice(2)).slice(2), 'hex'))
  }
  return keccakHex(PAIR)
}

/** `verifySignature`: see src/seal checkReceiptWith (verifyHeadSignature when absent). */
export function checkReceiptByLeafHash (input: unknown, memo?: FoldMemo, verifySignature?: (head: Head) => void): ReceiptCheck {
  return checkReceiptWith(input, (receipt, _head, leaf) => foldProof(leaf, receipt.proof, memo) === receipt.seal.root, verifySignature)
}
