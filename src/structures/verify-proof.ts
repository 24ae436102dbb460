import type { ChainReader } from '../chain'
import { gatherChain, policyOf, type EvidenceCache, type PinnedTrust } from '../evidence'
import { chainPlanOf, checkRecordProof, type RecordProofResult } from '../proof'
import type { Receipt } from '../seal'

/**
 * A record proof checked with no replica and no service: the chain's answers for its receipts
 * through the one evidence path (src/evidence `gatherChain`, cached for final seals), then the
 * pure checker (src/proof) against the pinned trust root.
 */
export async function verifyRecordProof (document: unknown, sources: { chain: ChainReader, trust: PinnedTrust, cache?: EvidenceCache }): Promise<RecordProofResult> {
  const parts = (document as { parts?: unknown } | null)?.parts
  const receipts = Array.isArray(parts) ? parts.map((p) => ((p as { receipt?: unknown } | null)?.receipt ?? null) as Receipt | null) : []
  const policy = policyOf(sources.trust, receipts)
  const chain = await gatherChain(sources.chain, chainPlanOf(document), policy, sources.cache)
  return checkRecordProof(document, chain, policy)
}
