/**
 * Re-verification of one receipt against the chain now, with the verifier's own seal check
 * (src/verify checkSealed: the writer's signature, the Merkle proof, the pinned chain and
 * contract, the contract's code, sealedAt, the block and the transaction with its Sealed log):
 * `verified` once final under the trust policy, `pending` before, `invalid` otherwise. The report
 * says "receipt vs chain" exactly as a verdict does. The proof is folded from the fast leaf hash
 * (src/verify leaf-proof.ts), not re-encoded by StandardMerkleTree.verify: the report checks
 * every receipt of its period. The one place a report handles a receipt's format: a second
 * receipt version is added here.
 */
import type { TrustPolicy } from '../trust'
import { checkSealed, type ChainEvidence, type FoldMemo, type SealCheckOptions } from '../verify'
import type { RecheckResult } from './builder-chunk'

export interface RecheckOptions {
  /** Inner Merkle nodes shared by the receipts of one batch (see src/verify foldProof). */
  memo?: FoldMemo
  /** The chain's answer by seal, shared by the receipts of one batch (see src/verify checkSealed). */
  chainMemo?: SealCheckOptions['chainMemo']
  /**
   * The writer's signature check (src/seal verifyHeadSignature when absent); the worker threads
   * pass verifyNewHeadSignature: each receipt's head is one they have not seen.
   */
  verifySignature?: SealCheckOptions['verifySignature']
}

export function recheckReceipt (receipt: unknown, chain: ChainEvidence, trust: TrustPolicy, options: RecheckOptions = {}): RecheckResult {
  const checked = checkSealed(receipt, chain, trust, { proofPath: 'leaf-hash', ...options })
  if (!checked.ok) return { status: 'invalid', reason: `${checked.finding}: ${checked.reason}` }
  if (checked.final) return { status: 'verified' }
  const finality = checked.checks.find((c) => c.check === 'finality')
  return { status: 'pending', reason: `Not final yet: ${finality?.detail ?? 'too few confirmations'}` }
}
