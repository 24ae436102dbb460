/**
 * A dropped record proof (docs/formats.md "Record proof v1", what `hyperseal prove` and
 * GET /v1/proofs/... write) checked in the browser exactly as `hyperseal verify-proof` checks it:
 * the chain's answers for its receipts through the one evidence path, then the pure checker
 * (src/proof `checkRecordProof`), both by src/structures `verifyRecordProof`, against the trust
 * root this page uses (pinned, else the service's). The service is not asked anything: the proof
 * carries its blocks, tree nodes and receipts, and the chain is read through the page's endpoint.
 */
import { createChainReader } from '../../chain'
import type { PinnedTrust } from '../../evidence'
import type { RecordProofResult } from '../../proof'
import { verifyRecordProof } from '../../structures'

export interface ProofRun {
  result: RecordProofResult
  /** The RPC endpoint's origin (never its path: it may carry an API key). */
  rpcOrigin: string
  /** The trust root the proof was checked under. */
  trust: PinnedTrust
}

export async function verifyProofInBrowser (req: { document: unknown, rpcUrl: string, trust: PinnedTrust, onStep?: (text: string) => void }): Promise<ProofRun> {
  const step = req.onStep ?? (() => {})
  step('Connecting to the chain\'s JSON-RPC endpoint…')
  const reader = await createChainReader({ rpcUrl: req.rpcUrl, timeoutMs: 20_000 })
  try {
    step('Checking the proof\'s seals on chain and its blocks against the sealed trees…')
    const result = await verifyRecordProof(req.document, { chain: reader, trust: req.trust })
    return { result, rpcOrigin: reader.origin, trust: req.trust }
  } finally {
    reader.close()
  }
}
