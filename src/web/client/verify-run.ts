/**
 * Verification in the browser, through the project's one evidence path (src/evidence
 * `gatherVerifyInput`) and its pure verifier (src/verify), exactly as `hyperseal verify --peer`
 * runs them; only the sources differ:
 * - receipts and incidents: the service's lists (untrusted: every receipt is checked against the
 *   chain, every incident's signed heads and agreement proof are checked);
 * - the replica: the service's replica as Hypercore upgrade proofs (GET /v1/cores/:key/proofs),
 *   checked here against the writer's signature and the sealed tree hash, as a remote peer's are;
 * - the chain: any JSON-RPC endpoint the person picks (src/chain's ChainReader over fetch); its
 *   answers are judged against the pinned trust root, not taken on its word;
 * - the later clocks: a secondary anchor's chain through the endpoint given for it, and each
 *   RFC 3161 token through src/evidence `checkRfc3161Token` (WebCrypto, against the pinned
 *   TSA's certificates), the very check of `hyperseal verify`. A clock whose chain has no
 *   endpoint, or whose TSA the pinned root does not name, is listed as not checked.
 */
import { createChainReader, type ChainReader } from '../../chain'
import { checkRfc3161Token, gatherVerifyInput, pin, type AnchorSources, type PinnedTrust, type ReplicaSource } from '../../evidence'
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
  /** JSON-RPC endpoints of secondary anchors' chains, by the chain id each is given for; default: the trust root's hints for its other chains. */
  anchorRpcs?: ReadonlyMap<number, string>
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
  /** The later clocks' chains read, as `chain id: origin`. */
  anchorOrigins: string[]
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

const TIMEOUT_MS = 20_000

/**
 * A reader per later clock's chain. An endpoint the person gave must answer for the chain it was
 * given for (else the run stops saying so, as `hyperseal verify --anchor-rpc` does); a hint of
 * the trust root that does not answer leaves its clock not checked.
 */
async function anchorReaders (req: VerifyRequest, primary: number): Promise<ChainReader[]> {
  const given = req.anchorRpcs !== undefined
  const urls = given
    ? [...req.anchorRpcs!]
    : req.trust.root.chains.filter((c) => c.chainId !== primary && c.rpc.length > 0).map((c): [number, string] => [c.chainId, c.rpc[0]])
  const opened = await Promise.allSettled(urls.map(([chainId, rpcUrl]) => createChainReader({ rpcUrl, timeoutMs: TIMEOUT_MS, expectedChainId: chainId })))
  const readers = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  const failed = opened.findIndex((r) => r.status === 'rejected')
  if (given && failed !== -1) {
    for (const r of readers) r.close()
    // The reader's errors name the endpoint's origin only, never its path.
    throw new Error(`The endpoint given for chain ${urls[failed][0]} cannot be used: ${((opened[failed] as PromiseRejectedResult).reason as Error).message} Fix it, or leave it empty to leave that clock not checked.`)
  }
  return readers
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
  const reader = await createChainReader({ rpcUrl: req.rpcUrl, timeoutMs: TIMEOUT_MS })
  let readers: ChainReader[] = []
  try {
    readers = await anchorReaders(req, reader.chainId)
    step('Checking the seal on chain, every later clock and the replica\'s proofs…')
    // Without WebCrypto (a page not served over https or from localhost) a token cannot be
    // checked at all: its clock is then listed as not checked rather than failed.
    const anchors: AnchorSources = { chains: new Map(readers.map((r) => [r.chainId, r])), ...(globalThis.crypto?.subtle !== undefined ? { timestamps: checkRfc3161Token } : {}) }
    const { input } = await gatherVerifyInput({ key, version: req.version, receipts, incidents: incidents.items }, { replica, chain: reader, trust: req.trust, anchors })
    // The roots kept for the planned lengths arrived with the proofs; the verifier checks them.
    const anchorOrigins = readers.map((r) => `chain ${r.chainId}: ${r.origin}`)
    return { verdict: verify({ ...input, sealedRoots: kept }), receipts: receipts.length, incidents: incidents.items.length, rpcOrigin: reader.origin, anchorOrigins }
  } finally {
    reader.close()
    for (const r of readers) r.close()
  }
}
