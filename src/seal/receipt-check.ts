/**
 * Checks a receipt on its own, without the chain: the writer signed the head, and the proof
 * leads from the head's leaf to `seal.root`. Whether that root is really on chain is the
 * verifier's separate question. The answer is a value, not an exception.
 */
import { merkleTree } from './merkle-lib'
import { SealError } from './errors'
import { headOfCanonical } from './head-json'
import { verifyHeadSignature } from './head-signature'
import { LEAF_ENCODING, leafHash, leafOf } from './leaf'
import { parseReceipt } from './receipt'
import type { Head, Receipt } from './types'

export type ReceiptCheckCode = 'BAD_RECEIPT' | 'BAD_MANIFEST' | 'KEY_MISMATCH' | 'BAD_SIGNATURE' | 'BAD_PROOF'

export type ReceiptCheck =
  | { ok: true, receipt: Receipt, head: Head, leaf: string }
  | { ok: false, code: ReceiptCheckCode, reason: string }

/** In a StandardMerkleTree of n leaves every proof has floor(log2 n) or ceil(log2 n) nodes. */
function proofLengthFits (proofLength: number, leafCount: number): boolean {
  const floor = 31 - Math.clz32(leafCount)
  const ceil = (leafCount & (leafCount - 1)) === 0 ? floor : floor + 1
  return proofLength >= floor && proofLength <= ceil
}

function fail (code: ReceiptCheckCode, reason: string): ReceiptCheck {
  return { ok: false, code, reason }
}

/**
 * The checks every receipt gets (strict form, the writer's signature, a proof length that fits
 * the batch), then `leads`: whether the proof leads from the head's leaf (`leafHash`) to
 * `seal.root`. Accepts a parsed Receipt or untrusted JSON (it is parsed again either way).
 * `verifySignature` (verifyHeadSignature by default) throws a SealError as it does: a bulk
 * caller that checked this very head elsewhere (the audit report's worker threads) hands that
 * answer in.
 */
export function checkReceiptWith (input: unknown, leads: (receipt: Receipt, head: Head, leaf: string) => boolean, verifySignature: (head: Head) => void = verifyHeadSignature): ReceiptCheck {
  let receipt: Receipt
  let head: Head
  try {
    receipt = parseReceipt(input)
    head = headOfCanonical(receipt.head)
  } catch (err) {
    return fail('BAD_RECEIPT', (err as Error).message)
  }

  try {
    verifySignature(head)
  } catch (err) {
    if (err instanceof SealError && (err.code === 'BAD_MANIFEST' || err.code === 'KEY_MISMATCH' || err.code === 'BAD_SIGNATURE')) {
      return fail(err.code, err.message)
    }
    throw err
  }

  const { seal, proof } = receipt
  if (!proofLengthFits(proof.length, seal.leafCount)) {
    return fail('BAD_PROOF', `A proof in a batch of ${seal.leafCount} leaves cannot have ${proof.length} nodes.`)
  }
  const leaf = leafHash(head)
  if (!leads(receipt, head, leaf)) {
    return fail('BAD_PROOF', `The proof does not lead from this head to the sealed root ${seal.root}.`)
  }
  return { ok: true, receipt, head, leaf }
}

/**
 * `checkReceiptWith` the canonical OpenZeppelin path (its own ABI encoder and proof
 * processing), independent of the fast leaf hash the batch builder uses.
 */
export function checkReceipt (input: unknown): ReceiptCheck {
  return checkReceiptWith(input, (receipt, head) => merkleTree().StandardMerkleTree.verify(receipt.seal.root, LEAF_ENCODING, leafOf(head), receipt.proof))
}
