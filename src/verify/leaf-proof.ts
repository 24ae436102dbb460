/**
 * A receipt's own check by the leaf-hash path, for callers that check receipts in bulk (the
 * audit report): the same questions as src/seal `checkReceipt` (strict form, the writer's
 * signature, a proof length that fits the batch, the proof leading to `seal.root`), with the
 * proof folded from the fast leaf hash (src/seal `leafHash`, tested equal to OpenZeppelin's)
 * the way OpenZeppelin's MerkleProof.processProof does (sorted pairs), instead of
 * StandardMerkleTree.verify's generic ABI re-encoding (~400 µs a receipt).
 */
import { keccak256 } from 'ethers'
import { SealError, headFromJson, leafHash, parseReceipt, verifyHeadSignature, type Head, type ReceiptCheck, type Receipt } from '../seal'

function fail (code: Exclude<ReceiptCheck, { ok: true }>['code'], reason: string): ReceiptCheck {
  return { ok: false, code, reason }
}

/**
 * The root a proof leads to from a 0x-hex leaf hash: each step keccak256 of the sorted pair
 * (OpenZeppelin's Hashes.commutativeKeccak256; lowercase hex of equal length sorts as the bytes
 * do). `memo` (pair → parent) lets a caller checking a whole batch hash each inner node once
 * instead of once per leaf under it; a parent is a pure function of its pair, so any memo is sound.
 */
export function foldProof (leaf: string, proof: readonly string[], memo?: Map<string, string>): string {
  let node = leaf.toLowerCase()
  for (const raw of proof) {
    const sibling = raw.toLowerCase()
    const pair = node <= sibling ? node + sibling.slice(2) : sibling + node.slice(2)
    let parent = memo?.get(pair)
    if (parent === undefined) {
      parent = keccak256(pair)
      memo?.set(pair, parent)
    }
    node = parent
  }
  return node
}

/** In a StandardMerkleTree of n leaves every proof has floor(log2 n) or ceil(log2 n) nodes. */
function proofLengthFits (proofLength: number, leafCount: number): boolean {
  const floor = 31 - Math.clz32(leafCount)
  const ceil = (leafCount & (leafCount - 1)) === 0 ? floor : floor + 1
  return proofLength >= floor && proofLength <= ceil
}

export function checkReceiptByLeafHash (input: unknown, memo?: Map<string, string>): ReceiptCheck {
  let receipt: Receipt
  let head: Head
  try {
    receipt = parseReceipt(input)
    head = headFromJson(receipt.head)
  } catch (err) {
    return fail('BAD_RECEIPT', (err as Error).message)
  }
  try {
    verifyHeadSignature(head)
  } catch (err) {
    if (err instanceof SealError && (err.code === 'BAD_MANIFEST' || err.code === 'KEY_MISMATCH' || err.code === 'BAD_SIGNATURE')) return fail(err.code, err.message)
    throw err
  }
  const { seal, proof } = receipt
  if (!proofLengthFits(proof.length, seal.leafCount)) return fail('BAD_PROOF', `A proof in a batch of ${seal.leafCount} leaves cannot have ${proof.length} nodes.`)
  const leaf = leafHash(head)
  if (foldProof(leaf, proof, memo) !== seal.root) return fail('BAD_PROOF', `The proof does not lead from this head to the sealed root ${seal.root}.`)
  return { ok: true, receipt, head, leaf }
}
