/**
 * One evidence path: for a verify question, the receipts and incidents (however the caller found
 * them), the replica's head, then the plan, then the chain's answers and the replica's tree for
 * that plan, as the verifier's own types. The service, the independent CLI, the audit report and
 * `report verify` all come through here, so "which answers does a verdict rest on" is said once.
 */
import type { ChainReader } from '../chain'
import { HeadsError } from '../heads'
import type { Incident, Receipt } from '../seal'
import { policyFor, trustFingerprint, type TrustPolicy, type TrustRoot } from '../trust'
import { planVerify, type SealedRoots, type VerifyInput, type VerifyPlan } from '../verify'
import { gatherAnchors, type AnchorSources } from './anchors'
import { EvidenceCache, gatherChain } from './chain'
import type { ReplicaSource } from './replica'

/** A pinned trust root with its fingerprint computed once. */
export interface PinnedTrust {
  root: TrustRoot
  fingerprint: string
}

export function pin (root: TrustRoot): PinnedTrust {
  return { root, fingerprint: trustFingerprint(root) }
}

/**
 * The policy for a plan: the pinned chain of the deciding receipt (else of the one the replica is
 * compared with). A receipt on a chain the root does not name gets the root's first chain, and
 * the verifier then says UNTRUSTED_CHAIN.
 */
export function policyOf (trust: PinnedTrust, receipts: ReadonlyArray<Receipt | null>): TrustPolicy {
  const chainId = receipts.find((r) => r !== null && typeof r?.seal?.chainId === 'number')?.seal.chainId
  const chain = trust.root.chains.find((c) => c.chainId === chainId) ?? trust.root.chains[0]
  return policyFor(trust.root, chain.chainId, trust.fingerprint)
}

export interface VerifyQuestion {
  key: string
  version: number
  receipts: readonly Receipt[]
  incidents?: readonly Incident[]
  sealedRoots?: readonly SealedRoots[]
}

export interface EvidenceSources {
  replica: ReplicaSource
  chain: ChainReader
  trust: PinnedTrust
  cache?: EvidenceCache
  /** Readers of secondary chains and the RFC 3161 token checker, for the deciding receipt's later anchors. */
  anchors?: AnchorSources
  /** Told how long the chain's answers and the replica's tree took, in ms (benchmarks). */
  onPhase?: (phase: 'chain' | 'replica', ms: number) => void
}

async function timed<T> (phase: 'chain' | 'replica', sources: EvidenceSources, step: () => Promise<T>): Promise<T> {
  if (sources.onPhase === undefined) return await step()
  const start = performance.now()
  try {
    return await step()
  } finally {
    sources.onPhase(phase, performance.now() - start)
  }
}

/** How often the replica may move between its head and its tree before the gathering gives up. */
const MAX_ATTEMPTS = 3

export async function gatherVerifyInput (question: VerifyQuestion, sources: EvidenceSources): Promise<{ input: VerifyInput, plan: VerifyPlan }> {
  const byRoot = new Map(question.receipts.map((r) => [r.seal?.root, r]))
  const planFor = (replica: { length: number }): VerifyPlan =>
    planVerify({ key: question.key, version: question.version, receipts: question.receipts, incidents: question.incidents ?? [], replica })
  let head = sources.replica.head()
  for (let attempt = 1; ; attempt++) {
    const plan = planFor(head)
    const trust = policyOf(sources.trust, [plan.receipt, ...plan.seals.map((s) => byRoot.get(s.root) ?? null)])
    const chain = await timed('chain', sources, () => gatherChain(sources.chain, plan, trust, sources.cache))
    const anchors = await timed('chain', sources, () => gatherAnchors(plan.anchors, trust, sources.anchors ?? {}, sources.cache))
    const replica = await timed('replica', sources, () => sources.replica.view(plan.lengths))
    // A live replica may have moved since its head was read: the plan still holds when the seals
    // it needs for the replica as read are among those gathered.
    const moved = replica.length !== head.length || replica.fork !== head.fork
    const again = moved ? planFor(replica) : plan
    const covered = again.lengths.every((l) => plan.lengths.includes(l)) && again.seals.every((s) => plan.seals.some((p) => p.root === s.root))
    if (covered || attempt >= MAX_ATTEMPTS) {
      if (!covered) throw new HeadsError('CORE_FAILED', `The replica of ${question.key} kept changing while it was read; retry.`)
      return {
        plan: again,
        input: {
          key: question.key,
          version: question.version,
          receipts: question.receipts,
          incidents: question.incidents ?? [],
          ...(question.sealedRoots !== undefined ? { sealedRoots: question.sealedRoots } : {}),
          replica,
          chain,
          ...(anchors !== undefined ? { anchors } : {}),
          trust
        }
      }
    }
    head = { length: replica.length, fork: replica.fork }
  }
}
