/**
 * Verification in the browser, through the project's one evidence path (src/evidence
 * `gatherVerifyInput`) and its pure verifier (src/verify), exactly as `hyperseal verify --peer`
 * runs them; only the sources differ:
 * - receipts and incidents: the service's lists (untrusted: every receipt is checked against the
 *   chain, every incident's signed heads and agreement proof are checked);
 * - the replica: the service's replica as Hypercore upgrade proofs (GET /v1/cores/:key/proofs),
 *   checked here against the writer's signature and the sealed tree hash, as a remote peer's are;
 * - the chain: any JSON-RPC endpoint the person picks (src/chain's ChainReader over fetch); its
 *   answers are judged against the pinned trust root, not taken on its word.
 */
import { createChainReader } from '../../chain'
import { gatherVerifyInput, pin, type PinnedTrust, type ReplicaSource } from '../../evidence'
import type { Incident, Receipt } from '../../seal'
import { parseTrustRoot } from '../../trust'
import { verify, type SealedRoots, type UpgradeProof, type Verdict } from '../../verify'
import type { ReplicaProofs } from './api-types'
import { getAll, getJson } from './http'

export interface VerifyRequest {
  key: string
  version: number
  rpcUrl: string
  trust: PinnedTrust
  /** JSON-RPC endpoints of secondary anchors' chains; default: the trust root's hints for its other chains. */
  anchorRpcUrls?: readonly string[]
  /** Receipts from a dropped file, checked with the service's. */
  fileReceipts?: readonly Receipt[]
  /** Progress, in words, for the page's live region. */
  onStep?: (text: string) => void
}

export interface VerifyRun {
  verdict: Verdict
  receipts: number
  incidents: number
  /** The RPC endpoint's origin (never its path: it may carry an API key). */
  rpcOrigin: string
}

/** The service's trust root, parsed strictly and fingerprinted here, with the fingerprint the service claims. */
export async function fetchServiceTrust (): Promise<{ trust: PinnedTrust, claimed: string | null }> {
  const { body, headers } = await getJson<unknown>('/v1/trust')
  return { trust: pin(parseTrustRoot(body)), claimed: headers.get('x-hyperseal-trust-fingerprint') }
}

const proofsPath = (key: string): string => `/v1/cores/${key}/proofs`

/** The service's replica as a ReplicaSource: its head as read first, then proofs at the planned lengths. */
async function serviceReplica (key: string, kept: SealedRoots[]): Promise<ReplicaSource> {
  const { body: first } = await getJson<ReplicaProofs>(proofsPath(key))
  return {
    head: () => ({ length: first.head.length, fork: first.head.fork }),
    view: async (lengths) => {
      const wanted = [...new Set(lengths)].filter((l) => l >= 1)
      const { body } = await getJson<ReplicaProofs>(proofsPath(key), wanted.length > 0 ? { lengths: wanted.join(',') } : {})
      kept.push(...body.sealedRoots)
      const proofs: Record<number, UpgradeProof> = {}
      for (const [length, proof] of Object.entries(body.proofs)) proofs[Number(length)] = proof
      return { length: body.head.length, fork: body.head.fork, treeHash: body.head.treeHash, proofs }
    }
  }
}

function unique (receipts: readonly Receipt[]): Receipt[] {
  const seen = new Set<string>()
  return receipts.filter((r) => {
    const id = JSON.stringify(r)
    if (seen.has(id)) return false
    seen.add(id)
    return true
  })
}

export async function verifyInBrowser (req: VerifyRequest): Promise<VerifyRun> {
  const step = req.onStep ?? (() => {})
  const key = req.key.toLowerCase()
  step('Reading the receipts and incidents the service recorded…')
  const [served, incidents] = await Promise.all([
    getAll<Receipt>(`/v1/cores/${key}/receipts`, 'receipts', {}),
    getAll<Incident>('/v1/incidents', 'incidents', { key })
  ])
  const receipts = unique([...served.items, ...(req.fileReceipts ?? [])])
  step('Reading the service\'s replica as Hypercore proofs…')
  const kept: SealedRoots[] = []
  const replica = await serviceReplica(key, kept)
  step('Connecting to the chain\'s JSON-RPC endpoint…')
  const reader = await createChainReader({ rpcUrl: req.rpcUrl, timeoutMs: 20_000 })
  // Secondary anchors' chains, where an endpoint is known; a clock without one is shown as not checked.
  const anchorUrls = req.anchorRpcUrls ?? req.trust.root.chains.filter((c) => c.chainId !== reader.chainId).flatMap((c) => c.rpc.slice(0, 1))
  const anchorReaders = (await Promise.allSettled(anchorUrls.map((rpcUrl) => createChainReader({ rpcUrl, timeoutMs: 20_000 })))).flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  try {
    step('Checking the seal on chain and the replica\'s proofs…')
    const anchors = { chains: new Map(anchorReaders.map((r) => [r.chainId, r])) }
    const { input } = await gatherVerifyInput({ key, version: req.version, receipts, incidents: incidents.items }, { replica, chain: reader, trust: req.trust, anchors })
    // The roots kept for the planned lengths arrived with the proofs; the verifier checks them.
    return { verdict: verify({ ...input, sealedRoots: kept }), receipts: receipts.length, incidents: incidents.items.length, rpcOrigin: reader.origin }
  } finally {
    reader.close()
    for (const r of anchorReaders) r.close()
  }
}
